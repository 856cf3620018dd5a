import { Injectable } from '@nestjs/common';
import { isDeviceRegistrationRule } from '@cm/contracts';
import { DevicesService, NetworksService } from '@cm/households';
import { type Actor, AuditService, canAccessTenant, visibleTenants } from '@cm/identity';
import { PoliciesService } from '@cm/policies';
import { AccountsError, AccountsErrorCode } from './accounts.errors';
import { checkOperatorAccountPart } from './accounts.service';
import type { AccountDeviceDto, AccountDevicesDto, AccountNetworksDto } from './dto/account-households.dto';
import { RemoveDeviceUseCase } from './usecases/remove-device.usecase';
import type { AccountKey } from './session-store.port';

const accountOf = (idp: string, subject: string): AccountKey => ({
  idp: checkOperatorAccountPart('idp', idp),
  subject: checkOperatorAccountPart('subject', subject),
});

/**
 * The operator's view of an account's devices and networks (issue 16), and the operator's device removal (no swap
 * quota) and home-network choice, both audited. Devices are those of the policies the operator's tenants own or
 * are shared with.
 */
@Injectable()
export class AccountHouseholdsService {
  constructor(
    private readonly devices: DevicesService,
    private readonly networks: NetworksService,
    private readonly policies: PoliciesService,
    private readonly removeDevice: RemoveDeviceUseCase,
    private readonly audit: AuditService,
  ) {}

  async devicesOf(actor: Actor, idp: string, subject: string): Promise<AccountDevicesDto> {
    const account = accountOf(idp, subject);
    const rows = await this.devices.forAccount(account);
    const policies = await this.visiblePolicies(actor, [...new Set(rows.map((r) => r.policyId))]);
    const byId = new Map(policies.map((p) => [p.id, p]));
    const devices: AccountDeviceDto[] = rows.flatMap((row) => {
      const policy = byId.get(row.policyId);
      const rule = policy?.rules.find(isDeviceRegistrationRule);
      if (!policy || !rule) return [];
      return [{ ...row, policyName: policy.name, ruleName: rule.name, limit: rule.limit }];
    });
    return { ...account, devices };
  }

  /** Removes the device from every register the operator can see; its streams end. 404 when none holds it. */
  async remove(actor: Actor, idp: string, subject: string, deviceId: string): Promise<void> {
    const account = accountOf(idp, subject);
    const rows = (await this.devices.forAccount(account)).filter((r) => r.deviceId === deviceId);
    const policies = await this.visiblePolicies(actor, [...new Set(rows.map((r) => r.policyId))]);
    const { removal, removedFrom, endedSessions } = await this.removeDevice.execute(policies, account, deviceId, 'operator');
    if (removal.outcome !== 'removed') {
      throw new AccountsError(AccountsErrorCode.DEVICE_NOT_FOUND, `No registered device "${deviceId.slice(0, 80)}" on this account`);
    }
    for (const policy of removedFrom) {
      const row = rows.find((r) => r.policyId === policy.id);
      await this.audit.record({
        actor,
        action: 'device.remove',
        targetType: 'device',
        targetId: deviceId,
        tenantId: policies.find((p) => p.id === policy.id)?.tenantId ?? null,
        before: { ...account, policyId: policy.id, policyName: policy.name, ...row },
        after: { removed: true, endedSessions },
      });
    }
  }

  /**
   * The account's home network and networks of 30 days, as the operator's tenants' applications saw them. An account
   * none of them played for in that window answers with nothing (no network, no home): not theirs to see.
   */
  async networksOf(actor: Actor, idp: string, subject: string): Promise<AccountNetworksDto> {
    const account = accountOf(idp, subject);
    const overview = await this.networks.overview(account, visibleTenants(actor));
    if (!overview) return { ...account, home: null, networks: [] };
    const { home, recent } = overview;
    return { ...account, home, networks: recent.map((n) => ({ ...n, home: n.networkId === home?.networkId })) };
  }

  /** Admins, and operators of a tenant whose applications played for the account in 30 days (else 404). */
  async setHome(actor: Actor, idp: string, subject: string, networkId: string | null): Promise<AccountNetworksDto> {
    const account = accountOf(idp, subject);
    if (!(await this.networks.visibleTo(account, visibleTenants(actor)))) {
      throw new AccountsError(AccountsErrorCode.ACCOUNT_NOT_FOUND, 'None of your applications played for this account in 30 days');
    }
    const { before, after } = await this.networks.setHome(account, networkId, actor.email);
    await this.audit.record({
      actor,
      action: 'account.home-network',
      targetType: 'account',
      targetId: `${account.idp}/${account.subject}`,
      tenantId: null,
      before: { homeNetwork: before },
      after: { homeNetwork: after },
    });
    return this.networksOf(actor, idp, subject);
  }

  /**
   * The policies whose registers the operator sees: those their tenants own, and those shared with their tenants
   * (a shared policy's register holds the devices of every tenant using it: each of them supports those viewers).
   */
  private async visiblePolicies(actor: Actor, ids: string[]) {
    const policies = await this.policies.enginePoliciesByIds(ids);
    const shared = policies.some((p) => !canAccessTenant(actor, p.tenantId))
      ? await this.policies.sharedTenantIdsByPolicy(policies.map((p) => p.id))
      : new Map<string, string[]>();
    return policies.filter(
      (p) => canAccessTenant(actor, p.tenantId) || (shared.get(p.id) ?? []).some((tenantId) => canAccessTenant(actor, tenantId)),
    );
  }
}

import { Injectable } from '@nestjs/common';
import { isDeviceRegistrationRule } from '@cm/contracts';
import { DevicesService, NetworksService } from '@cm/households';
import { type Actor, AuditService, canAccessTenant, visibleTenants } from '@cm/identity';
import { PoliciesService } from '@cm/policies';
import { TenantsService } from '@cm/tenants';
import { AccountsError, AccountsErrorCode } from './accounts.errors';
import { checkOperatorAccountPart } from './accounts.service';
import type { AccountDeviceDto, AccountDevicesDto, AccountNetworksDto, TenantNetworksDto } from './dto/account-households.dto';
import { RemoveDeviceUseCase } from './usecases/remove-device.usecase';
import type { AccountKey } from './session-store.port';

const accountOf = (idp: string, subject: string): AccountKey => ({
  idp: checkOperatorAccountPart('idp', idp),
  subject: checkOperatorAccountPart('subject', subject),
});

const notPlayed = () =>
  new AccountsError(AccountsErrorCode.ACCOUNT_NOT_FOUND, 'None of your applications played for this account in 30 days');

/**
 * The operator's view of an account's devices and networks (issue 16), and the operator's device removal (no swap
 * quota) and home-network choice, both audited. Devices are those of the policies the operator's tenants own or
 * are shared with. Networks and home networks are per tenant (issue 24): each tenant's own, from its own
 * applications' starts and its own operators' choices; another tenant's answer 404, like an unknown account.
 */
@Injectable()
export class AccountHouseholdsService {
  constructor(
    private readonly devices: DevicesService,
    private readonly networks: NetworksService,
    private readonly policies: PoliciesService,
    private readonly tenants: TenantsService,
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
      const owner = policies.find((p) => p.id === policy.id)!.tenantId;
      // The register is the policy owner's: its audit log shows the removal; so does the remover's tenant's, when an
      // operator of a tenant the policy is shared with removed it.
      for (const tenantId of new Set([owner, actor.tenantId ?? owner])) {
        await this.audit.record({
          actor,
          action: 'device.remove',
          targetType: 'device',
          targetId: deviceId,
          tenantId,
          before: { ...account, policyId: policy.id, policyName: policy.name, ...row },
          after: { removed: true, endedSessions },
        });
      }
    }
  }

  /**
   * The account's networks of 30 days and its home network, per tenant: each of the operator's tenants whose
   * applications played for the account in that window, or whose operator chose its home (`tenantId`: that one
   * only; another tenant's answers 404). An account none of them has seen answers with no tenant.
   */
  async networksOf(actor: Actor, idp: string, subject: string, tenantId?: string): Promise<AccountNetworksDto> {
    const account = accountOf(idp, subject);
    if (tenantId !== undefined && !canAccessTenant(actor, tenantId)) throw notPlayed();
    const ids = await this.networks.tenantsWithNetworks(account, tenantId === undefined ? visibleTenants(actor) : [tenantId]);
    return { ...account, tenants: await this.views(account, ids) };
  }

  /**
   * Sets (null: clears) the account's home network for one tenant: `tenantId`, or the one tenant of the operator's
   * with networks of the account (400 when several). Operators of a tenant: only when its applications played for
   * the account in 30 days or it has a home set (else 404); admins: for any tenant. Audited under that tenant.
   */
  async setHome(actor: Actor, idp: string, subject: string, networkId: string | null, tenantId?: string): Promise<AccountNetworksDto> {
    const account = accountOf(idp, subject);
    const tenant = await this.homeTenant(actor, account, tenantId);
    const { before, after } = await this.networks.setHome(account, tenant, networkId, actor.email);
    await this.audit.record({
      actor,
      action: 'account.home-network',
      targetType: 'account',
      targetId: `${account.idp}/${account.subject}`,
      tenantId: tenant,
      before: { homeNetwork: before },
      after: { homeNetwork: after },
    });
    return { ...account, tenants: await this.views(account, [tenant]) };
  }

  /** The tenant whose home network a PUT sets. */
  private async homeTenant(actor: Actor, account: AccountKey, tenantId: string | undefined): Promise<string> {
    if (tenantId !== undefined) {
      if (!canAccessTenant(actor, tenantId)) throw notPlayed();
      if (actor.role === 'admin') return (await this.tenants.get(tenantId)).id;
      if ((await this.networks.tenantsWithNetworks(account, [tenantId])).length === 0) throw notPlayed();
      return tenantId;
    }
    const found = await this.networks.tenantsWithNetworks(account, visibleTenants(actor));
    if (found.length === 0) throw notPlayed();
    if (found.length > 1) {
      throw new AccountsError(
        AccountsErrorCode.TENANT_REQUIRED,
        `Home networks are per tenant and several of your tenants have networks for this account: pass tenantId (one of ${found.join(', ')})`,
        'tenantId',
      );
    }
    return found[0];
  }

  private async views(account: AccountKey, tenantIds: string[]): Promise<TenantNetworksDto[]> {
    const [names, overviews] = await Promise.all([
      this.tenants.listByIds(tenantIds),
      Promise.all(tenantIds.map((id) => this.networks.overview(account, id))),
    ]);
    const nameOf = new Map(names.map((t) => [t.id, t.name]));
    return overviews.map(({ tenantId, home, recent }) => ({
      tenantId,
      tenantName: nameOf.get(tenantId) ?? tenantId,
      home,
      networks: recent.map((n) => ({ ...n, home: n.networkId === home?.networkId })),
    }));
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

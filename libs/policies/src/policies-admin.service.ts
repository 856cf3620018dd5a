import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type Actor, AuditService, canAccessTenant, IdentityError } from '@cm/identity';
import { ApplicationsService, TenantsError, TenantsErrorCode, TenantsService } from '@cm/tenants';
import { PoliciesError, PoliciesErrorCode } from './policies.errors';
import { type Policy, type PolicyInput, PoliciesService, type PolicyVersion } from './policies.service';

const notFound = (id: string) => new PoliciesError(PoliciesErrorCode.POLICY_NOT_FOUND, `Policy ${id} not found`);

/**
 * The management API's policy use cases. A policy is visible to its owner tenant and to the tenants it is
 * shared with; only the owner tenant (or an admin) changes it. Invisible policies answer 404, visible but
 * foreign ones 403 on writes. Every change is audited in its own transaction.
 */
@Injectable()
export class PoliciesAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PoliciesService,
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, tenantId: string): Promise<Array<Policy & { shared: boolean }>> {
    if (!canAccessTenant(actor, tenantId)) throw this.tenantNotFound(tenantId);
    await this.tenants.get(tenantId);
    return this.policies.listAvailableToTenant(tenantId);
  }

  async get(actor: Actor, id: string): Promise<Policy & { sharedWithTenantIds: string[]; attachedApplicationIds: string[] }> {
    const policy = await this.visible(actor, id);
    const owner = canAccessTenant(actor, policy.tenantId);
    const attached = await this.policies.attachedApplicationIds(id);
    const apps = await this.applications.findMany(attached);
    return {
      ...policy,
      sharedWithTenantIds: owner ? await this.policies.sharedTenantIds(id) : [],
      attachedApplicationIds: attached.filter((a) => {
        const app = apps.get(a);
        return app !== undefined && canAccessTenant(actor, app.tenantId);
      }),
    };
  }

  async versions(actor: Actor, id: string): Promise<PolicyVersion[]> {
    await this.visible(actor, id);
    return this.policies.versions(id);
  }

  async create(actor: Actor, tenantId: string, input: PolicyInput): Promise<Policy> {
    if (!canAccessTenant(actor, tenantId)) throw this.tenantNotFound(tenantId);
    await this.tenants.get(tenantId);
    return this.dataSource.transaction(async (m) => {
      const policy = await this.policies.create(tenantId, input, m);
      await this.audit.record({ actor, action: 'policy.create', targetType: 'policy', targetId: policy.id, tenantId, after: policy }, m);
      return policy;
    });
  }

  async replace(actor: Actor, id: string, input: PolicyInput): Promise<Policy> {
    const policy = await this.owned(actor, id);
    return this.dataSource.transaction(async (m) => {
      const { before, after } = await this.policies.replace(id, { ...input, description: input.description ?? '' }, m);
      await this.audit.record(
        { actor, action: 'policy.update', targetType: 'policy', targetId: id, tenantId: policy.tenantId, before, after },
        m,
      );
      return after;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const policy = await this.owned(actor, id);
    await this.dataSource.transaction(async (m) => {
      const before = await this.policies.delete(id, m);
      await this.audit.record({ actor, action: 'policy.delete', targetType: 'policy', targetId: id, tenantId: policy.tenantId, before }, m);
    });
  }

  async share(actor: Actor, id: string, tenantIds: string[]): Promise<string[]> {
    const policy = await this.owned(actor, id);
    return this.dataSource.transaction(async (m) => {
      const { before, after } = await this.policies.share(id, tenantIds, m, { revealTenants: actor.role === 'admin' });
      await this.audit.record(
        {
          actor,
          action: 'policy.share',
          targetType: 'policy',
          targetId: id,
          tenantId: policy.tenantId,
          before: { tenantIds: before },
          after: { tenantIds: after },
        },
        m,
      );
      return after;
    });
  }

  async attachedPolicies(actor: Actor, applicationId: string): Promise<string[]> {
    await this.application(actor, applicationId);
    return this.policies.attachedPolicyIds(applicationId);
  }

  async attach(actor: Actor, applicationId: string, policyIds: string[]): Promise<string[]> {
    const app = await this.application(actor, applicationId);
    return this.dataSource.transaction(async (m) => {
      const { before, after } = await this.policies.attachToApplication(applicationId, policyIds, m);
      await this.audit.record(
        {
          actor,
          action: 'application.attach-policies',
          targetType: 'application',
          targetId: applicationId,
          tenantId: app.tenantId,
          before: { policyIds: before },
          after: { policyIds: after },
        },
        m,
      );
      return after;
    });
  }

  /** The policy when the actor may see it (owner or shared-with tenant), else 404. */
  async visible(actor: Actor, id: string): Promise<Policy> {
    const policy = await this.policies.get(id);
    if (canAccessTenant(actor, policy.tenantId)) return policy;
    const shares = await this.policies.sharedTenantIds(id);
    if (shares.some((t) => canAccessTenant(actor, t))) return policy;
    throw notFound(id);
  }

  /** The policy when the actor may change it (owner tenant or admin); 403 when only shared with them. */
  private async owned(actor: Actor, id: string): Promise<Policy> {
    const policy = await this.visible(actor, id);
    if (!canAccessTenant(actor, policy.tenantId)) {
      throw IdentityError.forbidden('This policy is shared with your tenant; only the tenant that owns it can change it');
    }
    return policy;
  }

  private async application(actor: Actor, id: string) {
    const app = await this.applications.get(id);
    if (!canAccessTenant(actor, app.tenantId)) {
      throw new TenantsError(TenantsErrorCode.APPLICATION_NOT_FOUND, `Application ${id} not found`);
    }
    return app;
  }

  private tenantNotFound(id: string): Error {
    return new PoliciesError(PoliciesErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, canAccessTenant } from '@cm/identity';
import { PoliciesService, type Policy } from '@cm/policies';
import { ApplicationsService, OPEN_APPLICATIONS_ALLOWED, type Tenant, TenantsService } from '@cm/tenants';
import { applicationSettings, type DesiredConfiguration, isUuid } from './document';
import type { PolicyState, ServerView, TenantRef, TenantState } from './server-state';

/** What a file refers to beyond the tenants it covers, gathered before reading the server. */
interface References {
  tenantSlugs: string[];
  tenantIds: string[];
  policyIds: string[];
  applicationIds: string[];
}

/** Reads the server's configuration through the tenants and policies libraries' services. */
@Injectable()
export class ConfigurationReader {
  constructor(
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
    @Optional() @Inject(OPEN_APPLICATIONS_ALLOWED) private readonly openApplicationsAllowed: boolean = true,
  ) {}

  /**
   * Everything a file describes of a tenant. With `manager` (the apply's transaction) its applications and policies
   * are locked until that transaction ends, so nothing changes them between the version check and the writes.
   */
  async tenantState(tenant: Tenant, manager?: EntityManager): Promise<TenantState> {
    const apps = manager
      ? await this.applications.listByTenantForUpdate(tenant.id, manager)
      : await this.applications.listByTenant(tenant.id);
    const policies = manager ? await this.policies.listByTenantForUpdate(tenant.id, manager) : await this.policies.listByTenant(tenant.id);
    const policyIds = policies.map((p) => p.id);
    // One after the other: inside a transaction they share its connection.
    const attached = await this.policies.attachedPolicyIdsByApplication(
      apps.map((a) => a.id),
      manager,
    );
    const shares = await this.policies.sharedTenantIdsByPolicy(policyIds, manager);
    const users = await this.policies.attachedApplicationIdsByPolicy(policyIds, manager);
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      applications: apps.map((a) => ({
        id: a.id,
        tenantId: a.tenantId,
        settings: applicationSettings(a),
        policyIds: attached.get(a.id) ?? [],
      })),
      policies: policies.map((p) => this.policyState(p, shares, users)),
    };
  }

  /** The view a plan of `desired` needs: the file's existing tenants in full and every object it refers to. */
  async viewFor(actor: Actor, desired: DesiredConfiguration): Promise<ServerView> {
    const covered: Tenant[] = [];
    for (const t of desired.tenants) {
      const tenant = await this.tenants.findBySlug(t.slug);
      if (tenant) covered.push(tenant);
    }
    const inFile = new Set(desired.tenants.map((t) => t.slug));
    const refs: References = {
      tenantSlugs: [
        ...new Set(desired.tenants.flatMap((t) => t.policies.flatMap((p) => p.sharedWith.filter((s) => !isUuid(s) && !inFile.has(s))))),
      ],
      tenantIds: desired.tenants.flatMap((t) => t.policies.flatMap((p) => p.sharedWith.filter(isUuid).map((s) => s.toLowerCase()))),
      policyIds: desired.tenants.flatMap((t) => [
        ...t.policies.flatMap((p) => (p.id === undefined ? [] : [p.id])),
        ...t.applications.flatMap((a) => a.policies.filter(isUuid).map((s) => s.toLowerCase())),
      ]),
      applicationIds: desired.tenants.flatMap((t) => t.applications.map((a) => a.id)),
    };
    return this.view(actor, covered, refs);
  }

  /** The view an export needs: the covered tenants in full, with the policies and tenants they refer to. */
  exportView(actor: Actor, covered: Tenant[]): Promise<ServerView> {
    return this.view(actor, covered, { tenantSlugs: [], tenantIds: [], policyIds: [], applicationIds: [] });
  }

  private async view(actor: Actor, covered: Tenant[], refs: References): Promise<ServerView> {
    const states = new Map<string, TenantState>();
    for (const tenant of covered) states.set(tenant.slug, await this.tenantState(tenant));
    const all = [...states.values()];

    const policies = new Map<string, PolicyState>(all.flatMap((s) => s.policies.map((p) => [p.id, p] as [string, PolicyState])));
    const foreignIds = [...new Set([...refs.policyIds, ...all.flatMap((s) => s.applications.flatMap((a) => a.policyIds))])].filter(
      (id) => !policies.has(id),
    );
    const foreign = [...(await this.policies.findMany(foreignIds)).values()];
    const shares = await this.policies.sharedTenantIdsByPolicy(foreign.map((p) => p.id));
    const users = await this.policies.attachedApplicationIdsByPolicy(foreign.map((p) => p.id));
    for (const p of foreign) policies.set(p.id, this.policyState(p, shares, users));

    const tenants: Tenant[] = [...covered];
    for (const slug of refs.tenantSlugs) {
      const tenant = await this.tenants.findBySlug(slug);
      if (tenant) tenants.push(tenant);
    }
    const ids = [...new Set([...refs.tenantIds, ...[...policies.values()].flatMap((p) => [p.tenantId, ...p.sharedWith])])].filter(
      (id) => !tenants.some((t) => t.id === id),
    );
    tenants.push(...(await this.tenants.listByIds(ids)));
    const refsOf: TenantRef[] = tenants.map((t) => ({ id: t.id, slug: t.slug, visible: canAccessTenant(actor, t.id) }));

    const applicationIds = [...new Set([...refs.applicationIds, ...[...policies.values()].flatMap((p) => p.attachedTo)])];
    const applications = await this.applications.findMany(applicationIds);
    return {
      states,
      tenants: refsOf,
      policies,
      applicationTenants: new Map([...applications.values()].map((a) => [a.id, a.tenantId])),
      openApplicationsAllowed: this.openApplicationsAllowed,
      revealsTenants: actor.role === 'admin',
    };
  }

  private policyState(p: Policy, shares: Map<string, string[]>, users: Map<string, string[]>): PolicyState {
    return {
      id: p.id,
      tenantId: p.tenantId,
      name: p.name,
      description: p.description,
      rules: p.rules,
      sharedWith: shares.get(p.id) ?? [],
      attachedTo: users.get(p.id) ?? [],
    };
  }
}

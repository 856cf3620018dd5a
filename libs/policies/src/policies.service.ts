import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AnyRule } from '@cm/contracts';
import { type EnginePolicy, validateRules } from '@cm/policy-engine';
import { ApplicationsService, ConfigEpochService, TenantsService } from '@cm/tenants';
import { ApplicationPolicyEntity } from './application-policy.entity';
import { PoliciesError, PoliciesErrorCode } from './policies.errors';
import { PolicyShareEntity } from './policy-share.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { PolicyEntity } from './policy.entity';

export interface Policy {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  rules: AnyRule[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyVersion {
  policyId: string;
  version: number;
  name: string;
  description: string;
  rules: AnyRule[];
  createdAt: Date;
}

export interface PolicyInput {
  name: string;
  description?: string;
  rules: unknown;
}

function checkRules(rules: unknown): AnyRule[] {
  const result = validateRules(rules);
  if (!result.ok) {
    throw new PoliciesError(PoliciesErrorCode.INVALID_RULES, 'The policy rules are invalid', result.errors);
  }
  return result.rules;
}

const toPolicy = (e: PolicyEntity): Policy => ({
  id: e.id,
  tenantId: e.tenantId,
  name: e.name,
  description: e.description,
  rules: e.rules,
  version: e.version,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

const notFound = (id: string) => new PoliciesError(PoliciesErrorCode.POLICY_NOT_FOUND, `Policy ${id} not found`);
const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

@Injectable()
export class PoliciesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly epoch: ConfigEpochService,
    private readonly tenants: TenantsService,
  ) {}

  /** Policies belong to their tenant and to the applications they are attached to: take part in deleting those. */
  onModuleInit(): void {
    this.tenants.onDelete(async (tenantId, manager) => {
      const owned = await manager.countBy(PolicyEntity, { tenantId });
      if (owned > 0) {
        throw new PoliciesError(PoliciesErrorCode.TENANT_HAS_POLICIES, `The tenant still owns ${owned} policy(ies); delete them first`);
      }
      await manager.delete(PolicyShareEntity, { tenantId });
    });
    this.applications.onDelete({
      before: async (application, manager) => {
        const policyIds = (await manager.find(ApplicationPolicyEntity, { where: { applicationId: application.id } })).map(
          (r) => r.policyId,
        );
        const sharing = await this.applicationsAttachedTo(manager, policyIds);
        await manager.delete(ApplicationPolicyEntity, { applicationId: application.id });
        // Their policies no longer count this application's streams.
        await this.epoch.bump(manager, sharing);
      },
    });
  }

  private run<T>(manager: EntityManager | undefined, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  /** Creates a policy; `id` keeps a given id (configuration files name policies by id), else one is generated. */
  async create(tenantId: string, input: PolicyInput & { id?: string }, manager?: EntityManager): Promise<Policy> {
    const rules = checkRules(input.rules);
    return this.run(manager, async (m) => {
      await this.assertNameFree(m, tenantId, input.name);
      const entity = m.create(PolicyEntity, {
        ...(input.id === undefined ? {} : { id: input.id }),
        tenantId,
        name: input.name,
        description: input.description ?? '',
        rules,
        version: 1,
      });
      const policy = await this.saveUnique(m, entity, input.name);
      await this.saveVersion(m, policy);
      await this.epoch.bump(m);
      return toPolicy(policy);
    });
  }

  /** Replaces name, description and rules; keeps the previous state as a version. */
  async update(id: string, input: PolicyInput): Promise<Policy> {
    return (await this.replace(id, input)).after;
  }

  /** `update` returning the state before and after, optionally inside the caller's transaction. */
  async replace(id: string, input: PolicyInput, manager?: EntityManager): Promise<{ before: Policy; after: Policy }> {
    const rules = checkRules(input.rules);
    return this.run(manager, async (m) => {
      const policy = await m.findOne(PolicyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw notFound(id);
      const before = toPolicy(policy);
      if (input.name !== policy.name) await this.assertNameFree(m, policy.tenantId, input.name);
      Object.assign(policy, { name: input.name, description: input.description ?? policy.description, rules, version: policy.version + 1 });
      const saved = await this.saveUnique(m, policy, input.name);
      await this.saveVersion(m, saved);
      await this.touchAttachedApplications(m, [id]);
      await this.epoch.bump(m, await this.applicationsAttachedTo(m, [id]));
      return { before, after: toPolicy(saved) };
    });
  }

  /** Deletes a policy attached to no application (POLICY_IN_USE otherwise); its versions and shares go with it. */
  async delete(id: string, manager?: EntityManager): Promise<Policy> {
    return this.run(manager, async (m) => {
      const policy = await m.findOne(PolicyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw notFound(id);
      const attached = await m.find(ApplicationPolicyEntity, { where: { policyId: id }, order: { applicationId: 'ASC' } });
      if (attached.length > 0) {
        throw new PoliciesError(
          PoliciesErrorCode.POLICY_IN_USE,
          `Policy "${policy.name}" is attached to ${attached.map((a) => a.applicationId).join(', ')}; detach it first`,
        );
      }
      await m.delete(PolicyEntity, { id });
      await this.epoch.bump(m);
      return toPolicy(policy);
    });
  }

  async get(id: string, manager = this.dataSource.manager): Promise<Policy> {
    const policy = await manager.findOneBy(PolicyEntity, { id });
    if (!policy) throw notFound(id);
    return toPolicy(policy);
  }

  async findByName(tenantId: string, name: string): Promise<Policy | null> {
    const e = await this.dataSource.manager.findOneBy(PolicyEntity, { tenantId, name });
    return e ? toPolicy(e) : null;
  }

  async listByTenant(tenantId: string): Promise<Policy[]> {
    return (await this.dataSource.manager.find(PolicyEntity, { where: { tenantId }, order: { name: 'ASC' } })).map(toPolicy);
  }

  /** The tenant's own policies, locked for the rest of the caller's transaction (configuration applies). */
  async listByTenantForUpdate(tenantId: string, manager: EntityManager): Promise<Policy[]> {
    const rows = await manager.find(PolicyEntity, { where: { tenantId }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    return rows.map(toPolicy);
  }

  /** The policies attached to each of these applications (sorted), in one query. */
  async attachedPolicyIdsByApplication(applicationIds: string[], manager = this.dataSource.manager): Promise<Map<string, string[]>> {
    const rows =
      applicationIds.length === 0 ? [] : await manager.find(ApplicationPolicyEntity, { where: { applicationId: In(applicationIds) } });
    return groupSorted(
      applicationIds,
      rows,
      (r) => r.applicationId,
      (r) => r.policyId,
    );
  }

  /** The applications each of these policies is attached to (sorted), in one query. */
  async attachedApplicationIdsByPolicy(policyIds: string[], manager = this.dataSource.manager): Promise<Map<string, string[]>> {
    const rows = policyIds.length === 0 ? [] : await manager.find(ApplicationPolicyEntity, { where: { policyId: In(policyIds) } });
    return groupSorted(
      policyIds,
      rows,
      (r) => r.policyId,
      (r) => r.applicationId,
    );
  }

  /** The tenants each of these policies is shared with (sorted), in one query. */
  async sharedTenantIdsByPolicy(policyIds: string[], manager = this.dataSource.manager): Promise<Map<string, string[]>> {
    const rows = policyIds.length === 0 ? [] : await manager.find(PolicyShareEntity, { where: { policyId: In(policyIds) } });
    return groupSorted(
      policyIds,
      rows,
      (r) => r.policyId,
      (r) => r.tenantId,
    );
  }

  /** The tenant's own policies and those other tenants share with it (`shared: true`), by name. */
  async listAvailableToTenant(tenantId: string): Promise<Array<Policy & { shared: boolean }>> {
    const own = await this.listByTenant(tenantId);
    const shares = await this.dataSource.manager.find(PolicyShareEntity, { where: { tenantId } });
    const shared =
      shares.length === 0
        ? []
        : await this.dataSource.manager.find(PolicyEntity, { where: { id: In(shares.map((s) => s.policyId)) }, order: { name: 'ASC' } });
    return [...own.map((p) => ({ ...p, shared: false })), ...shared.map((p) => ({ ...toPolicy(p), shared: true }))];
  }

  /** Policies by id (any tenant), keyed by id. */
  async findMany(ids: string[]): Promise<Map<string, Policy>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.manager.find(PolicyEntity, { where: { id: In(ids) } });
    return new Map(rows.map((p) => [p.id, toPolicy(p)]));
  }

  /** Tenants the policy is shared with (besides its owner), sorted. */
  async sharedTenantIds(policyId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(PolicyShareEntity, { where: { policyId } });
    return rows.map((r) => r.tenantId).sort();
  }

  /**
   * Sets the policies attached to an application. A policy is available to the application when its
   * tenant owns it or it is shared with that tenant.
   */
  async attachToApplication(
    applicationId: string,
    policyIds: string[],
    manager?: EntityManager,
  ): Promise<{ before: string[]; after: string[] }> {
    const app = await this.applications.get(applicationId, manager);
    const ids = [...new Set(policyIds)];
    return this.run(manager, async (manager) => {
      if (ids.length > 0) {
        const available: Array<{ id: string }> = await manager.query(
          `SELECT p.id FROM policies p
            WHERE p.id = ANY($1::uuid[])
              AND (p.tenant_id = $2 OR EXISTS (SELECT 1 FROM policy_shares s WHERE s.policy_id = p.id AND s.tenant_id = $2))`,
          [ids, app.tenantId],
        );
        const missing = ids.filter((id) => !available.some((a) => a.id === id));
        if (missing.length > 0) {
          throw new PoliciesError(
            PoliciesErrorCode.POLICY_NOT_AVAILABLE,
            `Policy ${missing.join(', ')} not found for this application's tenant`,
            missing.map((id) => ({
              field: `policyIds[${policyIds.indexOf(id)}]`,
              message: `no policy ${id} is owned by or shared with the tenant`,
            })),
          );
        }
      }
      const before = (await manager.find(ApplicationPolicyEntity, { where: { applicationId } })).map((r) => r.policyId).sort();
      await manager.delete(ApplicationPolicyEntity, { applicationId });
      if (ids.length > 0) {
        await manager.insert(
          ApplicationPolicyEntity,
          ids.map((policyId) => ({ applicationId, policyId })),
        );
      }
      await this.applications.touch(applicationId, manager);
      // This application, and every application of a policy it left or joined (which streams count changed).
      await this.epoch.bump(manager, [applicationId, ...(await this.applicationsAttachedTo(manager, [...before, ...ids]))]);
      return { before, after: [...ids].sort() };
    });
  }

  async attachedPolicyIds(applicationId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ApplicationPolicyEntity, { where: { applicationId } });
    return rows.map((r) => r.policyId).sort();
  }

  /** Applications the policy is attached to, sorted. */
  async attachedApplicationIds(policyId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ApplicationPolicyEntity, { where: { policyId } });
    return rows.map((r) => r.applicationId).sort();
  }

  /**
   * Shares the policy with exactly these tenants (besides its owner). Unknown tenants → TENANT_NOT_FOUND naming
   * them; a tenant whose applications still use the policy cannot be removed (POLICY_IN_USE).
   *
   * That is with `revealTenants` (admins, who see every tenant). Without it (a tenant-admin sharing their own policy)
   * the answer must not tell whether another tenant exists or what it owns: ids that name no tenant are kept like
   * any other (no tenant can ever use them: ids are made by the server) and the POLICY_IN_USE refusal names nothing.
   */
  async share(
    policyId: string,
    tenantIds: string[],
    manager?: EntityManager,
    options: { revealTenants: boolean } = { revealTenants: true },
  ): Promise<{ before: string[]; after: string[] }> {
    const policy = await this.get(policyId, manager);
    const ids = [...new Set(tenantIds)];
    const own = ids.indexOf(policy.tenantId);
    if (own >= 0) {
      throw new PoliciesError(PoliciesErrorCode.INVALID_REQUEST, 'A policy cannot be shared with its own tenant', [
        { field: `tenantIds[${tenantIds.indexOf(policy.tenantId)}]`, message: 'is the tenant that owns the policy' },
      ]);
    }
    return this.run(manager, async (m) => {
      const unknown = options.revealTenants ? await this.tenants.unknownIds(ids, m) : [];
      if (unknown.length > 0) {
        throw new PoliciesError(
          PoliciesErrorCode.TENANT_NOT_FOUND,
          `Tenant ${unknown.join(', ')} not found`,
          unknown.map((id) => ({ field: `tenantIds[${tenantIds.indexOf(id)}]`, message: `no tenant ${id}` })),
        );
      }
      const before = (await m.find(PolicyShareEntity, { where: { policyId } })).map((s) => s.tenantId).sort();
      const removed = before.filter((t) => !ids.includes(t));
      if (removed.length > 0) {
        // The attached applications are ours (application_policies); whose they are, the tenants library answers.
        const attached = (await m.find(ApplicationPolicyEntity, { where: { policyId } })).map((a) => a.applicationId);
        const owners = await this.applications.findMany(attached, m);
        const using = attached
          .filter((id) => removed.includes(owners.get(id)?.tenantId ?? ''))
          .sort()
          .map((application_id) => ({ application_id }));
        if (using.length > 0) {
          throw new PoliciesError(
            PoliciesErrorCode.POLICY_IN_USE,
            options.revealTenants
              ? `Applications ${using.map((u) => u.application_id).join(', ')} of a tenant you stop sharing with still use this policy; detach it first`
              : 'A tenant you stop sharing with still uses this policy on its applications; it must detach it first',
          );
        }
      }
      await m.delete(PolicyShareEntity, { policyId });
      if (ids.length > 0) {
        await m.insert(
          PolicyShareEntity,
          ids.map((tenantId) => ({ policyId, tenantId })),
        );
      }
      await this.epoch.bump(m, await this.applicationsAttachedTo(m, [policyId]));
      return { before, after: [...ids].sort() };
    });
  }

  async versions(policyId: string): Promise<PolicyVersion[]> {
    await this.get(policyId);
    return this.dataSource.manager.find(PolicyVersionEntity, { where: { policyId }, order: { version: 'DESC' } });
  }

  /**
   * The policies that decide an application's streams, each with every application it is attached to
   * (the sessions of those applications count against it, across tenants when shared).
   */
  async enginePoliciesFor(applicationId: string): Promise<EnginePolicy[]> {
    const rows: Array<{ id: string; name: string; rules: AnyRule[]; application_ids: string[] }> = await this.dataSource.query(
      `SELECT p.id, p.name, p.rules,
              (SELECT array_agg(ap2.application_id ORDER BY ap2.application_id) FROM application_policies ap2 WHERE ap2.policy_id = p.id) AS application_ids
         FROM application_policies ap JOIN policies p ON p.id = ap.policy_id
        WHERE ap.application_id = $1
        ORDER BY p.name, p.id`,
      [applicationId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, rules: r.rules, applicationIds: r.application_ids }));
  }

  /** These policies as the engine sees them, with their owner (operator device removal); unknown ids are left out. */
  async enginePoliciesByIds(policyIds: string[]): Promise<Array<EnginePolicy & { tenantId: string }>> {
    if (policyIds.length === 0) return [];
    const rows: Array<{ id: string; name: string; tenant_id: string; rules: AnyRule[]; application_ids: string[] | null }> =
      await this.dataSource.query(
        `SELECT p.id, p.name, p.tenant_id, p.rules,
                (SELECT array_agg(ap.application_id ORDER BY ap.application_id) FROM application_policies ap WHERE ap.policy_id = p.id) AS application_ids
           FROM policies p WHERE p.id = ANY($1::uuid[]) ORDER BY p.name, p.id`,
        [policyIds],
      );
    return rows.map((r) => ({ id: r.id, name: r.name, tenantId: r.tenant_id, rules: r.rules, applicationIds: r.application_ids ?? [] }));
  }

  /** Applications that share at least one policy with this one (their streams are visible to it). */
  async relatedApplicationIds(applicationId: string): Promise<string[]> {
    const rows: Array<{ application_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT ap2.application_id FROM application_policies ap
         JOIN application_policies ap2 ON ap2.policy_id = ap.policy_id
        WHERE ap.application_id = $1`,
      [applicationId],
    );
    return rows.map((r) => r.application_id);
  }

  /**
   * Of these applications, those that a policy owned by or shared with `tenantId` is attached to: where that
   * tenant's policies see (count) streams.
   */
  async applicationsSeenByTenant(tenantId: string, applicationIds: string[]): Promise<Set<string>> {
    if (applicationIds.length === 0) return new Set();
    const rows: Array<{ application_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT ap.application_id FROM application_policies ap JOIN policies p ON p.id = ap.policy_id
        WHERE ap.application_id = ANY($2::text[])
          AND (p.tenant_id = $1 OR EXISTS (SELECT 1 FROM policy_shares s WHERE s.policy_id = p.id AND s.tenant_id = $1))`,
      [tenantId, applicationIds],
    );
    return new Set(rows.map((r) => r.application_id));
  }

  private async assertNameFree(manager: EntityManager, tenantId: string, name: string): Promise<void> {
    if (await manager.existsBy(PolicyEntity, { tenantId, name })) throw nameTaken(name);
  }

  /** Saves under a savepoint so a concurrent insert of the same name answers 409, not 500. */
  private async saveUnique(m: EntityManager, entity: PolicyEntity, name: string): Promise<PolicyEntity> {
    try {
      await m.query('SAVEPOINT policy_save');
      const saved = await m.save(entity);
      await m.query('RELEASE SAVEPOINT policy_save');
      return saved;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await m.query('ROLLBACK TO SAVEPOINT policy_save');
      throw nameTaken(name);
    }
  }

  private async saveVersion(manager: EntityManager, p: PolicyEntity): Promise<void> {
    await manager.insert(PolicyVersionEntity, {
      policyId: p.id,
      version: p.version,
      name: p.name,
      description: p.description,
      rules: p.rules,
    });
  }

  /** Applications attached to any of these policies (their decisions depend on them). */
  private async applicationsAttachedTo(manager: EntityManager, policyIds: string[]): Promise<string[]> {
    if (policyIds.length === 0) return [];
    const rows = await manager.find(ApplicationPolicyEntity, { where: { policyId: In(policyIds) } });
    return rows.map((r) => r.applicationId);
  }

  private async touchAttachedApplications(manager: EntityManager, policyIds: string[]): Promise<void> {
    const rows = await manager.find(ApplicationPolicyEntity, { where: { policyId: In(policyIds) } });
    for (const r of rows) await this.applications.touch(r.applicationId, manager);
  }
}

/** `keys` → the sorted values of the rows that belong to each (an empty list for none). */
function groupSorted<R>(keys: string[], rows: R[], keyOf: (row: R) => string, valueOf: (row: R) => string): Map<string, string[]> {
  const groups = new Map(keys.map((k) => [k, [] as string[]]));
  for (const row of rows) groups.get(keyOf(row))?.push(valueOf(row));
  for (const values of groups.values()) values.sort();
  return groups;
}

const nameTaken = (name: string) =>
  new PoliciesError(PoliciesErrorCode.POLICY_NAME_TAKEN, `A policy named "${name}" already exists in this tenant`, [
    { field: 'name', message: 'must be unique within the tenant' },
  ]);

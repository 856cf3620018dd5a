import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { PolicyRule } from '@cm/contracts';
import { type EnginePolicy, validateRules } from '@cm/policy-engine';
import { ApplicationsService, ConfigEpochService } from '@cm/tenants';
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
  rules: PolicyRule[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyInput {
  name: string;
  description?: string;
  rules: unknown;
}

function checkRules(rules: unknown): PolicyRule[] {
  const result = validateRules(rules);
  if (!result.ok) {
    throw new PoliciesError(PoliciesErrorCode.INVALID_RULES, 'The policy rules are invalid', result.errors);
  }
  return result.rules;
}

@Injectable()
export class PoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly epoch: ConfigEpochService,
  ) {}

  async create(tenantId: string, input: PolicyInput): Promise<Policy> {
    const rules = checkRules(input.rules);
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, tenantId, input.name);
      const policy = await manager.save(
        manager.create(PolicyEntity, { tenantId, name: input.name, description: input.description ?? '', rules, version: 1 }),
      );
      await this.saveVersion(manager, policy);
      await this.epoch.bump(manager);
      return policy;
    });
  }

  /** Replaces name, description and rules; keeps the previous state as a version. */
  async update(id: string, input: PolicyInput): Promise<Policy> {
    const rules = checkRules(input.rules);
    return this.dataSource.transaction(async (manager) => {
      const policy = await manager.findOne(PolicyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw new PoliciesError(PoliciesErrorCode.POLICY_NOT_FOUND, `Policy ${id} not found`);
      if (input.name !== policy.name) await this.assertNameFree(manager, policy.tenantId, input.name);
      Object.assign(policy, { name: input.name, description: input.description ?? policy.description, rules, version: policy.version + 1 });
      const saved = await manager.save(policy);
      await this.saveVersion(manager, saved);
      await this.touchAttachedApplications(manager, [id]);
      await this.epoch.bump(manager);
      return saved;
    });
  }

  async get(id: string): Promise<Policy> {
    const policy = await this.dataSource.manager.findOneBy(PolicyEntity, { id });
    if (!policy) throw new PoliciesError(PoliciesErrorCode.POLICY_NOT_FOUND, `Policy ${id} not found`);
    return policy;
  }

  findByName(tenantId: string, name: string): Promise<Policy | null> {
    return this.dataSource.manager.findOneBy(PolicyEntity, { tenantId, name });
  }

  listByTenant(tenantId: string): Promise<Policy[]> {
    return this.dataSource.manager.find(PolicyEntity, { where: { tenantId }, order: { name: 'ASC' } });
  }

  /**
   * Sets the policies attached to an application. A policy is available to the application when its
   * tenant owns it or it is shared with that tenant.
   */
  async attachToApplication(applicationId: string, policyIds: string[]): Promise<void> {
    const app = await this.applications.get(applicationId);
    const ids = [...new Set(policyIds)];
    await this.dataSource.transaction(async (manager) => {
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
          );
        }
      }
      await manager.delete(ApplicationPolicyEntity, { applicationId });
      if (ids.length > 0) {
        await manager.insert(
          ApplicationPolicyEntity,
          ids.map((policyId) => ({ applicationId, policyId })),
        );
      }
      await this.applications.touch(applicationId, manager);
      await this.epoch.bump(manager);
    });
  }

  async attachedPolicyIds(applicationId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ApplicationPolicyEntity, { where: { applicationId } });
    return rows.map((r) => r.policyId).sort();
  }

  /** Shares the policy with exactly these tenants (besides its owner). */
  async share(policyId: string, tenantIds: string[]): Promise<void> {
    await this.get(policyId);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(PolicyShareEntity, { policyId });
      const ids = [...new Set(tenantIds)];
      if (ids.length > 0)
        await manager.insert(
          PolicyShareEntity,
          ids.map((tenantId) => ({ policyId, tenantId })),
        );
      await this.epoch.bump(manager);
    });
  }

  async versions(policyId: string): Promise<PolicyVersionEntity[]> {
    await this.get(policyId);
    return this.dataSource.manager.find(PolicyVersionEntity, { where: { policyId }, order: { version: 'DESC' } });
  }

  /**
   * The policies that decide an application's streams, each with every application it is attached to
   * (the sessions of those applications count against it, across tenants when shared).
   */
  async enginePoliciesFor(applicationId: string): Promise<EnginePolicy[]> {
    const rows: Array<{ id: string; name: string; rules: PolicyRule[]; application_ids: string[] }> = await this.dataSource.query(
      `SELECT p.id, p.name, p.rules,
              (SELECT array_agg(ap2.application_id ORDER BY ap2.application_id) FROM application_policies ap2 WHERE ap2.policy_id = p.id) AS application_ids
         FROM application_policies ap JOIN policies p ON p.id = ap.policy_id
        WHERE ap.application_id = $1
        ORDER BY p.name, p.id`,
      [applicationId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, rules: r.rules, applicationIds: r.application_ids }));
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

  private async assertNameFree(manager: EntityManager, tenantId: string, name: string): Promise<void> {
    if (await manager.existsBy(PolicyEntity, { tenantId, name })) {
      throw new PoliciesError(PoliciesErrorCode.POLICY_NAME_TAKEN, `A policy named "${name}" already exists in this tenant`, [
        { field: 'name', message: 'must be unique within the tenant' },
      ]);
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

  private async touchAttachedApplications(manager: EntityManager, policyIds: string[]): Promise<void> {
    const rows = await manager.find(ApplicationPolicyEntity, { where: { policyId: In(policyIds) } });
    for (const r of rows) await this.applications.touch(r.applicationId, manager);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, AuditService, canAccessTenant, IdentityError } from '@cm/identity';
import { PoliciesError, PoliciesService } from '@cm/policies';
import { type Application, ApplicationsService, TenantsError, TenantsService } from '@cm/tenants';
import { ConfigurationReader } from '../configuration-reader';
import { ConfigurationError, ConfigurationErrorCode } from '../configuration.errors';
import { checkConfiguration, type ConfigurationFieldError, type DesiredConfiguration } from '../document';
import type { AbsentObject, PlanError, PlannedChange, TenantPlan } from '../plan';
import { planConfiguration } from '../plan';
import { tenantVersion } from '../server-state';

export interface ApplyRequest {
  /** The configuration document (already shaped by the request DTO, or plain JSON). */
  configuration: unknown;
  prune?: boolean;
  dryRun?: boolean;
  expectedVersions?: Array<{ slug: string; version: string }>;
}

export interface TenantResult {
  slug: string;
  id?: string;
  version: string;
  versionAfter?: string;
  changes: PlannedChange[];
  absent: AbsentObject[];
}

export interface ApplyResult {
  dryRun: boolean;
  changes: boolean;
  tenants: TenantResult[];
  secrets: Array<{ applicationId: string; secret: string }>;
}

/** Paths in answers name the request body's field. */
const inBody = (errors: ConfigurationFieldError[]) =>
  errors.map((e) => ({ field: e.field ? `configuration.${e.field}` : 'configuration', message: e.message }));

const sortedUnique = (values: string[]) => [...new Set(values)].sort();
const sameSet = (a: string[], b: string[]) => {
  const x = sortedUnique(a);
  const y = sortedUnique(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

function changed(slugs: string[]): ConfigurationError {
  return new ConfigurationError(
    ConfigurationErrorCode.CONFIGURATION_CHANGED,
    `The configuration of tenant ${slugs.join(', ')} changed since the plan; nothing of it was applied. Plan again and review the changes`,
    slugs.map((slug) => ({ field: 'expectedVersions', message: `tenant ${slug} is no longer at the planned version` })),
  );
}

/**
 * POST /api/v1/configuration/apply: plans a configuration against the server and, unless it is a dry run, applies
 * it. Everything is checked before anything is written; then each tenant is written in one transaction (tenants
 * that share policies with each other in one transaction together) after its version is checked under lock, and
 * audited as one entry holding the diff.
 */
@Injectable()
export class ApplyConfigurationUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
    private readonly reader: ConfigurationReader,
    private readonly audit: AuditService,
  ) {}

  async execute(actor: Actor, request: ApplyRequest): Promise<ApplyResult> {
    const dryRun = request.dryRun ?? false;
    const prune = request.prune ?? false;
    if (!dryRun && actor.role === 'viewer') {
      throw IdentityError.forbidden('Applying a configuration needs the role admin or tenant-admin; a viewer may only plan (dryRun: true)');
    }
    const check = checkConfiguration(request.configuration);
    if (!check.ok) {
      throw new ConfigurationError(ConfigurationErrorCode.INVALID_CONFIGURATION, 'The configuration is invalid', inBody(check.errors));
    }
    const desired = check.configuration;
    await this.assertVisible(actor, desired);
    const expected = new Map<string, string>();
    for (const [i, v] of (request.expectedVersions ?? []).entries()) {
      if (!desired.tenants.some((t) => t.slug === v.slug)) {
        throw new ConfigurationError(
          ConfigurationErrorCode.INVALID_CONFIGURATION,
          'The expected versions name a tenant the file does not list',
          [{ field: `expectedVersions[${i}].slug`, message: `tenant ${v.slug} is not in the configuration` }],
        );
      }
      expected.set(v.slug, v.version);
    }

    const plan = planConfiguration(desired, await this.reader.viewFor(actor, desired), { prune });
    if (plan.errors.length > 0) throw this.planError(plan.errors);
    const stale = plan.tenants.filter((t) => expected.has(t.slug) && expected.get(t.slug) !== t.version);
    if (stale.length > 0) throw changed(stale.map((t) => t.slug));

    const anyChange = plan.tenants.some((t) => t.changes.length > 0);
    const result: ApplyResult = {
      dryRun,
      changes: anyChange,
      tenants: plan.tenants.map((t) => ({
        slug: t.slug,
        ...(t.id === undefined ? {} : { id: t.id }),
        version: t.version,
        changes: t.changes,
        absent: t.absent,
      })),
      secrets: [],
    };
    if (dryRun || !anyChange) return result;

    const groups = new Map<number, TenantPlan[]>();
    for (const t of plan.tenants) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    const applied: string[] = [];
    for (const group of groups.values()) {
      if (group.every((t) => t.changes.length === 0)) continue;
      try {
        const { deleted, after } = await this.dataSource.transaction((m) =>
          this.applyGroup(actor, group, expected, prune, m, result.secrets),
        );
        for (const t of result.tenants) {
          const a = after.get(t.slug);
          if (a) Object.assign(t, { id: a.id, versionAfter: a.version });
        }
        for (const application of deleted) await this.applications.afterDelete(application);
      } catch (error) {
        if (applied.length > 0 && error instanceof ConfigurationError) {
          throw new ConfigurationError(
            error.code,
            `${error.message} (tenant ${applied.join(', ')} had already been applied)`,
            error.errors,
          );
        }
        throw error;
      }
      applied.push(...group.filter((t) => t.changes.length > 0).map((t) => t.slug));
    }
    return result;
  }

  /** A tenant-admin or viewer may name only their own tenant: any other answers 404, as everywhere. */
  private async assertVisible(actor: Actor, desired: DesiredConfiguration): Promise<void> {
    if (actor.role === 'admin') return;
    const errors: ConfigurationFieldError[] = [];
    for (const t of desired.tenants) {
      const tenant = await this.tenants.findBySlug(t.slug);
      if (!tenant || !canAccessTenant(actor, tenant.id))
        errors.push({ field: `${t.path}.slug`, message: `no tenant "${t.slug}" that you can see` });
    }
    if (errors.length > 0) {
      throw new ConfigurationError(ConfigurationErrorCode.REFERENCE_NOT_FOUND, errors.map((e) => e.message).join('; '), inBody(errors));
    }
  }

  /** The most basic kind of problem decides the status: invalid (400), then not found (404), then conflict (409). */
  private planError(errors: PlanError[]): ConfigurationError {
    if (errors.some((e) => e.reason === 'invalid')) {
      return new ConfigurationError(
        ConfigurationErrorCode.INVALID_CONFIGURATION,
        'The configuration is invalid on this server',
        inBody(errors),
      );
    }
    const notFound = errors.some((e) => e.reason === 'not-found');
    return new ConfigurationError(
      notFound ? ConfigurationErrorCode.REFERENCE_NOT_FOUND : ConfigurationErrorCode.CONFIGURATION_CONFLICT,
      notFound
        ? 'The configuration refers to objects that do not exist or that you cannot see'
        : 'The configuration clashes with the server',
      inBody(errors),
    );
  }

  private async applyGroup(
    actor: Actor,
    group: TenantPlan[],
    expected: Map<string, string>,
    prune: boolean,
    m: EntityManager,
    secrets: ApplyResult['secrets'],
  ): Promise<{ deleted: Application[]; after: Map<string, { id: string; version: string }> }> {
    const ordered = [...group].sort((a, b) => (a.slug < b.slug ? -1 : 1));
    const stale: string[] = [];
    for (const t of ordered) {
      const tenant = await this.tenants.lockBySlug(t.slug, m);
      const version = tenantVersion(tenant ? await this.reader.tenantState(tenant, m) : undefined);
      if (version !== (expected.get(t.slug) ?? t.version)) stale.push(t.slug);
    }
    if (stale.length > 0) throw changed(stale);

    const ids = new Map<string, string>();
    const idOf = (key: string) => ids.get(key) ?? key;
    const step = async <T>(t: TenantPlan, what: string, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof TenantsError || error instanceof PoliciesError)) throw error;
        throw new ConfigurationError(ConfigurationErrorCode.CONFIGURATION_CONFLICT, `Tenant ${t.slug}, ${what}: ${error.message}`, [
          { field: `configuration.${t.path}`, message: `${what}: ${error.message}` },
        ]);
      }
    };

    for (const t of ordered) {
      const { work } = t;
      if (work.create) {
        const tenant = await step(t, 'creating the tenant', () => this.tenants.create(work.create!, m));
        ids.set(work.tenantKey, tenant.id);
      } else if (work.rename !== undefined) {
        await step(t, 'renaming the tenant', () => this.tenants.update(work.tenantKey, { name: work.rename }, m));
      }
    }
    for (const t of ordered) {
      for (const u of t.work.policyUpdates) {
        await step(t, `policy "${u.name}"`, () =>
          this.policies.replace(u.id, { name: u.name, description: u.description, rules: u.rules }, m),
        );
      }
    }
    for (const t of ordered) {
      for (const c of t.work.policyCreates) {
        const policy = await step(t, `policy "${c.name}"`, () =>
          this.policies.create(idOf(t.work.tenantKey), { id: c.id, name: c.name, description: c.description, rules: c.rules }, m),
        );
        ids.set(c.key, policy.id);
      }
    }
    // Shares widen before attachments (an application may attach what is newly shared with it) and narrow after.
    const widened = (s: TenantPlan['work']['shares'][number]) => sortedUnique([...s.current, ...s.desired.map(idOf)]);
    for (const t of ordered) {
      for (const s of t.work.shares) {
        if (!sameSet(widened(s), s.current)) await step(t, 'sharing a policy', () => this.policies.share(idOf(s.policyKey), widened(s), m));
      }
    }
    for (const t of ordered) {
      for (const c of t.work.applicationCreates) {
        const { settings } = c;
        const created = await step(t, `application ${c.id}`, () =>
          this.applications.create(
            idOf(t.work.tenantKey),
            {
              id: c.id,
              name: settings.name,
              platform: settings.platform,
              heartbeatIntervalSeconds: settings.heartbeatIntervalSeconds,
              requireSecret: settings.requireSecret,
              playbackTokens: settings.playbackTokens,
              ...(settings.entitlements === null ? {} : { entitlements: settings.entitlements }),
            },
            m,
          ),
        );
        if (created.secret) secrets.push({ applicationId: c.id, secret: created.secret });
        if (!settings.enabled) await step(t, `application ${c.id}`, () => this.applications.update(c.id, { enabled: false }, m));
      }
      for (const u of t.work.applicationUpdates) {
        const updated = await step(t, `application ${u.id}`, () => this.applications.update(u.id, u.settings, m));
        if (updated.secret) secrets.push({ applicationId: u.id, secret: updated.secret });
      }
    }
    for (const t of ordered) {
      for (const a of t.work.attachments) {
        await step(t, `policies of application ${a.applicationId}`, () =>
          this.policies.attachToApplication(a.applicationId, a.policyKeys.map(idOf), m),
        );
      }
    }
    for (const t of ordered) {
      for (const s of t.work.shares) {
        const desired = s.desired.map(idOf);
        if (!sameSet(desired, widened(s))) await step(t, 'un-sharing a policy', () => this.policies.share(idOf(s.policyKey), desired, m));
      }
    }
    const deleted: Application[] = [];
    for (const t of ordered) {
      for (const id of t.work.applicationDeletes)
        deleted.push(await step(t, `deleting application ${id}`, () => this.applications.delete(id, m)));
    }
    for (const t of ordered) {
      for (const id of t.work.policyDeletes) await step(t, 'deleting a policy', () => this.policies.delete(id, m));
    }

    const after = new Map<string, { id: string; version: string }>();
    for (const t of ordered) {
      const tenant = (await this.tenants.lockBySlug(t.slug, m))!;
      const version = tenantVersion(await this.reader.tenantState(tenant, m));
      after.set(t.slug, { id: tenant.id, version });
      if (t.changes.length === 0) continue;
      await this.audit.record(
        {
          actor,
          action: 'configuration.apply',
          targetType: 'tenant',
          targetId: tenant.id,
          tenantId: tenant.id,
          before: { version: t.version },
          after: { version, prune, changes: t.changes },
        },
        m,
      );
    }
    return { deleted, after };
  }
}

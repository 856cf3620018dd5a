import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { AnyRule } from '@cm/contracts';
import { validateRules } from '@cm/policy-engine';
import { type Application, type EntitlementsSettings, TENANT_SLUG_PATTERN } from '@cm/tenants';
import { ConfigurationDto } from './dto/configuration.dto';

/** A problem in a configuration, at a path into the document (`tenants[0].policies[1].rules[0].limit`). */
export interface ConfigurationFieldError {
  field: string;
  message: string;
}

/**
 * The application settings a file manages, with what an absent field means (the management API's defaults for a new
 * application). `requireSecret` is absent here: its default is the server's (true in production, where open
 * applications are refused). A setting added to the application requests is added here, to `ApplicationSettings`
 * and to `applicationSettings` (and the plan's SETTING_ORDER).
 */
export const APPLICATION_DEFAULTS = {
  platform: 'web',
  heartbeatIntervalSeconds: 60,
  enabled: true,
  playbackTokens: { enabled: false },
  entitlements: null,
};

export interface ApplicationSettings {
  name: string;
  platform: string;
  heartbeatIntervalSeconds: number;
  requireSecret: boolean;
  enabled: boolean;
  playbackTokens: { enabled: boolean };
  entitlements: EntitlementsSettings | null;
}

/** Settings as a file gives them: `requireSecret` may be left to the server's default. */
export type DesiredSettings = Omit<ApplicationSettings, 'requireSecret'> & { requireSecret?: boolean };

/** The settings of an existing application, as a file states them. */
export function applicationSettings(app: Application): ApplicationSettings {
  return {
    name: app.name,
    platform: app.platform,
    heartbeatIntervalSeconds: app.heartbeatIntervalSeconds,
    requireSecret: app.requireSecret,
    enabled: app.enabled,
    playbackTokens: { enabled: app.playbackTokens.enabled },
    entitlements: app.entitlements,
  };
}

export interface DesiredApplication {
  id: string;
  settings: DesiredSettings;
  /** Policy references as written: a policy name of the tenant, or a policy id. */
  policies: string[];
  path: string;
}

export interface DesiredPolicy {
  id?: string;
  name: string;
  description: string;
  /** As the policy engine normalizes them. */
  rules: AnyRule[];
  /** Tenant references as written: a slug or a tenant id. */
  sharedWith: string[];
  path: string;
}

export interface DesiredTenant {
  slug: string;
  name: string;
  applications: DesiredApplication[];
  policies: DesiredPolicy[];
  path: string;
}

/** A checked configuration with every default filled in. */
export interface DesiredConfiguration {
  tenants: DesiredTenant[];
}

export type ConfigurationCheck = { ok: true; configuration: DesiredConfiguration } | { ok: false; errors: ConfigurationFieldError[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** References to policies and tenants are ids when they look like one. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** A DTO instance as plain JSON (what the server stores and exports), absent members dropped. */
const plainJson = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** Flattens class-validator errors to `[{field, message}]`, an unknown field named by its own path. */
function flatten(errors: ValidationError[], parent = ''): ConfigurationFieldError[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: constraint === 'whitelistValidation' ? 'is not a known field' : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Checks a configuration document without a server: the same class-validator DTOs as the management API (unknown
 * fields refused), the policy engine's rule validation, and what must hold inside one file (unique slugs, ids and
 * names; application policies naming policies of their tenant). What needs the server (ids of existing objects,
 * permissions) is checked when planning.
 */
export function checkConfiguration(input: unknown): ConfigurationCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '', message: 'must be an object with "version" and "tenants"' }] };
  }
  const dto = plainToInstance(ConfigurationDto, input);
  const errors = flatten(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
  const raw = input as { tenants?: unknown };
  // Rules are validated by the policy engine wherever they are an array, even when other fields are wrong.
  const rulesByPath = new Map<string, AnyRule[]>();
  if (Array.isArray(raw.tenants)) {
    raw.tenants.forEach((tenant: unknown, i) => {
      const policies = (tenant as { policies?: unknown } | null)?.policies;
      if (!Array.isArray(policies)) return;
      policies.forEach((policy: unknown, j) => {
        const rules = (policy as { rules?: unknown } | null)?.rules;
        if (!Array.isArray(rules)) return;
        const path = `tenants[${i}].policies[${j}]`;
        const result = validateRules(rules);
        if (result.ok) rulesByPath.set(path, result.rules);
        else errors.push(...result.errors.map((e) => ({ field: `${path}.${e.field}`, message: e.message })));
      });
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const configuration: DesiredConfiguration = {
    tenants: dto.tenants.map((t, i) => {
      const path = `tenants[${i}]`;
      return {
        slug: t.slug,
        name: t.name,
        path,
        applications: (t.applications ?? []).map((a, j) => ({
          id: a.id,
          settings: {
            name: a.name,
            platform: a.platform ?? APPLICATION_DEFAULTS.platform,
            heartbeatIntervalSeconds: a.heartbeatIntervalSeconds ?? APPLICATION_DEFAULTS.heartbeatIntervalSeconds,
            ...(a.requireSecret === undefined ? {} : { requireSecret: a.requireSecret }),
            enabled: a.enabled ?? APPLICATION_DEFAULTS.enabled,
            playbackTokens: { enabled: a.playbackTokens?.enabled ?? APPLICATION_DEFAULTS.playbackTokens.enabled },
            entitlements: a.entitlements ? plainJson<EntitlementsSettings>(a.entitlements) : APPLICATION_DEFAULTS.entitlements,
          },
          policies: a.policies ?? [],
          path: `${path}.applications[${j}]`,
        })),
        policies: (t.policies ?? []).map((p, j) => ({
          ...(p.id === undefined ? {} : { id: p.id.toLowerCase() }),
          name: p.name,
          description: p.description ?? '',
          rules: rulesByPath.get(`${path}.policies[${j}]`) ?? [],
          sharedWith: p.sharedWith ?? [],
          path: `${path}.policies[${j}]`,
        })),
      };
    }),
  };
  const problems = crossCheck(configuration);
  return problems.length > 0 ? { ok: false, errors: problems } : { ok: true, configuration };
}

/** Within one file: unique keys, and references that the file itself must satisfy. */
function crossCheck(configuration: DesiredConfiguration): ConfigurationFieldError[] {
  const errors: ConfigurationFieldError[] = [];
  const unique = <T>(items: T[], key: (item: T) => string, path: (item: T) => string, what: string) => {
    const seen = new Map<string, string>();
    for (const item of items) {
      const k = key(item);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, path(item));
      else errors.push({ field: path(item), message: `${what} "${k}" appears twice (also at ${first})` });
    }
  };
  const { tenants } = configuration;
  unique(
    tenants,
    (t) => t.slug,
    (t) => `${t.path}.slug`,
    'tenant slug',
  );
  unique(
    tenants.flatMap((t) => t.applications),
    (a) => a.id,
    (a) => `${a.path}.id`,
    'application id',
  );
  unique(
    tenants.flatMap((t) => t.policies.filter((p) => p.id !== undefined)),
    (p) => p.id!,
    (p) => `${p.path}.id`,
    'policy id',
  );
  for (const tenant of tenants) {
    unique(
      tenant.policies,
      (p) => p.name,
      (p) => `${p.path}.name`,
      'policy name',
    );
    const names = new Set(tenant.policies.map((p) => p.name));
    for (const app of tenant.applications) {
      app.policies.forEach((ref, k) => {
        const field = `${app.path}.policies[${k}]`;
        if (app.policies.indexOf(ref) !== k) errors.push({ field, message: `names "${ref}" twice` });
        else if (!isUuid(ref) && !names.has(ref)) {
          errors.push({
            field,
            message: `no policy named "${ref}" in tenant ${tenant.slug}: name a policy of this tenant, or give the id of a policy shared with it`,
          });
        }
      });
    }
    for (const policy of tenant.policies) {
      policy.sharedWith.forEach((ref, k) => {
        const field = `${policy.path}.sharedWith[${k}]`;
        if (policy.sharedWith.indexOf(ref) !== k) errors.push({ field, message: `names "${ref}" twice` });
        else if (ref === tenant.slug) errors.push({ field, message: 'is the tenant that owns the policy' });
        else if (!isUuid(ref) && !TENANT_SLUG_PATTERN.test(ref))
          errors.push({ field, message: 'must be a tenant slug or a tenant id (UUID)' });
      });
    }
  }
  return errors;
}

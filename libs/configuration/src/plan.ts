import type { AnyRule } from '@cm/contracts';
import {
  type ApplicationSettings,
  type ConfigurationFieldError,
  type DesiredConfiguration,
  type DesiredPolicy,
  type DesiredTenant,
  isUuid,
} from './document';
import { orderedRule, policyReference, tenantReference } from './export';
import { type FieldChange, fieldDiff, sameJson } from './field-diff';
import { type PolicyState, type ServerView, type TenantState, tenantVersion } from './server-state';

export type ChangeAction = 'create' | 'update' | 'delete';
export type ObjectKind = 'tenant' | 'application' | 'policy';

/** One object the apply creates, changes (field by field) or deletes. */
export interface PlannedChange {
  action: ChangeAction;
  kind: ObjectKind;
  /** Slug, application id or policy name. */
  key: string;
  /** The server's id, when the object exists. */
  id?: string;
  /** Where the object is in the file (absent for deletions). */
  path?: string;
  fields: FieldChange[];
}

/** An object of a covered tenant that the file does not list: kept, or deleted under --prune. */
export interface AbsentObject {
  kind: 'application' | 'policy';
  key: string;
  id: string;
}

/** A plan problem that needs the server to see: an unknown reference (404) or a clash with its state (409). */
export interface PlanError extends ConfigurationFieldError {
  reason: 'invalid' | 'not-found' | 'conflict';
}

/**
 * What to write, in server terms. Tenants and policies the apply creates are named by keys (`new-tenant:<slug>`,
 * `new-policy:<slug>:<name>`) until they have ids; existing ones by their ids.
 */
export interface TenantWork {
  tenantKey: string;
  create?: { slug: string; name: string };
  rename?: string;
  policyUpdates: Array<{ id: string; name: string; description: string; rules: AnyRule[] }>;
  policyCreates: Array<{ key: string; id?: string; name: string; description: string; rules: AnyRule[] }>;
  /** Policies whose shares change: tenant keys before and after. */
  shares: Array<{ policyKey: string; current: string[]; desired: string[] }>;
  applicationCreates: Array<{ id: string; settings: ApplicationSettings }>;
  applicationUpdates: Array<{ id: string; settings: Partial<ApplicationSettings> }>;
  /** Applications whose attached policies change: the policy keys after. */
  attachments: Array<{ applicationId: string; policyKeys: string[] }>;
  applicationDeletes: string[];
  policyDeletes: string[];
}

export interface TenantPlan {
  slug: string;
  id?: string;
  path: string;
  /** The tenant's configuration version the plan was made against. */
  version: string;
  changes: PlannedChange[];
  absent: AbsentObject[];
  /** Tenants with the same group share policies with each other: they are applied in one transaction. */
  group: number;
  work: TenantWork;
}

export interface Plan {
  tenants: TenantPlan[];
  errors: PlanError[];
}

const newTenantKey = (slug: string) => `new-tenant:${slug}`;
const newPolicyKey = (slug: string, name: string) => `new-policy:${slug}:${name}`;
const sortedUnique = (values: string[]) => [...new Set(values)].sort();
const sameSet = (a: string[], b: string[]) => {
  const x = sortedUnique(a);
  const y = sortedUnique(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const SETTING_ORDER: Array<keyof ApplicationSettings> = [
  'name',
  'platform',
  'heartbeatIntervalSeconds',
  'requireSecret',
  'enabled',
  'playbackTokens',
  'entitlements',
];

/** Per tenant of the file, what the server has and what the file wants, resolved to keys. */
interface Resolution {
  tenant: DesiredTenant;
  state: TenantState | undefined;
  key: string;
  /** Desired policy → the existing policy it updates (absent: created). */
  matched: Map<DesiredPolicy, PolicyState>;
  policyKey: Map<DesiredPolicy, string>;
  /** Desired policy → tenant keys it is shared with. */
  shares: Map<DesiredPolicy, string[]>;
  /** Desired application id → policy keys attached. */
  attachments: Map<string, string[]>;
  /** Existing policies the file does not list. */
  absentPolicies: PolicyState[];
}

/**
 * Compares a checked configuration with the server and says, per tenant, what an apply would create, change (field
 * by field) and delete — deletions only with `prune` — and what it would refuse. Pure: the server is `view`.
 */
export function planConfiguration(desired: DesiredConfiguration, view: ServerView, options: { prune: boolean }): Plan {
  const errors: PlanError[] = [];
  const notFound = (field: string, message: string) => errors.push({ field, message, reason: 'not-found' });
  const conflict = (field: string, message: string) => errors.push({ field, message, reason: 'conflict' });

  // Tenants and their policies first: every reference below resolves against them.
  const resolutions: Resolution[] = desired.tenants.map((tenant) => {
    const state = view.states.get(tenant.slug);
    const matched = new Map<DesiredPolicy, PolicyState>();
    const taken = new Set<string>();
    // A policy id that is not this tenant's own: an admin is told whose it is; anyone else gets what an unknown id
    // gets, so a plan never tells whether another tenant holds it.
    const ownId = (id: string | undefined) => id !== undefined && view.policies.get(id)?.tenantId === state?.id;
    const honouredId = (policy: DesiredPolicy) => (view.revealsTenants || ownId(policy.id) ? policy.id : undefined);
    for (const policy of tenant.policies) {
      if (policy.id === undefined) continue;
      const existing = view.policies.get(policy.id);
      if (!existing) continue;
      if (existing.tenantId === state?.id) {
        matched.set(policy, existing);
        taken.add(existing.id);
      } else if (view.revealsTenants) conflict(`${policy.path}.id`, `policy ${policy.id} belongs to another tenant`);
    }
    for (const policy of tenant.policies) {
      if (matched.has(policy) || (honouredId(policy) !== undefined && view.policies.has(policy.id!))) continue;
      const existing = state?.policies.find((p) => p.name === policy.name && !taken.has(p.id));
      if (existing) {
        matched.set(policy, existing);
        taken.add(existing.id);
      }
    }
    const policyKey = new Map(
      tenant.policies.map((p) => [p, matched.get(p)?.id ?? honouredId(p) ?? newPolicyKey(tenant.slug, p.name)] as [DesiredPolicy, string]),
    );
    return {
      tenant,
      state,
      key: state?.id ?? newTenantKey(tenant.slug),
      matched,
      policyKey,
      shares: new Map(),
      attachments: new Map(),
      absentPolicies: (state?.policies ?? []).filter((p) => !taken.has(p.id)),
    };
  });
  const bySlug = new Map(resolutions.map((r) => [r.tenant.slug, r]));
  const byTenantId = new Map(resolutions.filter((r) => r.state).map((r) => [r.state!.id, r]));

  for (const r of resolutions) {
    for (const policy of r.tenant.policies) {
      const keys = policy.sharedWith.flatMap((ref, k) => {
        const field = `${policy.path}.sharedWith[${k}]`;
        if (isUuid(ref)) {
          const id = ref.toLowerCase();
          if (id === r.state?.id) {
            conflict(field, 'is the tenant that owns the policy');
            return [];
          }
          // An unknown id is kept like any other for a caller who cannot see every tenant (no tenant can use it:
          // ids are made by the server), as PUT /policies/{id}/shares does.
          if (view.revealsTenants && !view.tenants.some((t) => t.id === id)) {
            notFound(field, `no tenant ${ref}`);
            return [];
          }
          return [id];
        }
        const inFile = bySlug.get(ref);
        if (inFile) return [inFile.key];
        const known = view.tenants.find((t) => t.slug === ref && t.visible);
        if (!known) {
          notFound(field, `no tenant with slug "${ref}"`);
          return [];
        }
        return [known.id];
      });
      r.shares.set(policy, sortedUnique(keys));
    }
  }

  /** The tenant keys a policy will be shared with after the apply (undefined: it will not exist). */
  const finalShares = (policy: PolicyState): string[] | undefined => {
    const owner = byTenantId.get(policy.tenantId);
    if (!owner) return policy.sharedWith;
    for (const [desiredPolicy, existing] of owner.matched) if (existing.id === policy.id) return owner.shares.get(desiredPolicy);
    return options.prune ? undefined : policy.sharedWith;
  };

  const desiredByKey = new Map(
    resolutions.flatMap((resolution) => [...resolution.policyKey].map(([policy, key]) => [key, { resolution, policy }] as const)),
  );
  for (const r of resolutions) {
    const ownKeys = new Map([...r.policyKey].map(([p, key]) => [key, p]));
    const byName = new Map(r.tenant.policies.map((p) => [p.name, r.policyKey.get(p)!]));
    for (const app of r.tenant.applications) {
      const keys = app.policies.flatMap((ref, k) => {
        const field = `${app.path}.policies[${k}]`;
        if (!isUuid(ref)) return [byName.get(ref)!];
        const id = ref.toLowerCase();
        if (ownKeys.has(id)) return [id];
        const other = desiredByKey.get(id);
        if (other) {
          if (other.resolution.shares.get(other.policy)!.includes(r.key)) return [id];
          notFound(field, `no policy ${ref} is owned by or shared with tenant ${r.tenant.slug}`);
          return [];
        }
        const existing = view.policies.get(id);
        const shares = existing && finalShares(existing);
        if (existing && shares === undefined) {
          conflict(field, `policy "${existing.name}" is not in the file, so --prune deletes it; keep it or detach it`);
          return [];
        }
        if (!existing || (existing.tenantId !== r.state?.id && !shares!.includes(r.key))) {
          notFound(field, `no policy ${ref} is owned by or shared with tenant ${r.tenant.slug}`);
          return [];
        }
        return [id];
      });
      r.attachments.set(app.id, sortedUnique(keys));
    }
  }

  // Who will use each policy after the apply, to refuse deleting or un-sharing a policy still in use.
  const fileApplications = new Set(
    resolutions.flatMap((r) => [...(r.state?.applications ?? []).map((a) => a.id), ...r.attachments.keys()]),
  );
  const finalUsers = (policyKey: string): Array<{ applicationId: string; tenantKey: string }> => {
    const users: Array<{ applicationId: string; tenantKey: string }> = [];
    for (const r of resolutions) {
      for (const [applicationId, keys] of r.attachments) if (keys.includes(policyKey)) users.push({ applicationId, tenantKey: r.key });
      if (options.prune) continue;
      for (const app of r.state?.applications ?? []) {
        if (!r.attachments.has(app.id) && app.policyIds.includes(policyKey)) users.push({ applicationId: app.id, tenantKey: r.key });
      }
    }
    for (const applicationId of view.policies.get(policyKey)?.attachedTo ?? []) {
      const tenantKey = view.applicationTenants.get(applicationId);
      if (!fileApplications.has(applicationId) && tenantKey) users.push({ applicationId, tenantKey });
    }
    return users.sort((a, b) => byText(a.applicationId, b.applicationId));
  };

  const tenantDisplay = (key: string) => (key.startsWith('new-tenant:') ? key.slice('new-tenant:'.length) : tenantReference(view, key));
  const plans = resolutions.map((r): TenantPlan => {
    const { tenant, state } = r;
    const changes: PlannedChange[] = [];
    const absent: AbsentObject[] = [];
    const work: TenantWork = {
      tenantKey: r.key,
      policyUpdates: [],
      policyCreates: [],
      shares: [],
      applicationCreates: [],
      applicationUpdates: [],
      attachments: [],
      applicationDeletes: [],
      policyDeletes: [],
    };
    if (!state) {
      work.create = { slug: tenant.slug, name: tenant.name };
      changes.push({
        action: 'create',
        kind: 'tenant',
        key: tenant.slug,
        path: tenant.path,
        fields: [{ field: 'name', after: tenant.name }],
      });
    } else if (state.name !== tenant.name) {
      work.rename = tenant.name;
      changes.push({
        action: 'update',
        kind: 'tenant',
        key: tenant.slug,
        id: state.id,
        path: tenant.path,
        fields: [{ field: 'name', before: state.name, after: tenant.name }],
      });
    }

    for (const policy of tenant.policies) {
      const existing = r.matched.get(policy);
      const key = r.policyKey.get(policy)!;
      const shares = r.shares.get(policy)!;
      const content = { name: policy.name, description: policy.description, rules: policy.rules.map(orderedRule) };
      if (!existing) {
        work.policyCreates.push({ key, ...(key === policy.id ? { id: key } : {}), ...content });
        if (shares.length > 0) work.shares.push({ policyKey: key, current: [], desired: shares });
        changes.push({
          action: 'create',
          kind: 'policy',
          key: policy.name,
          path: policy.path,
          fields: [
            ...fieldDiff({}, content),
            ...(shares.length > 0 ? [{ field: 'sharedWith', after: shares.map(tenantDisplay).sort(byText) }] : []),
          ],
        });
        continue;
      }
      const fields = fieldDiff({ name: existing.name, description: existing.description, rules: existing.rules.map(orderedRule) }, content);
      if (fields.length > 0) work.policyUpdates.push({ id: existing.id, ...content });
      if (!sameSet(existing.sharedWith, shares)) {
        work.shares.push({ policyKey: existing.id, current: existing.sharedWith, desired: shares });
        fields.push({
          field: 'sharedWith',
          before: existing.sharedWith.map(tenantDisplay).sort(byText),
          after: shares.map(tenantDisplay).sort(byText),
        });
        const removed = existing.sharedWith.filter((t) => !shares.includes(t));
        const stillUsing = finalUsers(existing.id).filter((u) => removed.includes(u.tenantKey));
        if (stillUsing.length > 0) {
          conflict(
            `${policy.path}.sharedWith`,
            `applications ${stillUsing.map((u) => u.applicationId).join(', ')} of a tenant it would no longer be shared with still use it; detach it there first`,
          );
        }
      }
      if (fields.length > 0)
        changes.push({ action: 'update', kind: 'policy', key: policy.name, id: existing.id, path: policy.path, fields });
    }

    /** How the file names a policy: `after` the apply (names from the file) or as the server has it now. */
    const policyDisplay = (key: string, after = true): string => {
      if (after) for (const [p, k] of r.policyKey) if (k === key) return p.name;
      const existing = view.policies.get(key);
      return existing ? policyReference(state?.id ?? '', existing) : key;
    };
    for (const app of tenant.applications) {
      const owner = view.applicationTenants.get(app.id);
      if (owner !== undefined && owner !== state?.id) {
        conflict(`${app.path}.id`, `application id "${app.id}" is taken by another tenant`);
        continue;
      }
      const existing = state?.applications.find((a) => a.id === app.id);
      const keys = r.attachments.get(app.id)!;
      const settings: ApplicationSettings = { ...app.settings, requireSecret: app.settings.requireSecret ?? !view.openApplicationsAllowed };
      if (!settings.requireSecret && !view.openApplicationsAllowed) {
        errors.push({
          field: `${app.path}.requireSecret`,
          message: 'this server runs in production and refuses applications without a secret (unless CM_ALLOW_OPEN_APPLICATIONS=true)',
          reason: 'invalid',
        });
      }
      const ordered = Object.fromEntries(SETTING_ORDER.map((k) => [k, settings[k]]));
      if (!existing) {
        work.applicationCreates.push({ id: app.id, settings });
        if (keys.length > 0) work.attachments.push({ applicationId: app.id, policyKeys: keys });
        changes.push({
          action: 'create',
          kind: 'application',
          key: app.id,
          path: app.path,
          fields: [
            ...fieldDiff({}, ordered),
            ...(keys.length > 0 ? [{ field: 'policies', after: keys.map((k) => policyDisplay(k)).sort(byText) }] : []),
          ],
        });
        continue;
      }
      const fields = fieldDiff(Object.fromEntries(SETTING_ORDER.map((k) => [k, existing.settings[k]])), ordered);
      const changedSettings = SETTING_ORDER.filter((k) => !sameJson(existing.settings[k], settings[k]));
      if (changedSettings.length > 0) {
        work.applicationUpdates.push({ id: app.id, settings: Object.fromEntries(changedSettings.map((k) => [k, settings[k]])) });
      }
      if (!sameSet(existing.policyIds, keys)) {
        work.attachments.push({ applicationId: app.id, policyKeys: keys });
        fields.push({
          field: 'policies',
          before: existing.policyIds.map((id) => policyDisplay(id, false)).sort(byText),
          after: keys.map((k) => policyDisplay(k)).sort(byText),
        });
      }
      if (fields.length > 0) changes.push({ action: 'update', kind: 'application', key: app.id, id: app.id, path: app.path, fields });
    }

    const listed = new Set(tenant.applications.map((a) => a.id));
    for (const app of state?.applications ?? []) {
      if (listed.has(app.id)) continue;
      absent.push({ kind: 'application', key: app.id, id: app.id });
      if (options.prune) {
        work.applicationDeletes.push(app.id);
        changes.push({ action: 'delete', kind: 'application', key: app.id, id: app.id, fields: [] });
      }
    }
    for (const policy of r.absentPolicies) {
      absent.push({ kind: 'policy', key: policy.name, id: policy.id });
      if (!options.prune) continue;
      work.policyDeletes.push(policy.id);
      changes.push({ action: 'delete', kind: 'policy', key: policy.name, id: policy.id, fields: [] });
      const users = finalUsers(policy.id);
      if (users.length > 0) {
        conflict(
          tenant.path,
          `policy "${policy.name}" is not in the file, so --prune deletes it, but applications ${users.map((u) => u.applicationId).join(', ')} still use it`,
        );
      }
    }
    return {
      slug: tenant.slug,
      ...(state ? { id: state.id } : {}),
      path: tenant.path,
      version: tenantVersion(state),
      changes,
      absent,
      group: 0,
      work,
    };
  });

  assignGroups(resolutions, plans, view, byTenantId);
  return { tenants: plans, errors };
}

/** Tenants of the file linked by a share or an attachment (before or after) are applied together. */
function assignGroups(resolutions: Resolution[], plans: TenantPlan[], view: ServerView, byTenantId: Map<string, Resolution>): void {
  const parent = resolutions.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const indexOfKey = new Map(resolutions.map((r, i) => [r.key, i]));
  const ownerIndex = (policyKey: string): number | undefined => {
    const index = resolutions.findIndex((r) => [...r.policyKey.values()].includes(policyKey));
    if (index >= 0) return index;
    const owner = view.policies.get(policyKey)?.tenantId;
    const r = owner === undefined ? undefined : byTenantId.get(owner);
    return r ? resolutions.indexOf(r) : undefined;
  };
  resolutions.forEach((r, i) => {
    const tenantKeys = [...[...r.shares.values()].flat(), ...(r.state?.policies ?? []).flatMap((p) => p.sharedWith)];
    for (const key of tenantKeys) {
      const j = indexOfKey.get(key);
      if (j !== undefined) union(i, j);
    }
    const policyKeys = [...[...r.attachments.values()].flat(), ...(r.state?.applications ?? []).flatMap((a) => a.policyIds)];
    for (const key of policyKeys) {
      const j = ownerIndex(key);
      if (j !== undefined) union(i, j);
    }
  });
  const numbering = new Map<number, number>();
  plans.forEach((plan, i) => {
    const root = find(i);
    if (!numbering.has(root)) numbering.set(root, numbering.size);
    plan.group = numbering.get(root)!;
  });
}

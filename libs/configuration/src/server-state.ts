import { createHash } from 'node:crypto';
import type { AnyRule } from '@cm/contracts';
import type { ApplicationSettings } from './document';
import { canonicalJson } from './field-diff';

/** An application as the configuration sees it. */
export interface ApplicationState {
  id: string;
  tenantId: string;
  settings: ApplicationSettings;
  /** Attached policies, sorted. */
  policyIds: string[];
}

/** A policy as the configuration sees it. */
export interface PolicyState {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  rules: AnyRule[];
  /** Tenants it is shared with, sorted. */
  sharedWith: string[];
  /** Applications (of any tenant) it is attached to, sorted. */
  attachedTo: string[];
}

/** A tenant with everything a file describes of it. */
export interface TenantState {
  id: string;
  slug: string;
  name: string;
  applications: ApplicationState[];
  policies: PolicyState[];
}

/** A tenant the configuration refers to; `visible` when the caller may see it (slugs are shown only then). */
export interface TenantRef {
  id: string;
  slug: string;
  visible: boolean;
}

/** What planning knows about the server: the file's tenants in full, and every object the file refers to. */
export interface ServerView {
  /** The full state of each existing tenant the plan covers, by slug. */
  states: Map<string, TenantState>;
  /** Tenants referred to (by slug or id), plus the covered ones. */
  tenants: TenantRef[];
  /** Policies referred to by id, those attached to the covered applications, and the covered tenants' own. */
  policies: Map<string, PolicyState>;
  /** Owners of applications referred to: the file's application ids and the applications using covered policies. */
  applicationTenants: Map<string, string>;
  /** false in production unless CM_ALLOW_OPEN_APPLICATIONS: applications must require a secret (their default too). */
  openApplicationsAllowed: boolean;
  /**
   * Whether the caller sees every tenant (an admin). Otherwise a plan must not tell another tenant's ids from unknown
   * ones: a tenant id to share with is kept either way (as PUT /policies/{id}/shares does), and a policy id that is
   * not one of the file tenant's own is not honoured (the policy is matched by name, or created with a new id).
   */
  revealsTenants: boolean;
}

/** The version of a tenant's configuration: a digest of what a file describes of it ("absent" when there is none). */
export const ABSENT_VERSION = 'absent';

export function tenantVersion(state: TenantState | undefined): string {
  if (!state) return ABSENT_VERSION;
  const content = {
    slug: state.slug,
    name: state.name,
    applications: [...state.applications]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((a) => ({ id: a.id, ...a.settings, policyIds: a.policyIds })),
    policies: [...state.policies]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((p) => ({ id: p.id, name: p.name, description: p.description, rules: p.rules, sharedWith: p.sharedWith })),
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16);
}

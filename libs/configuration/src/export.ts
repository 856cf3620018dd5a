import type { AnyRule, RuleCondition } from '@cm/contracts';
import type { EntitlementsSettings } from '@cm/tenants';
import { CONFIGURATION_FORMAT_VERSION } from './dto/configuration.dto';
import { isUuid } from './document';
import type { ServerView, TenantState } from './server-state';

/** The document shape (what a file holds and GET /api/v1/configuration answers), keys in the order a file shows them. */
export interface ConfigurationDocument {
  version: number;
  tenants: Array<{
    slug: string;
    name: string;
    applications: Array<{
      id: string;
      name: string;
      platform: string;
      heartbeatIntervalSeconds: number;
      requireSecret: boolean;
      enabled: boolean;
      playbackTokens: { enabled: boolean };
      entitlements: EntitlementsSettings | null;
      policies: string[];
    }>;
    policies: Array<{ id: string; name: string; description: string; rules: AnyRule[]; sharedWith: string[] }>;
  }>;
}

const RULE_ORDER = ['type', 'name', 'limit', 'by', 'swap', 'limitClaim', 'maxLimit', 'countBy', 'scope', 'where', 'onConflict', 'message'];
const CONDITION_ORDER = ['attribute', 'op', 'value'];

/** The object's members in this order, then any others (a field the policy engine learns later) as they come. */
function inOrder<T extends object>(value: T, order: string[]): T {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))) as T;
}

/** A rule with its fields in the documented order (PostgreSQL's jsonb keeps its own order). */
export function orderedRule(rule: AnyRule): AnyRule {
  if (rule.type === 'device-registration') return inOrder(rule, RULE_ORDER);
  const ordered = inOrder(rule, RULE_ORDER);
  return rule.where === undefined ? ordered : { ...ordered, where: rule.where.map((c: RuleCondition) => inOrder(c, CONDITION_ORDER)) };
}

/** How a file names a tenant: its slug when the caller can see it, else its id. */
export function tenantReference(view: ServerView, tenantId: string): string {
  const tenant = view.tenants.find((t) => t.id === tenantId);
  return tenant?.visible ? tenant.slug : tenantId;
}

/** How an application of `tenantId` names a policy: by name when its tenant owns it, else by id. */
export function policyReference(tenantId: string, policy: { id: string; tenantId: string; name: string }): string {
  return policy.tenantId === tenantId && !isUuid(policy.name) ? policy.name : policy.id;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The configuration of these tenants as a file describes it: sorted, complete, every default written out. */
export function toDocument(states: TenantState[], view: ServerView): ConfigurationDocument {
  return {
    version: CONFIGURATION_FORMAT_VERSION,
    tenants: [...states]
      .sort((a, b) => byText(a.slug, b.slug))
      .map((state) => ({
        slug: state.slug,
        name: state.name,
        applications: [...state.applications]
          .sort((a, b) => byText(a.id, b.id))
          .map((app) => ({
            id: app.id,
            name: app.settings.name,
            platform: app.settings.platform,
            heartbeatIntervalSeconds: app.settings.heartbeatIntervalSeconds,
            requireSecret: app.settings.requireSecret,
            enabled: app.settings.enabled,
            playbackTokens: { enabled: app.settings.playbackTokens.enabled },
            entitlements: app.settings.entitlements,
            policies: app.policyIds
              .map((id) => {
                const policy = view.policies.get(id);
                return policy ? policyReference(state.id, policy) : id;
              })
              .sort(byText),
          })),
        policies: [...state.policies]
          .sort((a, b) => byText(a.name, b.name))
          .map((policy) => ({
            id: policy.id,
            name: policy.name,
            description: policy.description,
            rules: policy.rules.map(orderedRule),
            sharedWith: policy.sharedWith.map((id) => tenantReference(view, id)).sort(byText),
          })),
      })),
  };
}

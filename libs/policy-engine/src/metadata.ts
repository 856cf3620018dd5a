import { type AnyRule, CLAIM_PREFIX, isDeviceRegistrationRule, NETWORK_PREFIX } from '@cm/contracts';

type WithRules = ReadonlyArray<{ rules: readonly AnyRule[] }>;

const byPlainOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isClaim = (attribute: string) => attribute.startsWith(CLAIM_PREFIX);
/** Server-derived from the client's address (`network.*`): never asked of the player. */
const isNetwork = (attribute: string) => attribute.startsWith(NETWORK_PREFIX);

/** Every attribute any rule names (countBy, scope, where), unique. */
function namedAttributes(policies: WithRules): Set<string> {
  const names = new Set<string>();
  for (const { rules } of policies) {
    for (const rule of rules) {
      if (isDeviceRegistrationRule(rule)) {
        names.add(rule.by);
        continue;
      }
      if (rule.countBy !== undefined) names.add(rule.countBy);
      for (const attribute of rule.scope ?? []) names.add(attribute);
      for (const condition of rule.where ?? []) names.add(condition.attribute);
    }
  }
  return names;
}

/**
 * The metadata a player must send: every attribute a rule names (countBy, scope, where) except entitlement claims
 * (`claims.*`, which come from the entitlement token), unique and sorted by plain `<` order. What
 * `GET /v2/metadata` answers, with `entitlement` added when a token is needed (DESIGN §3: every attribute a rule
 * names is required metadata).
 */
export function requiredMetadata(policies: WithRules): string[] {
  return [...namedAttributes(policies)].filter((a) => !isClaim(a) && !isNetwork(a)).sort(byPlainOrder);
}

/**
 * Required attributes absent from `metadata` (init answers 400 when any). This includes attributes used only by
 * `neq` / `nin` / `exists` conditions, which could be evaluated while absent: DESIGN §3 makes every named
 * attribute required, and we follow it.
 */
export function missingMetadata(metadata: Record<string, string>, policies: WithRules): string[] {
  return requiredMetadata(policies).filter((attribute) => !Object.hasOwn(metadata, attribute));
}

/** Claim names (without `claims.`) the rules name in countBy, scope or where: a valid entitlement must carry them. */
export function requiredClaims(policies: WithRules): string[] {
  return [...namedAttributes(policies)]
    .filter(isClaim)
    .map((a) => a.slice(CLAIM_PREFIX.length))
    .sort(byPlainOrder);
}

/** Every claim name the rules read: the required ones and the optional `limitClaim`s. What a session keeps. */
export function claimsRead(policies: WithRules): string[] {
  const names = new Set(requiredClaims(policies));
  for (const { rules } of policies)
    for (const rule of rules) if (!isDeviceRegistrationRule(rule) && rule.limitClaim !== undefined) names.add(rule.limitClaim);
  return [...names].sort(byPlainOrder);
}

/** Whether any rule reads a server-derived network attribute (`network.*`). */
export function readsNetwork(policies: WithRules): boolean {
  return [...namedAttributes(policies)].some(isNetwork);
}

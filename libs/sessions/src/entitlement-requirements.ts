import { ENTITLEMENT_METADATA_NAME } from '@cm/contracts';
import { type EnginePolicy, requiredClaims, requiredMetadata } from '@cm/policy-engine';
import type { EntitlementsSettings } from '@cm/tenants';

/** Whether the application's inits need an entitlement token: it has entitlements, or its rules read claims. */
export function needsEntitlement(app: { entitlements: EntitlementsSettings | null }, policies: EnginePolicy[]): boolean {
  return app.entitlements !== null || requiredClaims(policies).length > 0;
}

/** What `GET /v2/metadata` lists: the metadata the rules need, plus `entitlement` when a token is needed. */
export function requiredPlayerInputs(app: { entitlements: EntitlementsSettings | null }, policies: EnginePolicy[]): string[] {
  const names = requiredMetadata(policies);
  if (!needsEntitlement(app, policies)) return names;
  return [...names, ENTITLEMENT_METADATA_NAME].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

import type { PolicyRule } from '@cm/contracts';

type WithRules = ReadonlyArray<{ rules: readonly PolicyRule[] }>;

/**
 * Every attribute any rule names (countBy, scope, where), unique and sorted by plain `<` order:
 * what `GET /v2/metadata` answers (DESIGN §3: every attribute a rule names is required metadata).
 */
export function requiredMetadata(policies: WithRules): string[] {
  const names = new Set<string>();
  for (const { rules } of policies) {
    for (const rule of rules) {
      if (rule.countBy !== undefined) names.add(rule.countBy);
      for (const attribute of rule.scope ?? []) names.add(attribute);
      for (const condition of rule.where ?? []) names.add(condition.attribute);
    }
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Required attributes absent from `metadata` (init answers 400 when any). This includes attributes used only by
 * `neq` / `nin` / `exists` conditions, which could be evaluated while absent: DESIGN §3 makes every named
 * attribute required, and we follow it.
 */
export function missingMetadata(metadata: Record<string, string>, policies: WithRules): string[] {
  return requiredMetadata(policies).filter((attribute) => !Object.hasOwn(metadata, attribute));
}

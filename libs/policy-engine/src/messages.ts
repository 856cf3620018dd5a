import type { PolicyRule } from '@cm/contracts';

/** The advice message when a rule has none. */
export function defaultMessage(rule: Pick<PolicyRule, 'countBy'>): string {
  return rule.countBy === undefined ? 'Number of active streams exceeded' : `Number of distinct ${rule.countBy} values exceeded`;
}

/** The advice's `attribute` (DESIGN §2): the rule's countBy, or `streamId` when it counts streams. */
export function ruleAttribute(rule: Pick<PolicyRule, 'countBy'>): string {
  return rule.countBy ?? 'streamId';
}

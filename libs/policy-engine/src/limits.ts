import { CLAIM_PREFIX, type PolicyRule } from '@cm/contracts';
import { attributeValue } from './matching';

/** A claim's text that counts as a limit: a non-negative integer written plainly (no sign, no exponent). */
const LIMIT_TEXT = /^(0|[1-9]\d{0,8})$/;

/**
 * The limit a rule applies to the stream with this metadata: the integer of its `limitClaim` claim (capped by
 * `maxLimit` when set) when the stream carries one, else `limit`. Anything but a plain non-negative integer
 * (absent, "2.5", "-1", "lots") falls back to `limit`.
 */
export function effectiveLimit(rule: Pick<PolicyRule, 'limit' | 'limitClaim' | 'maxLimit'>, metadata: Record<string, string>): number {
  if (rule.limitClaim === undefined) return rule.limit;
  const text = attributeValue(metadata, `${CLAIM_PREFIX}${rule.limitClaim}`);
  if (text === undefined || !LIMIT_TEXT.test(text)) return rule.limit;
  const claimed = Number(text);
  return rule.maxLimit === undefined ? claimed : Math.min(claimed, rule.maxLimit);
}

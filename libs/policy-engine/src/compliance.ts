/**
 * Heartbeat re-check (DESIGN §3), by a deterministic order within each rule's group:
 * - `reject` (first wins): the earliest-started `limit` sessions are compliant; for countBy, the first `limit`
 *   values by their first session.
 * - `evict-oldest` (latest wins): the latest-started `limit` sessions; for countBy, the `limit` values whose
 *   newest session is latest.
 * The limit is the session's own (`effectiveLimit`). Ties go by sessionId. A session whose group never exceeds its limit (what `evaluate` guarantees) is compliant.
 */
import { isConcurrencyRule } from '@cm/contracts';
import { effectiveLimit } from './limits';
import { byAge, byValue, concerns, countedFor, groupOf, keyedById, keyedByValue, newest, scopeValues } from './matching';
import type { ComplianceResult, EnginePolicy, EngineSession, RuleViolation } from './types';

/** `running` should include `session` itself; it is added when missing. */
export function checkCompliance(session: EngineSession, running: EngineSession[], policies: EnginePolicy[]): ComplianceResult {
  const all = running.some((s) => s.sessionId === session.sessionId) ? running.slice() : [...running, session];
  const ordered = all.sort(byAge);
  const violations: RuleViolation[] = [];

  for (const policy of policies) {
    const counted = countedFor(policy, ordered, session);
    policy.rules.forEach((rule, ruleIndex) => {
      if (!isConcurrencyRule(rule) || !concerns(rule, session.metadata)) return;
      const group = groupOf(rule, session, counted);
      const latestWins = rule.onConflict === 'evict-oldest';
      const limit = effectiveLimit(rule, session.metadata);
      let conflicts: RuleViolation['conflicts'] | undefined;

      if (rule.countBy === undefined) {
        const winners = latestWins ? group.slice(Math.max(0, group.length - limit)) : group.slice(0, limit);
        if (!winners.some((s) => s.sessionId === session.sessionId)) conflicts = keyedById(winners);
      } else {
        const entries = [...byValue(rule.countBy, group)];
        if (latestWins) entries.sort(([, a], [, b]) => byAge(newest(b), newest(a)));
        const winners = entries.slice(0, limit);
        const own = session.metadata[rule.countBy];
        if (!winners.some(([value]) => value === own)) conflicts = keyedByValue(winners);
      }

      if (conflicts) violations.push({ policy, rule, ruleIndex, limit, scopeValues: scopeValues(rule, session.metadata), conflicts });
    });
  }
  return violations.length === 0 ? { compliant: true } : { compliant: false, violations };
}

/**
 * Init decision (DESIGN §3). DESIGN leaves the order of mixed `reject` / `evict-oldest` rules open; we decide:
 *
 * 1. Evict first. Every `evict-oldest` rule (limit > 0) the candidate would exceed picks the oldest sessions of
 *    its group (startedAt, then sessionId) so that the count with the candidate equals the limit. For countBy,
 *    a value's age is its newest session, and all sessions of the oldest values go. Each rule looks at the full
 *    running set; the victims of all rules are unioned. An `evict-oldest` rule with limit 0 can never fit the
 *    candidate and is treated as `reject`.
 * 2. Then every `reject` rule is checked against `running` minus those victims. If any is exceeded the
 *    candidate is denied with all exceeded rules' violations, and nothing is evicted (the kills are atomic).
 * 3. Otherwise the candidate is admitted and the victims are dismissed.
 *
 * "Exceeded" agrees with `checkCompliance`, so an admitted candidate is compliant right away: a stream rule is
 * exceeded when the group plus the candidate is over the limit; a countBy rule when the candidate brings a new
 * value over the limit, or (reject only) its value is already in the group but not among the first `limit`
 * values (only possible after a limit was lowered).
 *
 * A rule's limit is the candidate's (`effectiveLimit`: its `limitClaim` claim when it has one), so an account's
 * entitlement decides its own streams.
 */
import { isConcurrencyRule, type PolicyRule } from '@cm/contracts';
import { effectiveLimit } from './limits';
import { byAge, byValue, concerns, countedFor, groupOf, keyedById, keyedByValue, newest, scopeValues } from './matching';
import type { EnginePolicy, EngineSession, Eviction, InitDecision, RuleViolation } from './types';

interface RuleContext {
  policy: EnginePolicy;
  rule: PolicyRule;
  ruleIndex: number;
  limit: number;
  /** The candidate's group, oldest first, without the candidate. */
  group: EngineSession[];
}

export function evaluate(candidate: EngineSession, running: EngineSession[], policies: EnginePolicy[]): InitDecision {
  const ordered = running.filter((s) => s.sessionId !== candidate.sessionId).sort(byAge);
  const victims = new Map<string, Eviction>();
  const rejectRules: RuleContext[] = [];

  for (const policy of policies) {
    const counted = countedFor(policy, ordered, candidate);
    policy.rules.forEach((rule, ruleIndex) => {
      if (!isConcurrencyRule(rule) || !concerns(rule, candidate.metadata)) return;
      const limit = effectiveLimit(rule, candidate.metadata);
      const context = { policy, rule, ruleIndex, limit, group: groupOf(rule, candidate, counted) };
      if (rule.onConflict === 'evict-oldest' && limit > 0) evict(candidate, context, victims);
      else rejectRules.push(context);
    });
  }

  const violations: RuleViolation[] = [];
  for (const context of rejectRules) {
    const group = context.group.filter((s) => !victims.has(s.sessionId));
    const violation = rejectViolation(candidate, { ...context, group });
    if (violation) violations.push(violation);
  }
  if (violations.length > 0) return { outcome: 'deny', violations };
  return { outcome: 'admit', victims: [...victims.values()].sort((a, b) => byAge(a.session, b.session)) };
}

function violationOf(candidate: EngineSession, context: RuleContext, conflicts: RuleViolation['conflicts']): RuleViolation {
  const { policy, rule, ruleIndex, limit } = context;
  return { policy, rule, ruleIndex, limit, scopeValues: scopeValues(rule, candidate.metadata), conflicts };
}

/** Adds the sessions this evict-oldest rule dismisses to `victims` (first violation found wins). */
function evict(candidate: EngineSession, context: RuleContext, victims: Map<string, Eviction>): void {
  const { rule, group, limit } = context;
  let losers: EngineSession[];
  let conflicts: RuleViolation['conflicts'];

  if (rule.countBy === undefined) {
    const excess = group.length + 1 - limit;
    if (excess <= 0) return;
    losers = group.slice(0, excess);
    conflicts = keyedById([...group.slice(excess), candidate]);
  } else {
    const own = candidate.metadata[rule.countBy];
    const values = byValue(rule.countBy, group);
    const excess = values.size + (values.has(own) ? 0 : 1) - limit;
    if (excess <= 0) return;
    const others = [...values].filter(([value]) => value !== own);
    others.sort(([, a], [, b]) => byAge(newest(a), newest(b)));
    const lost = new Set(others.slice(0, excess).map(([value]) => value));
    losers = others.slice(0, excess).flatMap(([, sessions]) => sessions);
    values.set(own, [...(values.get(own) ?? []), candidate]);
    conflicts = keyedByValue([...values].filter(([value]) => !lost.has(value)));
  }

  const violation = violationOf(candidate, context, conflicts);
  for (const session of losers) {
    if (!victims.has(session.sessionId)) victims.set(session.sessionId, { session, violation });
  }
}

/** The violation when the candidate would exceed this (reject) rule over `context.group`, else undefined. */
function rejectViolation(candidate: EngineSession, context: RuleContext): RuleViolation | undefined {
  const { rule, group, limit } = context;
  if (rule.countBy === undefined) {
    return group.length + 1 > limit ? violationOf(candidate, context, keyedById(group)) : undefined;
  }
  const values = byValue(rule.countBy, group);
  const rank = [...values.keys()].indexOf(candidate.metadata[rule.countBy]);
  const exceeded = rank === -1 ? values.size + 1 > limit : rank >= limit;
  return exceeded ? violationOf(candidate, context, keyedByValue(values)) : undefined;
}

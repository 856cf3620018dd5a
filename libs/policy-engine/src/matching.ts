import type { PolicyRule, RuleCondition } from '@cm/contracts';
import type { EnginePolicy, EngineSession } from './types';

type Metadata = Record<string, string>;

/** The attribute's value, or undefined when absent (own keys only: `constructor` is not a value). */
export function attributeValue(metadata: Metadata, attribute: string): string | undefined {
  return Object.hasOwn(metadata, attribute) ? metadata[attribute] : undefined;
}

function matchesCondition(metadata: Metadata, condition: RuleCondition): boolean {
  const value = attributeValue(metadata, condition.attribute);
  const expected = condition.value;
  switch (condition.op) {
    case 'eq':
      return value !== undefined && value === expected;
    case 'neq':
      return value === undefined || value !== expected;
    case 'in':
      return value !== undefined && Array.isArray(expected) && expected.includes(value);
    case 'nin':
      return value === undefined || !Array.isArray(expected) || !expected.includes(value);
    case 'exists':
      return (value !== undefined) === (expected !== false);
  }
}

/**
 * Whether a rule concerns a stream: it matches every `where` condition and, for a countBy rule,
 * has a value to count (a stream without it cannot be counted; init refuses such streams anyway).
 */
export function concerns(rule: PolicyRule, metadata: Metadata): boolean {
  if (rule.countBy !== undefined && attributeValue(metadata, rule.countBy) === undefined) return false;
  return (rule.where ?? []).every((condition) => matchesCondition(metadata, condition));
}

/** Same value (or both absent) for every scope attribute. */
function sameScope(rule: PolicyRule, a: Metadata, b: Metadata): boolean {
  return (rule.scope ?? []).every((attribute) => attributeValue(a, attribute) === attributeValue(b, attribute));
}

export function scopeValues(rule: PolicyRule, metadata: Metadata): Record<string, string> {
  const values: Record<string, string> = {};
  for (const attribute of rule.scope ?? []) {
    const value = attributeValue(metadata, attribute);
    if (value !== undefined) values[attribute] = value;
  }
  return values;
}

/** Oldest first: by startedAt, then sessionId (UUIDv7, so lexical order is creation order). */
export function byAge(a: EngineSession, b: EngineSession): number {
  if (a.startedAt !== b.startedAt) return a.startedAt - b.startedAt;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/** The sessions a policy sees: those of its applications, plus `anchor` (which always counts for its own app's policies). */
export function countedFor(policy: EnginePolicy, ordered: readonly EngineSession[], anchor: EngineSession): EngineSession[] {
  const apps = new Set(policy.applicationIds);
  return ordered.filter((s) => apps.has(s.applicationId) || s.sessionId === anchor.sessionId);
}

/** The sessions (kept in the given order) the rule counts in the same scope group as `anchor`. */
export function groupOf(rule: PolicyRule, anchor: EngineSession, counted: readonly EngineSession[]): EngineSession[] {
  return counted.filter((s) => concerns(rule, s.metadata) && sameScope(rule, s.metadata, anchor.metadata));
}

/** The group's sessions by countBy value; with the group oldest first, values come in order of their first session. */
export function byValue(countBy: string, group: readonly EngineSession[]): Map<string, EngineSession[]> {
  const values = new Map<string, EngineSession[]>();
  for (const session of group) {
    const value = session.metadata[countBy];
    const sessions = values.get(value);
    if (sessions) sessions.push(session);
    else values.set(value, [session]);
  }
  return values;
}

/** Keys a list of sessions by sessionId (stream-count rules). */
export function keyedById(sessions: readonly EngineSession[]): Record<string, EngineSession[]> {
  const conflicts: Record<string, EngineSession[]> = {};
  for (const session of sessions) conflicts[session.sessionId] = [session];
  return conflicts;
}

export function keyedByValue(entries: Iterable<[string, EngineSession[]]>): Record<string, EngineSession[]> {
  const conflicts: Record<string, EngineSession[]> = {};
  for (const [value, sessions] of entries) conflicts[value] = sessions;
  return conflicts;
}

/** The newest session of a value's sessions (given oldest first): the value's "age" under evict-oldest. */
export function newest(sessions: readonly EngineSession[]): EngineSession {
  return sessions[sessions.length - 1];
}

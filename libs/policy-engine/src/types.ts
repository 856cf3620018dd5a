import type { AnyRule, PolicyRule } from '@cm/contracts';

/** A stream as the engine sees it: no database row, no Nest. */
export interface EngineSession {
  /** UUIDv7: lexical order == creation order; used as the final tie-break. */
  sessionId: string;
  applicationId: string;
  /** Epoch ms. */
  startedAt: number;
  metadata: Record<string, string>;
}

export interface EnginePolicy {
  id: string;
  name: string;
  /** Concurrency rules decide streams; a device-registration rule is applied by the households library. */
  rules: AnyRule[];
  /** Applications this policy is attached to: only their sessions count for it. */
  applicationIds: string[];
}

export interface RuleViolation {
  policy: EnginePolicy;
  rule: PolicyRule;
  ruleIndex: number;
  /** The limit that applied: the rule's, or the one its `limitClaim` gave the decided stream. */
  limit: number;
  /** The scope group of the candidate/session (attribute -> value); absent attributes are left out. */
  scopeValues: Record<string, string>;
  /** Conflicting sessions, keyed by sessionId (stream-count rule) or by countBy value (countBy rule). */
  conflicts: Record<string, EngineSession[]>;
}

export interface Eviction {
  session: EngineSession;
  /** The first violation (policy order, then rule order) that evicted this session. */
  violation: RuleViolation;
}

export type InitDecision = { outcome: 'admit'; victims: Eviction[] } | { outcome: 'deny'; violations: RuleViolation[] };

export type ComplianceResult = { compliant: true } | { compliant: false; violations: RuleViolation[] };

/**
 * The CM v2 decisions (DESIGN §2–§3) as pure functions: what an init or a heartbeat answers, given the account's
 * streams and the policies. The live API (libs/sessions, under the account lock) and the policy simulator
 * (libs/policies) both call these, so the simulator cannot drift from what a player gets.
 *
 * Init: X-Terminate kills first (only streams the caller may end), then `evaluate` over the rest, then the advice
 * bodies (409 for a denial, the next-heartbeat bodies of the dismissed and killed streams), then the service-wide
 * cap on running streams per account.
 */
import type { AdviceBody, Metadata } from '@cm/contracts';
import { adviceBody, type DescribedSession, remoteTerminationBody, ruleViolationAdvice, withCandidate } from './advice';
import { checkCompliance } from './compliance';
import { evaluate } from './evaluate';
import type { EnginePolicy, EngineSession } from './types';

/** One of the account's streams as a decision sees it (and as the advice bodies describe it). */
export interface DecisionSession extends DescribedSession {
  applicationId: string;
}

export interface InitInput {
  /** The stream asking to start: its new id and termination code, and the metadata the player sent. */
  candidate: { id: string; terminationCode: string; applicationId: string; applicationName: string; metadata: Metadata };
  /** When it starts (the store's clock). */
  now: Date;
  /** The account's running streams, oldest first. */
  running: readonly DecisionSession[];
  policies: readonly EnginePolicy[];
  /** Termination codes from `X-Terminate`, already normalised (trimmed, lower case). */
  terminate: readonly string[];
  /** Streams the caller may end through X-Terminate and that count toward `maxSessions` (default: every one). */
  visible?: (session: DecisionSession) => boolean;
  /** The service-wide cap on an account's visible running streams (CM_MAX_SESSIONS_PER_ACCOUNT); none when absent. */
  maxSessions?: number;
}

/** A stream the admission ends, and the body its next heartbeat gets. */
export interface DecidedEnd {
  session: DecisionSession;
  /** `dismissed` by an evict-oldest rule (next heartbeat 409), `killed` through X-Terminate (410). */
  reason: 'dismissed' | 'killed';
  body: AdviceBody;
}

export type InitOutcome =
  | {
      outcome: 'admit';
      /** The metadata to store: the player's, plus `superseded` naming the killed streams' codes. */
      metadata: Metadata;
      /** Dismissed streams (oldest first), then killed ones. */
      ends: DecidedEnd[];
    }
  | {
      outcome: 'deny';
      metadata: Metadata;
      /** The 409 body. */
      body: AdviceBody;
      /** The policies whose rules denied it (none for the service-wide cap). */
      policyIds: string[];
    };

export const toEngineSession = (s: { id: string; applicationId: string; startedAt: Date; metadata: Metadata }): EngineSession => ({
  sessionId: s.id,
  applicationId: s.applicationId,
  startedAt: s.startedAt.getTime(),
  metadata: s.metadata,
});

/** The 409 of an init past the service-wide cap: a rule-violation advice, so players treat it as a denial. */
export const accountCapAdvice = (max: number): AdviceBody =>
  adviceBody([
    {
      type: 'rule-violation',
      message: `This account already has ${max} running streams, the most the service allows; stop one to start another`,
      policyName: 'Service limit',
      ruleName: 'CM_MAX_SESSIONS_PER_ACCOUNT',
      attribute: 'streamId',
      threshold: max,
      scope: [],
      conflicts: {},
    },
  ]);

export function decideInit(input: InitInput): InitOutcome {
  const { candidate: c, now, running, policies, terminate } = input;
  const visible = input.visible ?? (() => true);
  const killed = running.filter((s) => terminate.includes(s.terminationCode) && visible(s));
  const others = running.filter((s) => !killed.includes(s));
  const metadata = killed.length > 0 ? { ...c.metadata, superseded: killed.map((s) => s.terminationCode).join(',') } : c.metadata;
  const candidate: EngineSession = { sessionId: c.id, applicationId: c.applicationId, startedAt: now.getTime(), metadata };
  const byId = new Map(running.map((s) => [s.id, s]));
  const describe = (id: string): DescribedSession | undefined => byId.get(id);

  const decision = evaluate(candidate, others.map(toEngineSession), [...policies]);
  if (decision.outcome === 'deny') {
    return {
      outcome: 'deny',
      metadata,
      body: adviceBody(decision.violations.map((v) => ruleViolationAdvice(v, describe))),
      policyIds: [...new Set(decision.violations.map((v) => v.policy.id))],
    };
  }
  const evicted = new Set(decision.victims.map((v) => v.session.sessionId));
  if (input.maxSessions !== undefined && others.filter((s) => visible(s) && !evicted.has(s.id)).length >= input.maxSessions) {
    return { outcome: 'deny', metadata, body: accountCapAdvice(input.maxSessions), policyIds: [] };
  }
  const self: DescribedSession = {
    id: c.id,
    terminationCode: c.terminationCode,
    metadata,
    startedAt: now,
    applicationName: c.applicationName,
  };
  const describeWithSelf = (id: string) => (id === c.id ? self : describe(id));
  const ends: DecidedEnd[] = [
    ...decision.victims.map((v) => ({
      session: byId.get(v.session.sessionId)!,
      reason: 'dismissed' as const,
      body: adviceBody([ruleViolationAdvice(withCandidate(v.violation, candidate), describeWithSelf)]),
    })),
    ...killed.map((s) => ({ session: s, reason: 'killed' as const, body: remoteTerminationBody(self) })),
  ];
  return { outcome: 'admit', metadata, ends };
}

export interface HeartbeatInput {
  /** The stream heartbeating, with its metadata as it will be stored (after the heartbeat's additions). */
  session: DecisionSession;
  /** The account's running streams, oldest first (the heartbeating one included or not). */
  running: readonly DecisionSession[];
  policies: readonly EnginePolicy[];
}

export type HeartbeatOutcome = { outcome: 'continue' } | { outcome: 'dismiss'; body: AdviceBody };

/** A running stream's re-check (`checkCompliance`): it continues, or it is dismissed with this 409 body. */
export function decideHeartbeat(input: HeartbeatInput): HeartbeatOutcome {
  const { session } = input;
  const running = input.running.map((s) => (s.id === session.id ? session : s));
  const result = checkCompliance(toEngineSession(session), running.map(toEngineSession), [...input.policies]);
  if (result.compliant) return { outcome: 'continue' };
  const byId = new Map(running.map((s) => [s.id, s]));
  return { outcome: 'dismiss', body: adviceBody(result.violations.map((v) => ruleViolationAdvice(v, (id) => byId.get(id)))) };
}

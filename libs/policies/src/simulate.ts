/**
 * The policy simulator's core (pure): what the CM API would answer to an init, given policies, the account's
 * running sessions and a candidate. It calls the decision the CM API makes (`decideInit` in @cm/policy-engine), so
 * the bodies are the ones a player would receive.
 */
import { randomBytes } from 'node:crypto';
import {
  type AdviceBody,
  CLAIM_PREFIX,
  type DeviceLimitAdvice,
  type InitResponseBody,
  isDeviceRegistrationRule,
  type Metadata,
  type RegisteredDevice,
} from '@cm/contracts';
import {
  adviceBody,
  claimsRead,
  decideDeviceRegistration,
  decideInit,
  type DeviceRegistrationOutcome,
  deviceLimitAdvice,
  type DecisionSession,
  type EnginePolicy,
  missingMetadata,
  missingMetadataBody,
  requiredClaims,
  startingDevice,
} from '@cm/policy-engine';
import { v7 as uuidv7 } from 'uuid';

export interface SimulatedSession {
  sessionId: string;
  applicationId: string;
  applicationName: string;
  terminationCode: string;
  startedAt: Date;
  metadata: Metadata;
}

export interface SimulationInput {
  /** Policies as the engine sees them; in a simulation every policy applies to every application of the scenario. */
  policies: Array<Pick<EnginePolicy, 'id' | 'name' | 'rules'>>;
  running: SimulatedSession[];
  candidate: { applicationId: string; applicationName: string; metadata: Metadata; heartbeatIntervalSeconds: number };
  /** Termination codes sent in `X-Terminate`. */
  terminate: string[];
  /**
   * The account's registered devices, first registered first: the register of every policy with a
   * device-registration rule (in the CM API each such policy keeps its own). Absent: none registered.
   */
  devices?: RegisteredDevice[];
  /** The application's platform (a register's default when the metadata names none). */
  platform?: string;
  now: Date;
}

/** What a policy's device-registration rule made of the candidate's device. */
export interface SimulatedRegistration {
  policyName: string;
  ruleName: string;
  deviceId: string;
  /** `known`: registered already; `registered`: would join the register; `full`: denied (device-limit). */
  outcome: DeviceRegistrationOutcome;
  /** The register's devices and limit. */
  registered: number;
  limit: number;
}

export interface SimulatedEnd {
  sessionId: string;
  terminationCode: string;
  /** `dismissed` by an evict-oldest rule (next heartbeat 409) or `killed` through X-Terminate (next heartbeat 410). */
  reason: 'dismissed' | 'killed';
  status: 409 | 410;
  /** The body of that session's next heartbeat. */
  body: AdviceBody;
}

export type SimulationResult =
  | { decision: 'admit'; status: 202; body: InitResponseBody; dismissed: SimulatedEnd[]; devices?: SimulatedRegistration[] }
  | { decision: 'deny'; status: 409; body: AdviceBody; dismissed: []; devices?: SimulatedRegistration[] }
  | { decision: 'missing-metadata'; status: 400; body: AdviceBody; missing: string[]; dismissed: [] }
  | { decision: 'missing-claims'; status: 401; body: EntitlementProblem; missing: string[]; dismissed: [] };

/** The problem+json a player gets when its entitlement lacks claims the policies need (as the CM API answers it). */
export interface EntitlementProblem {
  type: 'about:blank';
  title: 'Unauthorized';
  status: 401;
  detail: string;
  code: 'ENTITLEMENT_REJECTED';
  reason: 'claims';
}

/** Keeps only the claims the policies read, like the CM API does when it stores a session. */
function withClaimsRead(metadata: Metadata, read: ReadonlySet<string>): Metadata {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !key.startsWith(CLAIM_PREFIX) || read.has(key)));
}

export function newTerminationCode(taken: ReadonlySet<string>): string {
  for (;;) {
    const code = randomBytes(4).toString('hex');
    if (!taken.has(code)) return code;
  }
}

export function simulate(input: SimulationInput): SimulationResult {
  const { now } = input;
  const applicationIds = [...new Set([input.candidate.applicationId, ...input.running.map((s) => s.applicationId)])].sort();
  const policies: EnginePolicy[] = input.policies.map((p) => ({ id: p.id, name: p.name, rules: p.rules, applicationIds }));
  const read = new Set(claimsRead(policies).map((name) => `${CLAIM_PREFIX}${name}`));
  const c = { ...input.candidate, metadata: withClaimsRead(input.candidate.metadata, read) };
  const running = input.running.map((s) => ({ ...s, metadata: withClaimsRead(s.metadata, read) }));

  const missing = missingMetadata(c.metadata, policies);
  if (missing.length > 0) return { decision: 'missing-metadata', status: 400, body: missingMetadataBody(), missing, dismissed: [] };
  const missingClaims = requiredClaims(policies).filter((name) => !Object.hasOwn(c.metadata, `${CLAIM_PREFIX}${name}`));
  if (missingClaims.length > 0) {
    const detail = `The entitlement token has no ${missingClaims.map((n) => `"${n}"`).join(', ')} claim, which the policies need`;
    return {
      decision: 'missing-claims',
      status: 401,
      body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail, code: 'ENTITLEMENT_REJECTED', reason: 'claims' },
      missing: missingClaims.map((name) => `${CLAIM_PREFIX}${name}`),
      dismissed: [],
    };
  }

  // Device registration comes first, as in the CM API's init: a full register denies before any stream is counted.
  const registrations: SimulatedRegistration[] = [];
  const deviceLimits: DeviceLimitAdvice[] = [];
  const registered = input.devices ?? [];
  for (const policy of policies) {
    const rule = policy.rules.find(isDeviceRegistrationRule);
    const device = rule && startingDevice(rule, c.metadata, input.platform ?? '');
    if (!rule || !device) continue;
    const outcome = decideDeviceRegistration(registered, device.deviceId, rule.limit);
    registrations.push({
      policyName: policy.name,
      ruleName: rule.name,
      deviceId: device.deviceId,
      outcome,
      registered: registered.length,
      limit: rule.limit,
    });
    if (outcome === 'full') deviceLimits.push(deviceLimitAdvice(policy, rule, registered));
  }
  const devices = registrations.length > 0 ? { devices: registrations } : {};
  if (deviceLimits.length > 0) return { decision: 'deny', status: 409, body: adviceBody(deviceLimits), dismissed: [], ...devices };

  const terminate = input.terminate.map((code) => code.trim().toLowerCase());
  const sessions: DecisionSession[] = running.map((s) => ({ ...s, id: s.sessionId }));
  const id = uuidv7();
  const terminationCode = newTerminationCode(new Set(running.map((s) => s.terminationCode)));
  const decision = decideInit({
    candidate: { id, terminationCode, applicationId: c.applicationId, applicationName: c.applicationName, metadata: c.metadata },
    now,
    running: sessions,
    policies,
    terminate,
  });
  if (decision.outcome === 'deny') return { decision: 'deny', status: 409, body: decision.body, dismissed: [], ...devices };
  const dismissed: SimulatedEnd[] = decision.ends.map((end) => ({
    sessionId: end.session.id,
    terminationCode: end.session.terminationCode,
    reason: end.reason,
    status: end.reason === 'dismissed' ? 409 : 410,
    body: end.body,
  }));
  const expires = now.getTime() + c.heartbeatIntervalSeconds * 1000;
  return { decision: 'admit', status: 202, body: { sessionId: id, terminationCode, expires }, dismissed, ...devices };
}

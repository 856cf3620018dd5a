/**
 * The CM v2 advice bodies (DESIGN §2) built from engine results. Pure functions shared by the CM API
 * (libs/sessions) and the policy simulator (libs/policies), so both answer with the same JSON.
 */
import {
  type AdviceBody,
  type ConflictingStream,
  type Metadata,
  type RemoteTerminationAdvice,
  type RuleViolationAdvice,
  UNKNOWN,
} from '@cm/contracts';
import { defaultMessage } from './messages';
import type { EngineSession, RuleViolation } from './types';

/** A session as the advice bodies describe it. */
export interface DescribedSession {
  id: string;
  terminationCode: string;
  metadata: Metadata;
  startedAt: Date;
  applicationName: string;
}

export const describeStream = (s: DescribedSession): ConflictingStream => ({
  terminationCode: s.terminationCode,
  metadata: s.metadata,
  channel: s.metadata.channel || UNKNOWN,
  startedAt: s.startedAt.toISOString(),
  deviceName: s.metadata.deviceName || UNKNOWN,
  applicationName: s.applicationName || UNKNOWN,
});

export function ruleViolationAdvice(v: RuleViolation, lookup: (sessionId: string) => DescribedSession | undefined): RuleViolationAdvice {
  const conflicts: Record<string, ConflictingStream[]> = {};
  for (const [key, sessions] of Object.entries(v.conflicts)) {
    conflicts[key] = sessions.flatMap((s) => {
      const described = lookup(s.sessionId);
      return described ? [describeStream(described)] : [];
    });
  }
  return {
    type: 'rule-violation',
    message: v.rule.message ?? defaultMessage(v.rule),
    policyName: v.policy.name,
    ruleName: v.rule.name,
    attribute: v.rule.countBy ?? 'streamId',
    threshold: v.limit,
    scope: v.rule.scope ?? [],
    conflicts,
  };
}

export const adviceBody = (advice: AdviceBody['associatedAdvice']): AdviceBody => ({ associatedAdvice: advice, obligations: [] });

export const missingMetadataBody = (): AdviceBody => ({
  associatedAdvice: [],
  obligations: [{ namespace: 'adobe.primetime.cm', action: 'refresh', arguments: ['metadata'] }],
});

export function remoteTerminationBody(terminator: { metadata: Metadata; startedAt: Date; applicationName: string }): AdviceBody {
  const advice: RemoteTerminationAdvice = {
    type: 'remote-termination',
    message: 'This session was terminated by a remote user',
    terminator: {
      channel: terminator.metadata.channel || UNKNOWN,
      startedAt: terminator.startedAt.toISOString(),
      deviceName: terminator.metadata.deviceName || UNKNOWN,
      applicationName: terminator.applicationName || UNKNOWN,
    },
  };
  return adviceBody([advice]);
}

/** A victim's advice lists the new session among the conflicts: it is the stream that took the place. */
export function withCandidate(v: RuleViolation, candidate: EngineSession): RuleViolation {
  const key = v.rule.countBy ? (candidate.metadata[v.rule.countBy] ?? 'Unknown') : candidate.sessionId;
  const list = v.conflicts[key] ?? [];
  if (list.some((s) => s.sessionId === candidate.sessionId)) return v;
  return { ...v, conflicts: { ...v.conflicts, [key]: [...list, candidate] } };
}

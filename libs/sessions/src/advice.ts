import {
  type AdviceBody,
  type ConflictingStream,
  type Metadata,
  type RemoteTerminationAdvice,
  type RuleViolationAdvice,
  UNKNOWN,
} from '@cm/contracts';
import { defaultMessage, type RuleViolation } from '@cm/policy-engine';

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
    threshold: v.rule.limit,
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
    message: 'This session was terminated by a remote session',
    terminator: {
      channel: terminator.metadata.channel || UNKNOWN,
      startedAt: terminator.startedAt.toISOString(),
      deviceName: terminator.metadata.deviceName || UNKNOWN,
      applicationName: terminator.applicationName || UNKNOWN,
    },
  };
  return adviceBody([advice]);
}

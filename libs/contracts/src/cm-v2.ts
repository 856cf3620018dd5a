/** Wire shapes of the CM v2 player API (DESIGN §2). Field names are exact: players depend on them. */

export type Metadata = Record<string, string>;

export interface InitResponseBody {
  sessionId: string;
  terminationCode: string;
  /** Expiry as epoch milliseconds, the same instant as the `Expires` header. */
  expires: number;
  /** The playback token, when the application has playback tokens enabled (also in `X-CM-Playback-Token`). */
  playbackToken?: string;
}

export interface ConflictingStream {
  terminationCode: string;
  metadata: Metadata;
  channel: string;
  startedAt: string;
  deviceName: string;
  applicationName: string;
}

export interface RuleViolationAdvice {
  type: 'rule-violation';
  message: string;
  policyName: string;
  ruleName: string;
  /** The rule's `countBy`, or `streamId` when it counts streams. */
  attribute: string;
  threshold: number;
  /** The rule's scope attributes. */
  scope: string[];
  /** Keyed by session id (stream-count rules) or by the `countBy` value. */
  conflicts: Record<string, ConflictingStream[]>;
}

export interface RemoteTerminationAdvice {
  type: 'remote-termination';
  message: string;
  terminator: {
    channel: string;
    startedAt: string;
    deviceName: string;
    applicationName: string;
  };
}

export type Advice = RuleViolationAdvice | RemoteTerminationAdvice;

export interface Obligation {
  namespace: 'adobe.primetime.cm';
  action: 'refresh';
  arguments: string[];
}

export interface AdviceBody {
  associatedAdvice: Advice[];
  obligations: Obligation[];
}

export interface RunningStream {
  sessionId: string;
  /** Epoch milliseconds. */
  startTime: number;
  applicationId: string;
  applicationName: string;
  terminationCode: string;
  metadata: Metadata;
}

export interface RunningStreamsBody {
  runningStreams: RunningStream[];
  otherStreams: number;
}

/** Why a session ended; kept with the session. */
export const END_REASONS = ['stopped', 'expired', 'dismissed', 'killed'] as const;
export type EndReason = (typeof END_REASONS)[number];

export const UNKNOWN = 'Unknown';

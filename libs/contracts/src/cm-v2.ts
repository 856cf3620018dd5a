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

/** A registered device as the player API lists it. */
export interface RegisteredDevice {
  deviceId: string;
  name: string;
  platform: string;
  firstSeen: string;
  lastSeen: string;
}

/** 409 at init: the account is at its device limit and this device is not registered. */
export interface DeviceLimitAdvice {
  type: 'device-limit';
  message: string;
  policyName: string;
  ruleName: string;
  /** The attribute that tells devices apart (the rule's `by`). */
  attribute: string;
  threshold: number;
  devices: RegisteredDevice[];
}

/** 409 at device removal: the viewer's swap quota is used up until `nextRemovalAt`. */
export interface SwapLimitAdvice {
  type: 'swap-limit';
  message: string;
  policyName: string;
  ruleName: string;
  max: number;
  windowDays: number;
  nextRemovalAt: string;
}

/** 410 at heartbeat of a stream whose device was removed from the account. */
export interface DeviceRemovedAdvice {
  type: 'device-removed';
  message: string;
  deviceId: string;
  removedBy: 'viewer' | 'operator';
}

export type Advice = RuleViolationAdvice | RemoteTerminationAdvice | DeviceLimitAdvice | SwapLimitAdvice | DeviceRemovedAdvice;

/** `GET /v2/devices/{idp}/{subject}`: the registered devices and what the rule allows. */
export interface DevicesBody {
  devices: RegisteredDevice[];
  /** The device limit (the smallest of the application's device-registration rules). */
  limit: number;
  /** The viewer's swap quota, when the rule has one: removals used in the window and when the next is allowed. */
  swap: { max: number; windowDays: number; used: number; nextRemovalAt: string | null } | null;
}

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

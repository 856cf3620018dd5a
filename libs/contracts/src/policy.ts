/** Policy rules as stored, sent over the management API and evaluated by the policy engine (DESIGN §3). */

export const CONDITION_OPS = ['eq', 'neq', 'in', 'nin', 'exists'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const ON_CONFLICT = ['reject', 'evict-oldest'] as const;
/** `reject` = first wins (the new stream is denied); `evict-oldest` = latest wins (the oldest conflicting streams are dismissed). */
export type OnConflict = (typeof ON_CONFLICT)[number];

/**
 * A condition on one metadata attribute.
 * - `eq` / `neq`: `value` is a string.
 * - `in` / `nin`: `value` is a non-empty array of strings.
 * - `exists`: `value` is a boolean (default `true`): the attribute is present (or absent when `false`).
 */
export interface RuleCondition {
  attribute: string;
  op: ConditionOp;
  value?: string | string[] | boolean;
}

export const RULE_TYPES = ['concurrency', 'device-registration'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** A concurrency rule: how many streams (or distinct values) may run at once. The default rule type. */
export interface PolicyRule {
  /** Absent in rules stored before device registration existed: they are concurrency rules. */
  type?: 'concurrency';
  name: string;
  /** Most allowed per scope group (integer >= 0); the fallback when `limitClaim` is set but absent. */
  limit: number;
  /**
   * The limit comes from this entitlement claim (its integer value, attribute `claims.<limitClaim>` of the stream
   * being decided) when present; `limit` applies otherwise.
   */
  limitClaim?: string;
  /** Caps a limit taken from `limitClaim` (integer >= 0). */
  maxLimit?: number;
  /** Absent: count streams. Present: count distinct values of this attribute. */
  countBy?: string;
  /** The limit holds separately for each combination of these attributes' values. */
  scope?: string[];
  /** The rule only concerns streams matching every condition. */
  where?: RuleCondition[];
  onConflict: OnConflict;
  /** Shown to the player in the advice; a default is derived from the rule when absent. */
  message?: string;
}

/** How many devices a viewer may remove in a window (the swap quota); operators' removals do not count. */
export interface SwapQuota {
  max: number;
  windowDays: number;
}

/**
 * A device-registration rule: an account may play on at most `limit` registered devices (told apart by the
 * attribute `by`, `deviceId` by default). A start from an unregistered device registers it while the account is
 * under the limit.
 */
export interface DeviceRegistrationRule {
  type: 'device-registration';
  name: string;
  limit: number;
  by: string;
  /** Absent: viewers may remove devices without a quota. */
  swap?: SwapQuota;
  message?: string;
}

/** Any rule a policy holds. */
export type AnyRule = PolicyRule | DeviceRegistrationRule;

export const isDeviceRegistrationRule = (rule: AnyRule): rule is DeviceRegistrationRule => rule.type === 'device-registration';
export const isConcurrencyRule = (rule: AnyRule): rule is PolicyRule => rule.type !== 'device-registration';

/**
 * Server-derived network attributes (`network.id`, `network.home`, `network.country`, `network.asn`): the service
 * sets them from the client's address at init; players cannot send them.
 */
export const NETWORK_PREFIX = 'network.';
export const NETWORK_ATTRIBUTES = ['network.id', 'network.home', 'network.country', 'network.asn'] as const;

/** Attribute names: 1-64 chars of [A-Za-z0-9_.-] (DESIGN §2). */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAX_METADATA_KEYS = 50;
export const MAX_METADATA_VALUE_LENGTH = 256;
/** Keys and values of one session's metadata together, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 8192;

/** Metadata keys a heartbeat may not change once set (DESIGN §2). */
export const IMMUTABLE_METADATA_KEYS: readonly string[] = [
  'package',
  'channel',
  'platform',
  'assetId',
  'idp',
  'mvpd',
  'hba_status',
  'hba',
  'mobileDevice',
];

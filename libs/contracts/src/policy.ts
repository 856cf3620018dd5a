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

export interface PolicyRule {
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

import { type FieldError, fieldMessage } from '../../api/client';
import type { PolicyRule, RuleCondition } from './api';

export type ConditionOp = RuleCondition['op'];
export type OnConflict = NonNullable<PolicyRule['onConflict']>;

/** A rule as the form edits it: every field present, strings for what the user types. */
export interface RuleDraft {
  /** `concurrency`: streams at once; `device-registration`: registered devices per account. */
  type: 'concurrency' | 'device-registration';
  name: string;
  limit: number | string;
  /** `claim`: the limit comes from an entitlement claim (`limit` is the fallback). */
  limitFrom: 'fixed' | 'claim';
  limitClaim: string;
  /** Optional cap of a limit taken from a claim ('' = none). */
  maxLimit: number | string;
  counting: 'streams' | 'distinct';
  countBy: string;
  scope: string[];
  where: ConditionDraft[];
  onConflict: OnConflict;
  message: string;
  /** Device registration: the attribute that tells devices apart. */
  by: string;
  /** Device registration: viewers' removals are limited to `swapMax` per `swapWindowDays`. */
  swapLimited: boolean;
  swapMax: number | string;
  swapWindowDays: number | string;
}

export interface ConditionDraft {
  attribute: string;
  op: ConditionOp;
  /** eq/neq: the value; in/nin: the values; exists: 'true' | 'false'. */
  value: string;
  values: string[];
}

export const emptyRule = (): RuleDraft => ({
  type: 'concurrency',
  name: '',
  limit: 1,
  limitFrom: 'fixed',
  limitClaim: '',
  maxLimit: '',
  counting: 'streams',
  countBy: '',
  scope: [],
  where: [],
  onConflict: 'reject',
  message: '',
  by: 'deviceId',
  swapLimited: true,
  swapMax: 10,
  swapWindowDays: 30,
});

export const emptyCondition = (): ConditionDraft => ({ attribute: '', op: 'eq', value: '', values: [] });

export function toDraft(rule: PolicyRule): RuleDraft {
  return {
    type: rule.type === 'device-registration' ? 'device-registration' : 'concurrency',
    by: rule.by ?? 'deviceId',
    swapLimited: rule.type !== 'device-registration' || rule.swap !== undefined,
    swapMax: rule.swap?.max ?? 10,
    swapWindowDays: rule.swap?.windowDays ?? 30,
    name: rule.name,
    limit: rule.limit,
    limitFrom: rule.limitClaim ? 'claim' : 'fixed',
    limitClaim: rule.limitClaim ?? '',
    maxLimit: rule.maxLimit ?? '',
    counting: rule.countBy ? 'distinct' : 'streams',
    countBy: rule.countBy ?? '',
    scope: rule.scope ?? [],
    where: (rule.where ?? []).map((c) => ({
      attribute: c.attribute,
      op: c.op,
      value: c.op === 'exists' ? String(c.value ?? true) : typeof c.value === 'string' ? c.value : '',
      values: Array.isArray(c.value) ? c.value : [],
    })),
    onConflict: rule.onConflict ?? 'reject',
    message: rule.message ?? '',
  };
}

function toCondition(c: ConditionDraft): RuleCondition {
  switch (c.op) {
    case 'eq':
    case 'neq':
      return { attribute: c.attribute.trim(), op: c.op, value: c.value };
    case 'in':
    case 'nin':
      return { attribute: c.attribute.trim(), op: c.op, value: c.values };
    case 'exists':
      return { attribute: c.attribute.trim(), op: 'exists', value: c.value !== 'false' };
  }
}

/**
 * The rule the server receives. Optional parts are left out when empty; the limit is sent as typed (a number when
 * it reads as one), so the server, not the form, decides what is valid and names the field when it is not.
 */
const asNumber = (value: number | string) => (typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value));

export function toRule(draft: RuleDraft): PolicyRule {
  if (draft.type === 'device-registration') {
    // A device-registration rule has no onConflict (the generated type requires it: it has a default for concurrency rules).
    const device = {
      type: 'device-registration',
      name: draft.name.trim(),
      limit: asNumber(draft.limit),
      by: draft.by.trim(),
    } as PolicyRule;
    if (draft.swapLimited) device.swap = { max: asNumber(draft.swapMax), windowDays: asNumber(draft.swapWindowDays) };
    if (draft.message.trim()) device.message = draft.message.trim();
    return device;
  }
  const rule: PolicyRule = { name: draft.name.trim(), limit: asNumber(draft.limit), onConflict: draft.onConflict };
  if (draft.limitFrom === 'claim') {
    rule.limitClaim = draft.limitClaim.trim();
    if (String(draft.maxLimit).trim() !== '') rule.maxLimit = asNumber(draft.maxLimit);
  }
  if (draft.counting === 'distinct') rule.countBy = draft.countBy.trim();
  if (draft.scope.length > 0) rule.scope = draft.scope;
  if (draft.where.length > 0) rule.where = draft.where.map(toCondition);
  if (draft.message.trim()) rule.message = draft.message.trim();
  return rule;
}

/** A condition in words: "channel is one of news, sports", "contentType is live", "package is set". */
export function describeCondition(c: RuleCondition): string {
  const values = Array.isArray(c.value) ? c.value.join(', ') : String(c.value);
  switch (c.op) {
    case 'eq':
      return `${c.attribute} is ${values}`;
    case 'neq':
      return `${c.attribute} is not ${values}`;
    case 'in':
      return `${c.attribute} is one of ${values}`;
    case 'nin':
      return `${c.attribute} is none of ${values}`;
    case 'exists':
      return c.value === false ? `${c.attribute} is not set` : `${c.attribute} is set`;
  }
}

/** Plain-words summary of a rule ("At most 2 distinct deviceId per channel when channel is one of news, sports; latest wins"). */
export function describeRule(rule: PolicyRule): string {
  if (!Number.isFinite(rule.limit)) return 'No limit set yet';
  if (rule.type === 'device-registration') {
    const swap = rule.swap
      ? `; viewers may remove ${rule.swap.max} every ${rule.swap.windowDays} days`
      : '; viewers may remove devices without a quota';
    return `At most ${rule.limit} registered ${rule.limit === 1 ? 'device' : 'devices'} per account (by ${rule.by ?? 'deviceId'})${swap}`;
  }
  const what = rule.countBy ? `distinct ${rule.countBy}` : rule.limit === 1 ? 'stream' : 'streams';
  const per = rule.scope?.length ? ` per ${rule.scope.join(' and ')}` : ' per account';
  const when = rule.where?.length ? ` when ${rule.where.map(describeCondition).join(' and ')}` : '';
  const wins = rule.onConflict === 'evict-oldest' ? 'latest wins' : 'first wins';
  const limit = rule.limitClaim
    ? `the ${rule.limitClaim} claim${rule.maxLimit === undefined ? '' : ` (≤ ${rule.maxLimit})`}, else ${rule.limit},`
    : String(rule.limit);
  return `At most ${limit} ${what}${per}${when}; ${wins}`;
}

/** Metadata players commonly send (DESIGN §2), offered when typing an attribute. */
/**
 * Server-derived from the player's address (behind a trusted proxy, X-Forwarded-For): its /24 or /56 network, whether
 * that is the account's home network ("true"/"false"), its country and autonomous system number.
 */
export const NETWORK_ATTRIBUTES = ['network.id', 'network.home', 'network.country', 'network.asn'];

const COMMON_METADATA = ['assetId', 'channel', 'contentType', 'deviceId', 'deviceName', 'mvpd', 'package', 'platform'];

/**
 * What the attribute fields offer: common metadata and the attributes already in the rules, then entitlement claims
 * (`claims.<name>`: the claims these rules use, and `claims.sub`), which come from the player's entitlement token.
 */
export function attributeSuggestions(rules: RuleDraft[]): Array<{ group: string; items: string[] }> {
  const used = rules.flatMap((r) => [
    ...(r.type === 'device-registration' ? [r.by.trim()] : []),
    ...(r.counting === 'distinct' ? [r.countBy.trim()] : []),
    ...r.scope,
    ...r.where.map((c) => c.attribute.trim()),
    ...(r.limitFrom === 'claim' && r.limitClaim.trim() ? [`claims.${r.limitClaim.trim()}`] : []),
  ]);
  const sorted = (names: Iterable<string>) => [...new Set(names)].filter(Boolean).sort();
  return [
    {
      group: 'Metadata (sent by players)',
      items: sorted([...COMMON_METADATA, ...used.filter((a) => !a.startsWith('claims.') && !a.startsWith('network.'))]),
    },
    { group: 'Network (from the client address)', items: [...NETWORK_ATTRIBUTES] },
    { group: 'Entitlement claims', items: sorted(['claims.sub', ...used.filter((a) => a.startsWith('claims.') && a.length > 7)]) },
  ];
}

/** The server's field errors by path (`rules[0].limit` → message); several on one path are joined. */
export function errorsByField(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field] = out[e.field] ? `${out[e.field]}; ${fieldMessage(e)}` : fieldMessage(e);
  return out;
}

/** Errors about one rule (any path under `rules[i]`), for the rule's header. */
export function ruleHasErrors(errors: Record<string, string>, index: number): boolean {
  const prefix = `rules[${index}]`;
  return Object.keys(errors).some((k) => k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`));
}

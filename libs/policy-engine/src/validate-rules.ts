import {
  type AnyRule,
  ATTRIBUTE_NAME_PATTERN,
  type DeviceRegistrationRule,
  RULE_TYPES,
  CLAIM_NAME_PATTERN,
  CLAIM_PREFIX,
  NETWORK_PREFIX,
  CONDITION_OPS,
  ON_CONFLICT,
  type ConditionOp,
  type OnConflict,
  type PolicyRule,
  type RuleCondition,
} from '@cm/contracts';

export const RULE_BOUNDS = {
  rules: 50,
  name: 100,
  limit: 10_000,
  scope: 10,
  where: 20,
  values: 100,
  valueLength: 256,
  message: 500,
  swapMax: 1000,
  swapWindowDays: 365,
} as const;

export interface RuleFieldError {
  /** Path into the submitted rules, e.g. `rules[1].where[0].op`. */
  field: string;
  message: string;
}

export type RulesValidation = { ok: true; rules: AnyRule[] } | { ok: false; errors: RuleFieldError[] };

const RULE_KEYS = ['type', 'name', 'limit', 'limitClaim', 'maxLimit', 'countBy', 'scope', 'where', 'onConflict', 'message'];
const DEVICE_RULE_KEYS = ['type', 'name', 'limit', 'by', 'swap', 'message'];
const SWAP_KEYS = ['max', 'windowDays'];
const CONDITION_KEYS = ['attribute', 'op', 'value'];
const ATTRIBUTE_HINT = 'must be an attribute name: 1-64 characters of letters, digits, "_", "." or "-"';

type Errors = RuleFieldError[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAttribute = (v: unknown): v is string => typeof v === 'string' && ATTRIBUTE_NAME_PATTERN.test(v);
const isShortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
/** Optional fields may be omitted or null. */
const isAbsent = (v: unknown): v is undefined | null => v === undefined || v === null;

/**
 * Strict validation of untrusted rules JSON (management API, seeding). On success the rules come back
 * normalized: only known fields, `onConflict` defaulting to `reject`, a blank `message` dropped (the default
 * message applies), null optional fields dropped.
 */
export function validateRules(input: unknown): RulesValidation {
  if (!Array.isArray(input) || input.length < 1 || input.length > RULE_BOUNDS.rules) {
    return { ok: false, errors: [{ field: 'rules', message: `must be an array of 1 to ${RULE_BOUNDS.rules} rules` }] };
  }
  const errors: Errors = [];
  const rules = input.map((raw, i) => validateRule(raw, `rules[${i}]`, errors));

  const firstIndexByName = new Map<string, number>();
  input.forEach((raw, i) => {
    if (!isObject(raw) || typeof raw.name !== 'string') return;
    const first = firstIndexByName.get(raw.name);
    if (first === undefined) firstIndexByName.set(raw.name, i);
    else
      errors.push({ field: `rules[${i}].name`, message: `must be unique within the policy (rules[${first}] is also named "${raw.name}")` });
  });

  const deviceRules = input.flatMap((raw, i) => (isObject(raw) && raw.type === 'device-registration' ? [i] : []));
  for (const i of deviceRules.slice(1)) {
    errors.push({
      field: `rules[${i}].type`,
      message: `a policy holds at most one device-registration rule (rules[${deviceRules[0]}] is one)`,
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, rules: rules as AnyRule[] };
}

function unknownKeys(raw: Record<string, unknown>, known: string[], path: string, what: string, errors: Errors): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) errors.push({ field: `${path}.${key}`, message: `is not a known ${what} field (use ${known.join(', ')})` });
  }
}

function validateRule(raw: unknown, path: string, errors: Errors): AnyRule | undefined {
  if (!isObject(raw)) {
    errors.push({ field: path, message: 'must be an object' });
    return undefined;
  }
  if (!isAbsent(raw.type) && !RULE_TYPES.includes(raw.type as (typeof RULE_TYPES)[number])) {
    errors.push({ field: `${path}.type`, message: `must be one of ${RULE_TYPES.join(', ')} (omitted means concurrency)` });
    return undefined;
  }
  return raw.type === 'device-registration' ? validateDeviceRule(raw, path, errors) : validateConcurrencyRule(raw, path, errors);
}

function validateNameAndLimit(raw: Record<string, unknown>, path: string, errors: Errors): void {
  const { name, limit } = raw;
  if (typeof name !== 'string' || name.trim() === '' || name.length > RULE_BOUNDS.name) {
    errors.push({ field: `${path}.name`, message: `must be a non-empty string of at most ${RULE_BOUNDS.name} characters` });
  }
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > RULE_BOUNDS.limit) {
    errors.push({ field: `${path}.limit`, message: `must be an integer between 0 and ${RULE_BOUNDS.limit}` });
  }
}

const isBoundedInteger = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** `{type: "device-registration", name, limit, by?, swap?: {max, windowDays}, message?}`; `by` defaults to `deviceId`. */
function validateDeviceRule(raw: Record<string, unknown>, path: string, errors: Errors): DeviceRegistrationRule | undefined {
  const before = errors.length;
  unknownKeys(raw, DEVICE_RULE_KEYS, path, 'device-registration rule', errors);
  validateNameAndLimit(raw, path, errors);
  const { by, swap, message } = raw;
  if (!isAbsent(by) && !isAttribute(by)) errors.push({ field: `${path}.by`, message: ATTRIBUTE_HINT });
  else if (typeof by === 'string' && (by.startsWith(NETWORK_PREFIX) || by.startsWith(CLAIM_PREFIX))) {
    errors.push({ field: `${path}.by`, message: 'must be an attribute the player sends (not network.* or claims.*)' });
  }
  if (!isAbsent(swap)) {
    if (!isObject(swap)) errors.push({ field: `${path}.swap`, message: 'must be an object with max and windowDays' });
    else {
      unknownKeys(swap, SWAP_KEYS, `${path}.swap`, 'swap', errors);
      if (!isBoundedInteger(swap.max, 0, RULE_BOUNDS.swapMax)) {
        errors.push({ field: `${path}.swap.max`, message: `must be an integer between 0 and ${RULE_BOUNDS.swapMax}` });
      }
      if (!isBoundedInteger(swap.windowDays, 1, RULE_BOUNDS.swapWindowDays)) {
        errors.push({ field: `${path}.swap.windowDays`, message: `must be an integer between 1 and ${RULE_BOUNDS.swapWindowDays}` });
      }
    }
  }
  if (!isAbsent(message) && !isShortString(message, RULE_BOUNDS.message)) {
    errors.push({ field: `${path}.message`, message: `must be a string of at most ${RULE_BOUNDS.message} characters` });
  }
  if (errors.length > before) return undefined;
  const rule: DeviceRegistrationRule = {
    type: 'device-registration',
    name: raw.name as string,
    limit: raw.limit as number,
    by: (by as string | undefined) ?? 'deviceId',
  };
  if (isObject(swap)) rule.swap = { max: swap.max as number, windowDays: swap.windowDays as number };
  if (typeof message === 'string' && message.trim() !== '') rule.message = message;
  return rule;
}

function validateConcurrencyRule(raw: Record<string, unknown>, path: string, errors: Errors): PolicyRule | undefined {
  const before = errors.length;
  unknownKeys(raw, RULE_KEYS, path, 'rule', errors);
  const { name, limit, limitClaim, maxLimit, countBy, onConflict, message } = raw;
  validateNameAndLimit(raw, path, errors);
  const limitIsValid = typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 && limit <= RULE_BOUNDS.limit;
  if (!isAbsent(limitClaim) && !(typeof limitClaim === 'string' && CLAIM_NAME_PATTERN.test(limitClaim))) {
    errors.push({
      field: `${path}.limitClaim`,
      message: 'must be a claim name of the entitlement: 1-57 characters of letters, digits, "_", "." or "-" (without "claims.")',
    });
  }
  if (!isAbsent(maxLimit)) {
    if (isAbsent(limitClaim)) {
      errors.push({ field: `${path}.maxLimit`, message: 'caps a limit taken from a claim: set limitClaim too, or drop maxLimit' });
    } else if (typeof maxLimit !== 'number' || !Number.isInteger(maxLimit) || maxLimit < 0 || maxLimit > RULE_BOUNDS.limit) {
      errors.push({ field: `${path}.maxLimit`, message: `must be an integer between 0 and ${RULE_BOUNDS.limit}` });
    } else if (limitIsValid && maxLimit < limit) {
      errors.push({ field: `${path}.maxLimit`, message: `must be at least limit (${limit}), the limit used when the claim is absent` });
    }
  }
  if (!isAbsent(countBy) && !isAttribute(countBy)) errors.push({ field: `${path}.countBy`, message: ATTRIBUTE_HINT });
  const scope = validateScope(raw.scope, `${path}.scope`, errors);
  const where = validateWhere(raw.where, `${path}.where`, errors);
  if (!isAbsent(onConflict) && !ON_CONFLICT.includes(onConflict as OnConflict)) {
    errors.push({ field: `${path}.onConflict`, message: `must be one of ${ON_CONFLICT.join(', ')}` });
  }
  if (!isAbsent(message) && !isShortString(message, RULE_BOUNDS.message)) {
    errors.push({ field: `${path}.message`, message: `must be a string of at most ${RULE_BOUNDS.message} characters` });
  }
  if (errors.length > before) return undefined;

  const rule: PolicyRule = { name: name as string, limit: limit as number, onConflict: (onConflict ?? 'reject') as OnConflict };
  if (!isAbsent(limitClaim)) rule.limitClaim = limitClaim as string;
  if (!isAbsent(maxLimit)) rule.maxLimit = maxLimit as number;
  if (!isAbsent(countBy)) rule.countBy = countBy as string;
  if (scope) rule.scope = scope;
  if (where) rule.where = where;
  if (typeof message === 'string' && message.trim() !== '') rule.message = message;
  return rule;
}

function validateScope(raw: unknown, path: string, errors: Errors): string[] | undefined {
  if (isAbsent(raw)) return undefined;
  if (!Array.isArray(raw) || raw.length > RULE_BOUNDS.scope) {
    errors.push({ field: path, message: `must be an array of at most ${RULE_BOUNDS.scope} attribute names` });
    return undefined;
  }
  raw.forEach((attribute: unknown, j) => {
    if (!isAttribute(attribute)) errors.push({ field: `${path}[${j}]`, message: ATTRIBUTE_HINT });
    else if (raw.indexOf(attribute) !== j) errors.push({ field: `${path}[${j}]`, message: `must not repeat "${attribute}"` });
  });
  return raw.slice() as string[];
}

function validateWhere(raw: unknown, path: string, errors: Errors): RuleCondition[] | undefined {
  if (isAbsent(raw)) return undefined;
  if (!Array.isArray(raw) || raw.length > RULE_BOUNDS.where) {
    errors.push({ field: path, message: `must be an array of at most ${RULE_BOUNDS.where} conditions` });
    return undefined;
  }
  return raw.map((condition: unknown, j) => validateCondition(condition, `${path}[${j}]`, errors)) as RuleCondition[];
}

function validateCondition(raw: unknown, path: string, errors: Errors): RuleCondition | undefined {
  if (!isObject(raw)) {
    errors.push({ field: path, message: 'must be an object with attribute, op and value' });
    return undefined;
  }
  unknownKeys(raw, CONDITION_KEYS, path, 'condition', errors);
  const { attribute, op, value } = raw;
  if (!isAttribute(attribute)) errors.push({ field: `${path}.attribute`, message: ATTRIBUTE_HINT });
  if (!CONDITION_OPS.includes(op as ConditionOp)) {
    errors.push({ field: `${path}.op`, message: `must be one of ${CONDITION_OPS.join(', ')}` });
    return undefined;
  }
  const valueError = conditionValueError(op as ConditionOp, value);
  if (valueError) errors.push({ field: `${path}.value`, message: valueError });

  const condition: RuleCondition = { attribute: attribute as string, op: op as ConditionOp };
  if (!isAbsent(value)) condition.value = Array.isArray(value) ? (value.slice() as string[]) : (value as string | boolean);
  return condition;
}

function conditionValueError(op: ConditionOp, value: unknown): string | undefined {
  const max = RULE_BOUNDS.valueLength;
  switch (op) {
    case 'eq':
    case 'neq':
      return isShortString(value, max) ? undefined : `must be a string of at most ${max} characters for "${op}"`;
    case 'in':
    case 'nin': {
      const ok =
        Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= RULE_BOUNDS.values &&
        value.every((item: unknown) => isShortString(item, max));
      return ok
        ? undefined
        : `must be a non-empty array of at most ${RULE_BOUNDS.values} strings (each at most ${max} characters) for "${op}"`;
    }
    case 'exists':
      return isAbsent(value) || typeof value === 'boolean' ? undefined : 'must be true or false for "exists" (omitted means true)';
  }
}

/** One changed field of an object, by its path inside the object (`rules[0].limit`, `name`). */
export interface FieldChange {
  field: string;
  /** Absent when the field is new. */
  before?: unknown;
  /** Absent when the field goes away. */
  after?: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarArray = (v: unknown): v is unknown[] => Array.isArray(v) && v.every((item) => item === null || typeof item !== 'object');

const child = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * The field-level difference between two JSON values: objects are compared key by key, arrays of objects element by
 * element (so a changed limit is one line, `rules[0].limit`), and scalars and arrays of scalars as whole values.
 */
export function fieldDiff(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      const inBefore = before[key] !== undefined;
      const inAfter = after[key] !== undefined;
      if (inBefore && inAfter) return fieldDiff(before[key], after[key], child(path, key));
      if (inBefore) return [{ field: child(path, key), before: before[key] }];
      if (inAfter) return [{ field: child(path, key), after: after[key] }];
      return [];
    });
  }
  if (Array.isArray(before) && Array.isArray(after) && !(isScalarArray(before) && isScalarArray(after))) {
    const length = Math.max(before.length, after.length);
    const changes: FieldChange[] = [];
    for (let i = 0; i < length; i++) {
      if (i >= after.length) changes.push({ field: child(path, i), before: before[i] });
      else if (i >= before.length) changes.push({ field: child(path, i), after: after[i] });
      else changes.push(...fieldDiff(before[i], after[i], child(path, i)));
    }
    return changes;
  }
  return sameJson(before, after) ? [] : [{ field: path, before, after }];
}

/** Deep equality of JSON values (object key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const other = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === other.length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted at every level: a stable text for hashing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

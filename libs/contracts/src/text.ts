import type { FieldError } from './domain-error';

/**
 * Why a text cannot be stored, or undefined when it can. PostgreSQL refuses both in `text` and `jsonb` (a NUL byte;
 * a lone UTF-16 surrogate has no UTF-8 form), and a row it refuses in a batch would take the batch down with it, so
 * every text input is checked at the edge: the caller gets a 400 naming the field instead.
 */
export function textFault(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'is not well-formed Unicode (it contains a lone surrogate)';
  return undefined;
}

/** Nesting followed by textFaultIn before it gives up (deeper input is refused elsewhere: MAX_BODY_DEPTH). */
const MAX_DEPTH = 64;

/**
 * The first string (value or object key) in a parsed input that textFault refuses, with its path
 * (`sessions[0].metadata.channel`), or undefined when every string is storable.
 */
export function textFaultIn(value: unknown, path: string): FieldError | undefined {
  const stack: Array<[unknown, string, number]> = [[value, path, 0]];
  while (stack.length > 0) {
    const [current, at, depth] = stack.pop()!;
    if (typeof current === 'string') {
      const fault = textFault(current);
      if (fault) return { field: at, message: `${at} ${fault}` };
    } else if (current !== null && typeof current === 'object' && depth < MAX_DEPTH) {
      const isArray = Array.isArray(current);
      for (const [key, child] of Object.entries(current)) {
        const childPath = isArray ? `${at}[${key}]` : at ? `${at}.${key}` : key;
        if (!isArray) {
          const fault = textFault(key);
          if (fault) return { field: at || 'body', message: `A key of ${at || 'the body'} ${fault}` };
        }
        stack.push([child, childPath, depth + 1]);
      }
    }
  }
  return undefined;
}

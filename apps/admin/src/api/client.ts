import createClient from 'openapi-fetch';
import type { components, paths } from '@cm/api-types';

export type Schemas = components['schemas'];

/**
 * The typed management API client, generated from the server's OpenAPI document (libs/contracts/src/openapi.d.ts,
 * `npm run openapi`): a renamed field breaks `npm run build:admin`, not the user. Same origin: the session cookie
 * rides along and the browser adds the Origin header the server's CSRF check wants.
 */
export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
});

/** One field the server named in a problem+json answer (`rules[0].limit`, `slug`...). */
export interface FieldError {
  field: string;
  message: string;
}

/** A problem+json answer (RFC 9457) as the api sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

/** A failed API call: the status and what the server said, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}`);
    this.name = 'ApiError';
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

function toProblem(status: number, error: unknown): Problem {
  if (error && typeof error === 'object') return error;
  if (typeof error === 'string' && error) return { status, detail: error };
  return { status, title: status >= 500 ? 'The server failed to answer' : `Request failed (${status})` };
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError with the server's problem. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(0, { title: 'The server cannot be reached', detail: (error as Error).message });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, toProblem(result.response.status, result.error));
  return result.data as T;
}

/** `networkId` → `Network id`, `rules[0].limit` → `Limit`: a field's last name in words. */
function fieldWords(field: string): string {
  const last =
    field
      .split(/[.[\]]/)
      .filter((part) => part && !/^\d+$/.test(part))
      .pop() ?? field;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A field's error in plain words, for beside the field: the API's field name becomes words ("networkId must be…" →
 * "Network id must be…") and class-validator's length wording reads as a person would say it.
 */
export function fieldMessage({ field, message }: FieldError): string {
  const last =
    field
      .split(/[.[\]]/)
      .filter(Boolean)
      .pop() ?? field;
  let text = message.startsWith(`${last} `) ? `${fieldWords(field)}${message.slice(last.length)}` : message;
  text = text
    .replace(/ must be longer than or equal to 1 characters?/, ' must not be empty')
    .replace(/ must be longer than or equal to (\d+) characters/, ' needs at least $1 characters')
    .replace(/ must be shorter than or equal to (\d+) characters/, ' may have at most $1 characters');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A short sentence for any error (for alerts and notifications): the server's detail, or its field errors in plain
 * words, each said once. A form that shows field errors beside their fields shows this only when there are none
 * (`FormError`), so nothing is said twice.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = [...new Set(error.fieldErrors.map(fieldMessage))];
    if (fields.length > 0) return fields.join('; ');
    return error.problem.detail ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Puts the server's field errors beside their fields (in plain words); true when there was at least one. */
export function setFieldErrors(error: unknown, setFieldError: (field: string, message: string) => void): boolean {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return false;
  for (const e of error.fieldErrors) setFieldError(e.field, fieldMessage(e));
  return true;
}

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

/** A short sentence for any error (for alerts and notifications). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.map((e) => `${e.field}: ${e.message}`);
    return [error.problem.detail ?? error.message, ...fields.filter((f) => !error.problem.detail?.includes(f))].join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}

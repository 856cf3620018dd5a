/** One input the caller got wrong, and what to do about it. */
export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  /** The inputs at fault (the problem's `errors`). */
  errors?: FieldError[];
  /** Response headers the answer must carry (WWW-Authenticate, Retry-After…). */
  headers?: Record<string, string>;
  /** Extra members of the problem+json answer. */
  details?: Record<string, unknown>;
  /**
   * The exact JSON body to answer with instead of problem+json (the CM v2 advice bodies), or `null` for an empty
   * body (what the CM v2 API sends for 404, 410 and 429).
   */
  body?: unknown;
}

/**
 * The one base of every library's typed errors: a code, the HTTP status it means, the fields at fault. The HTTP
 * filter (apps/api all-exceptions.filter.ts) turns any of them into an answer from these members alone: libraries
 * never throw the framework's HTTP exceptions, and the filter knows no library's error class.
 */
export class DomainError extends Error {
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;
  readonly body: unknown;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
    this.body = options.body;
  }
}

/** A path or query parameter that is not what the route takes (400, naming it). */
export class InvalidParameterError extends DomainError {
  constructor(field: string, message: string) {
    super('INVALID_PARAMETER', 400, message, { errors: [{ field, message }] });
  }
}

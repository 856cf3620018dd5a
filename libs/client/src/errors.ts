/** What went wrong with a call, coarse enough to decide what to do about it. */
export type ConcurrencyErrorKind =
  /** No answer: the network failed or the request timed out. Retried by heartbeats. */
  | 'network'
  /** 401: unknown application id or wrong secret, or the application is disabled. */
  | 'unauthorized'
  /**
   * 401 at start: the application needs an entitlement token (`start({ entitlement })`) and it is missing or not
   * valid; `body.reason` says why (`missing`, `expired`, `signature`, `issuer`, `audience`, `subject`, `claims`...).
   */
  | 'entitlement'
  /** 400 at start: the policies need metadata the start did not send (see `client.metadata()`). */
  | 'missing-metadata'
  /** 400: a metadata key or value, the idp or the subject is malformed; `body.detail` says which. */
  | 'bad-request'
  /** 429: too many calls; `retryAfterMs` says when to try again. Retried by heartbeats. */
  | 'throttled'
  /** 5xx. Retried by heartbeats. */
  | 'server'
  /** Any other answer the CM v2 API does not document for this call. */
  | 'unexpected';

/** A failed call to the Concurrency Monitor. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';

  constructor(
    readonly kind: ConcurrencyErrorKind,
    message: string,
    /** The HTTP status; 0 when there was no answer. */
    readonly status = 0,
    /** The parsed answer body (problem+json, advice body), when there was one. */
    readonly body?: unknown,
    /** From `Retry-After` on a 429. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether trying the same call again later can succeed. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'throttled' || this.kind === 'server';
  }
}

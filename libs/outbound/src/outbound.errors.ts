/** A URL an operator configured that this server will not fetch (scheme, credentials, or a refused address). */
export class OutboundUrlError extends Error {
  override readonly name = 'OutboundUrlError';
}

/** Why an outbound fetch failed. The caller shows one answer for all of them (it must not tell them apart). */
export type OutboundFailure = 'refused-url' | 'refused-address' | 'timeout' | 'too-large' | 'network' | 'bad-response';

/** An outbound fetch that did not produce a response: the reason is for the operator's log, not for the caller's caller. */
export class OutboundFetchError extends Error {
  override readonly name = 'OutboundFetchError';

  constructor(
    readonly reason: OutboundFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

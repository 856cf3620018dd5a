/** The session store cannot be reached right now (connection refused, timed out, dropped). Not a bug: retry later. */
export class SessionStoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The session store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SessionStoreUnavailableError';
  }
}

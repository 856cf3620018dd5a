/** The session store cannot be reached right now (connection refused, timed out, dropped). Not a bug: retry later. */
export class SessionStoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The session store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SessionStoreUnavailableError';
  }
}

/** PostgreSQL or socket errors meaning "the database cannot be reached right now". */
export function isConnectionFailure(error: unknown): boolean {
  // Duck-typed: errors raised by Node's own modules may come from another realm (e.g. under Jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  if (
    typeof code === 'string' &&
    (/^(08|57P0|53)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code))
  ) {
    return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|canceling statement due to statement timeout|Client has encountered a connection error|Cannot use a pool after calling end|Connection is not established/i.test(
    message,
  );
}

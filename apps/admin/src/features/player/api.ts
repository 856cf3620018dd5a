import { ConcurrencyClient, ConcurrencyError } from '@cm/client';

export interface PlayerConfig {
  applicationId: string;
  /** Typed by the user for applications that require one; the console never has it. */
  secret: string;
  /** Divides every SDK wait (heartbeat schedule, backoff): 60 makes a 60 s heartbeat come every second. */
  timeScale: number;
}

/**
 * `fetch` without credentials. The console's page is on the API's origin, so a plain fetch sends the operator's
 * cookie and lets the browser answer a 401 with `WWW-Authenticate: Basic` by raising its own login pop-up (which
 * also holds the request until the SDK gives up): a player has neither, and a wrong secret must read as one at once.
 */
const fetchWithoutCredentials = (input: string, init: RequestInit) => fetch(input, { ...init, credentials: 'omit' });

/** The player SDK as a real player would use it, against this same server's CM v2 API. */
export function playerClient({ applicationId, secret, timeScale }: PlayerConfig): ConcurrencyClient {
  return new ConcurrencyClient({
    baseUrl: window.location.origin,
    applicationId,
    secret: secret || undefined,
    timeScale,
    fetch: fetchWithoutCredentials,
  });
}

/** A failed SDK call, said for the log. */
export function describePlayerError(error: unknown): string {
  if (error instanceof ConcurrencyError) {
    switch (error.kind) {
      case 'unauthorized':
        return `${error.message}: wrong application id or secret, or the application is disabled`;
      case 'missing-metadata':
        return `${error.message}: the policies need metadata this device does not send`;
      case 'network':
        return `no answer: ${error.message}`;
      default:
        return error.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

import type { Metadata } from '@cm/contracts';
import { newSessionId, newTerminationCode } from './ids';
import type { AccountKey } from './session-store.port';
import type { HeartbeatResult, InitResult } from './cm-results';

interface Issued {
  id: string;
  terminationCode: string;
  applicationId: string;
  account: AccountKey;
  metadata: Metadata;
  issuedAt: number;
}

const MAX_ENTRIES = 100_000;
const KEEP_MS = 60 * 60_000;

/**
 * Answers of CM_FAIL_MODE=open while the database is unreachable, and the sessions issued meanwhile (kept in
 * this process, bounded) so that their first heartbeat after recovery can decide them for real.
 */
export class DegradedSessions {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly expiresSeconds: number) {}

  admit(applicationId: string, account: AccountKey, metadata: Metadata): InitResult {
    this.prune();
    const id = newSessionId();
    const terminationCode = newTerminationCode(new Set());
    this.issued.set(id, { id, terminationCode, applicationId, account, metadata, issuedAt: Date.now() });
    const acceptedAt = new Date();
    const expiresAt = this.expiry(acceptedAt);
    return { body: { sessionId: id, terminationCode, expires: expiresAt.getTime() }, expiresAt, acceptedAt, degraded: true };
  }

  heartbeat(): HeartbeatResult {
    const acceptedAt = new Date();
    return { expiresAt: this.expiry(acceptedAt), acceptedAt, degraded: true };
  }

  /** The degraded session `id` of this application and account, removed from the list; undefined if unknown. */
  take(id: string, applicationId: string, account: AccountKey): Issued | undefined {
    const entry = this.issued.get(id);
    if (!entry || entry.applicationId !== applicationId || entry.account.idp !== account.idp || entry.account.subject !== account.subject) {
      return undefined;
    }
    this.issued.delete(id);
    return entry;
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.expiresSeconds * 1000);
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [id, entry] of this.issued) {
      if (entry.issuedAt >= cutoff && this.issued.size < MAX_ENTRIES) break;
      this.issued.delete(id);
    }
  }
}

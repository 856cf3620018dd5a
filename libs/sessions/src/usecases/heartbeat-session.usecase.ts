import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AdviceBody, Metadata } from '@cm/contracts';
import { decideHeartbeat } from '@cm/policy-engine';
import { type ApplicationContext, ApplicationDirectory } from '../application-directory';
import type { HeartbeatResult } from '../cm-results';
import { DegradedSessions } from '../degraded-sessions';
import { isSessionId } from '../ids';
import { mergeHeartbeatMetadata } from '../metadata';
import { type AccountKey, SESSION_STORE, type SessionStore, type StoredSession } from '../session-store.port';
import { SessionEvents, type SessionEndedEvent } from '../session.events';
import { CmError, CmErrorCode } from '../sessions.errors';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { SessionStoreUnavailableError } from '../store-unavailable.error';
import { AccountStreamsReader } from './account-streams';
import { endedError, gone, notIssued } from './cm-answers';
import { PlayerThrottle } from './player-throttle';
import { StartSession } from './start-session.usecase';

type SlowOutcome =
  | { kind: 'unknown' }
  | { kind: 'ended'; session: StoredSession | null }
  | { kind: 'expired' }
  | { kind: 'dismissed'; body: AdviceBody; metadata: Metadata }
  | { kind: 'refreshed'; expiresAt: Date; acceptedAt: Date };

/** A heartbeat accepted: the new expiry and the store's clock when it was set (expiry − the window). */
type Refreshed = Pick<HeartbeatResult, 'expiresAt' | 'acceptedAt'>;
const refreshed = (expiresAt: Date, intervalSeconds: number): Refreshed => ({
  expiresAt,
  acceptedAt: new Date(expiresAt.getTime() - intervalSeconds * 1000),
});

/**
 * `POST /v2/sessions/{idp}/{subject}/{sessionId}`. The common heartbeat (no new metadata, policies unchanged since
 * the session was last checked) is one group-committed statement in the store. Anything else takes the slow path:
 * one locked read of the account (its unended sessions and this one) and one write (`decideHeartbeat`).
 */
@Injectable()
export class HeartbeatSession {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly directory: ApplicationDirectory,
    private readonly streams: AccountStreamsReader,
    private readonly throttle: PlayerThrottle,
    private readonly degraded: DegradedSessions,
    private readonly start: StartSession,
    private readonly events: EventEmitter2,
  ) {}

  async execute(ctx: ApplicationContext, account: AccountKey, id: string, update: Metadata): Promise<HeartbeatResult> {
    if (!isSessionId(id)) throw notIssued();
    this.throttle.session(id);
    try {
      return await this.check(ctx, account, id, update);
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError && this.options.failMode === 'open') {
        return this.degraded.heartbeat();
      }
      throw error;
    }
  }

  private async check(ctx: ApplicationContext, account: AccountKey, id: string, update: Metadata): Promise<Refreshed> {
    const { graceSeconds } = this.options;
    if (Object.keys(update).length === 0) {
      const fast = await this.store.heartbeat({
        account,
        applicationId: ctx.app.id,
        sessionId: id,
        intervalSeconds: ctx.app.heartbeatIntervalSeconds,
        graceSeconds,
        policyEpoch: ctx.epoch,
      });
      if (fast.ok) return refreshed(fast.expiresAt, ctx.app.heartbeatIntervalSeconds);
    }

    const current = (await this.directory.get(ctx.app.id)) ?? ctx;
    const outcome = await this.store.withAccount<SlowOutcome>(
      account,
      async (tx) => {
        const stored = await tx.find(id);
        if (!stored || stored.applicationId !== ctx.app.id) return { kind: 'unknown' };
        if (stored.endedAt) return { kind: 'ended', session: stored };
        const unended = await tx.unended(graceSeconds);
        const me = unended.find((s) => s.id === stored.id);
        if (!me) return { kind: 'ended', session: null };
        if (!me.running) {
          await tx.end([{ id: me.id, reason: 'expired', detail: null }]);
          return { kind: 'expired' };
        }
        const { merged, added } = mergeHeartbeatMetadata(me.metadata, update);
        const streams = await this.streams.read(unended.filter((s) => s.running));
        const session = { ...streams.sessions.find((s) => s.id === me.id)!, metadata: merged };
        const decision = decideHeartbeat({ session, running: streams.sessions, policies: current.policies });
        if (decision.outcome === 'dismiss') {
          await tx.end([{ id: me.id, reason: 'dismissed', detail: decision.body }]);
          return { kind: 'dismissed', body: decision.body, metadata: merged };
        }
        const expiresAt = await tx.refresh(me.id, current.app.heartbeatIntervalSeconds, current.epoch, added ? merged : undefined);
        return { kind: 'refreshed', ...refreshed(expiresAt, current.app.heartbeatIntervalSeconds) };
      },
      { session: id },
    );

    switch (outcome.kind) {
      case 'refreshed':
        return { expiresAt: outcome.expiresAt, acceptedAt: outcome.acceptedAt };
      case 'unknown': {
        // Issued by this process while the database was unreachable (CM_FAIL_MODE=open): decide it now.
        const issued = this.degraded.take(id, ctx.app.id, account);
        if (issued) {
          const { expiresAt, acceptedAt } = await this.start.admit(ctx, account, { ...issued.metadata, ...update }, [], issued);
          return { expiresAt, acceptedAt };
        }
        throw notIssued();
      }
      case 'ended': {
        // Ended between the store's reads (another process): as stored now.
        const session = outcome.session ?? (await this.store.find(account, id));
        throw session ? endedError(session) : notIssued();
      }
      case 'expired':
        this.emitEnded({ sessionId: id, applicationId: ctx.app.id, ...account, reason: 'expired', at: new Date() });
        throw gone();
      case 'dismissed':
        this.emitEnded({
          sessionId: id,
          applicationId: ctx.app.id,
          ...account,
          reason: 'dismissed',
          detail: outcome.body,
          metadata: outcome.metadata,
          at: new Date(),
        });
        throw new CmError(CmErrorCode.DISMISSED, 'The stream no longer complies with the policies', outcome.body);
    }
  }

  private emitEnded(event: SessionEndedEvent): void {
    this.events.emit(SessionEvents.ended, event);
  }
}

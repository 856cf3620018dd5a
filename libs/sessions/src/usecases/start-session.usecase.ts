import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Metadata } from '@cm/contracts';
import { decideInit, missingMetadata, missingMetadataBody } from '@cm/policy-engine';
import { type ApplicationContext, ApplicationDirectory } from '../application-directory';
import type { InitResult } from '../cm-results';
import { DegradedSessions } from '../degraded-sessions';
import { newSessionId, newTerminationCode } from '../ids';
import { type AccountKey, SESSION_STORE, type SessionEnd, type SessionStore } from '../session-store.port';
import { SessionEvents, type SessionDeniedEvent, type SessionEndedEvent, type SessionStartedEvent } from '../session.events';
import { CmError, CmErrorCode } from '../sessions.errors';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { SessionStoreUnavailableError } from '../store-unavailable.error';
import { AccountStreamsReader } from './account-streams';
import { PlayerThrottle } from './player-throttle';

/** `POST /v2/sessions/{idp}/{subject}`: the init decision (`decideInit`) under the account's lock. */
@Injectable()
export class StartSession {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly directory: ApplicationDirectory,
    private readonly streams: AccountStreamsReader,
    private readonly throttle: PlayerThrottle,
    private readonly degraded: DegradedSessions,
    private readonly events: EventEmitter2,
  ) {}

  async execute(ctx: ApplicationContext, account: AccountKey, metadata: Metadata, terminate: string[]): Promise<InitResult> {
    this.throttle.init(account);
    if (missingMetadata(metadata, ctx.policies).length > 0) {
      throw new CmError(CmErrorCode.MISSING_METADATA, 'Metadata required by the policies is missing', missingMetadataBody());
    }
    try {
      return await this.admit(ctx, account, metadata, terminate);
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError && this.options.failMode === 'open') {
        return this.degraded.admit(ctx.app.id, account, metadata);
      }
      throw error;
    }
  }

  /** The init decision under the account lock; `preset` re-admits a session first issued while degraded. */
  async admit(
    ctx: ApplicationContext,
    account: AccountKey,
    metadata: Metadata,
    terminate: string[],
    preset?: { id: string; terminationCode: string },
  ): Promise<InitResult> {
    const current = (await this.directory.get(ctx.app.id)) ?? ctx;
    const outcome = await this.store.withAccount(account, async (tx) => {
      const unended = await tx.unended(this.options.graceSeconds);
      const running = unended.filter((s) => s.running);
      const streams = await this.streams.read(running);
      const id = preset?.id ?? newSessionId();
      const taken = new Set(unended.map((s) => s.terminationCode));
      const terminationCode = preset && !taken.has(preset.terminationCode) ? preset.terminationCode : newTerminationCode(taken);
      const decision = decideInit({
        candidate: { id, terminationCode, applicationId: ctx.app.id, applicationName: current.app.name, metadata },
        now: tx.now,
        running: streams.sessions,
        policies: current.policies,
        terminate,
        // X-Terminate reaches only streams this application may see (its tenant's, or sharing a policy with it).
        visible: (s) => streams.visibleTo(current, s),
        maxSessions: this.options.maxSessionsPerAccount,
      });
      if (decision.outcome === 'deny') return decision;
      const stored = await tx.insert({
        id,
        account,
        applicationId: ctx.app.id,
        terminationCode,
        metadata: decision.metadata,
        intervalSeconds: current.app.heartbeatIntervalSeconds,
        policyEpoch: current.epoch,
      });
      const ends: SessionEnd[] = decision.ends.map((end) => ({ id: end.session.id, reason: end.reason, detail: end.body }));
      await tx.end(ends);
      return { ...decision, id, terminationCode, expiresAt: stored.expiresAt };
    });
    const at = new Date();
    if (outcome.outcome === 'deny') {
      this.emit(SessionEvents.denied, {
        applicationId: ctx.app.id,
        ...account,
        policyIds: outcome.policyIds,
        metadata: outcome.metadata,
        advice: outcome.body,
        at,
      } satisfies SessionDeniedEvent);
      throw new CmError(CmErrorCode.DENIED, 'The stream is not allowed by the policies', outcome.body);
    }
    const { id, terminationCode, expiresAt } = outcome;
    this.emit(SessionEvents.started, { sessionId: id, applicationId: ctx.app.id, ...account, at } satisfies SessionStartedEvent);
    for (const end of outcome.ends) {
      this.emit(SessionEvents.ended, {
        sessionId: end.session.id,
        applicationId: end.session.applicationId,
        ...account,
        reason: end.reason,
        detail: end.body,
        metadata: end.session.metadata,
        at,
      } satisfies SessionEndedEvent);
    }
    return { body: { sessionId: id, terminationCode, expires: expiresAt.getTime() }, expiresAt };
  }

  private emit(name: string, event: SessionStartedEvent | SessionDeniedEvent | SessionEndedEvent): void {
    this.events.emit(name, event);
  }
}

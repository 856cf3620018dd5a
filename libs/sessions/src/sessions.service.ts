import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AdviceBody, Metadata, RunningStreamsBody } from '@cm/contracts';
import {
  adviceBody,
  checkCompliance,
  type DescribedSession,
  type EngineSession,
  evaluate,
  missingMetadata,
  missingMetadataBody,
  remoteTerminationBody,
  ruleViolationAdvice,
  withCandidate,
} from '@cm/policy-engine';
import { type ApplicationContext, ApplicationDirectory } from './application-directory';
import { isSessionId, newSessionId, newTerminationCode } from './ids';
import { mergeHeartbeatMetadata } from './metadata';
import { type AccountKey, SESSION_STORE, type SessionEnd, type SessionStore, type StoredSession } from './session-store.port';
import { CmError, CmErrorCode } from './sessions.errors';
import { SessionEvents, type SessionDeniedEvent, type SessionEndedEvent, type SessionStartedEvent } from './session.events';
import { SESSIONS_OPTIONS, type SessionsOptions } from './sessions.options';
import type { HeartbeatResult, InitResult } from './cm-results';
import { DegradedSessions } from './degraded-sessions';
import { SessionStoreUnavailableError } from './store-unavailable.error';
import { Throttle } from './throttle';

const toEngine = (s: { id: string; applicationId: string; startedAt: Date; metadata: Metadata }): EngineSession => ({
  sessionId: s.id,
  applicationId: s.applicationId,
  startedAt: s.startedAt.getTime(),
  metadata: s.metadata,
});

const gone = (body?: AdviceBody) => new CmError(CmErrorCode.GONE, 'The session has ended or does not exist', body);

/** The CM v2 use cases: init, heartbeat, stop, running streams, required metadata (DESIGN §2–§3). */
@Injectable()
export class SessionsService {
  private readonly sessionThrottle: Throttle;
  private readonly accountThrottle: Throttle;
  private readonly degraded: DegradedSessions;

  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    private readonly directory: ApplicationDirectory,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly events: EventEmitter2,
  ) {
    this.sessionThrottle = new Throttle(options.throttleSessionPerMinute);
    this.accountThrottle = new Throttle(options.throttleAccountInitsPerMinute);
    this.degraded = new DegradedSessions(options.degradedExpiresSeconds);
  }

  metadata(ctx: ApplicationContext): { names: string[]; lastModified: Date } {
    return { names: ctx.requiredMetadata, lastModified: ctx.app.updatedAt };
  }

  async init(ctx: ApplicationContext, account: AccountKey, metadata: Metadata, terminate: string[]): Promise<InitResult> {
    this.throttle(this.accountThrottle, `${account.idp}\u0000${account.subject}`, ctx);
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
  private async admit(
    ctx: ApplicationContext,
    account: AccountKey,
    metadata: Metadata,
    terminate: string[],
    preset?: { id: string; terminationCode: string },
  ): Promise<InitResult> {
    const outcome = await this.store.withAccount(account, async (tx) => {
      const epoch = await tx.epoch();
      this.directory.observeEpoch(epoch);
      const current = (await this.directory.get(ctx.app.id)) ?? ctx;
      const unended = await tx.unended(this.options.graceSeconds);
      const running = unended.filter((s) => s.running);
      const killed = running.filter((s) => terminate.includes(s.terminationCode));
      const others = running.filter((s) => !killed.includes(s));
      const id = preset?.id ?? newSessionId();
      const startedAt = new Date();
      const finalMetadata = killed.length > 0 ? { ...metadata, superseded: killed.map((s) => s.terminationCode).join(',') } : metadata;
      const candidate: EngineSession = {
        sessionId: id,
        applicationId: ctx.app.id,
        startedAt: startedAt.getTime(),
        metadata: finalMetadata,
      };
      const decision = evaluate(candidate, others.map(toEngine), current.policies);
      const describe = await this.describer(running);
      if (decision.outcome === 'deny') {
        return {
          denied: adviceBody(decision.violations.map((v) => ruleViolationAdvice(v, describe))),
          policyIds: [...new Set(decision.violations.map((v) => v.policy.id))],
        };
      }
      const taken = new Set(unended.map((s) => s.terminationCode));
      const terminationCode = preset && !taken.has(preset.terminationCode) ? preset.terminationCode : newTerminationCode(taken);
      const stored = await tx.insert({
        id,
        account,
        applicationId: ctx.app.id,
        terminationCode,
        metadata: finalMetadata,
        intervalSeconds: current.app.heartbeatIntervalSeconds,
        policyEpoch: epoch,
      });
      const self: DescribedSession = {
        id,
        terminationCode,
        metadata: finalMetadata,
        startedAt: stored.startedAt,
        applicationName: current.app.name,
      };
      const describeWithSelf = (sid: string) => (sid === id ? self : describe(sid));
      const ends: SessionEnd[] = [
        ...decision.victims.map((v) => ({
          id: v.session.sessionId,
          reason: 'dismissed' as const,
          detail: adviceBody([ruleViolationAdvice(withCandidate(v.violation, candidate), describeWithSelf)]),
        })),
        ...killed.map((s) => ({ id: s.id, reason: 'killed' as const, detail: remoteTerminationBody(self) })),
      ];
      await tx.end(ends);
      return {
        admitted: { id, terminationCode, expiresAt: stored.expiresAt },
        ends,
        endedApps: new Map(running.map((s) => [s.id, s.applicationId])),
      };
    });
    const at = new Date();
    if ('denied' in outcome) {
      this.emitDenied({ applicationId: ctx.app.id, ...account, policyIds: outcome.policyIds ?? [], at });
      throw new CmError(CmErrorCode.DENIED, 'The stream is not allowed by the policies', outcome.denied);
    }
    const { id, terminationCode, expiresAt } = outcome.admitted;
    this.emitStarted({ sessionId: id, applicationId: ctx.app.id, ...account, at });
    for (const end of outcome.ends) {
      this.emitEnded({ sessionId: end.id, applicationId: outcome.endedApps.get(end.id) ?? ctx.app.id, ...account, reason: end.reason, at });
    }
    return { body: { sessionId: id, terminationCode, expires: expiresAt.getTime() }, expiresAt };
  }

  async heartbeat(ctx: ApplicationContext, account: AccountKey, id: string, update: Metadata): Promise<HeartbeatResult> {
    if (!isSessionId(id)) throw gone();
    this.throttle(this.sessionThrottle, id, ctx);
    try {
      return { expiresAt: await this.checkHeartbeat(ctx, account, id, update) };
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError && this.options.failMode === 'open') {
        return this.degraded.heartbeat();
      }
      throw error;
    }
  }

  private async checkHeartbeat(ctx: ApplicationContext, account: AccountKey, id: string, update: Metadata): Promise<Date> {
    const { graceSeconds } = this.options;
    if (Object.keys(update).length === 0) {
      const fast = await this.store.heartbeat(account, ctx.app.id, id, ctx.app.heartbeatIntervalSeconds, graceSeconds);
      if (fast.ok) return fast.expiresAt;
    }
    const found = await this.store.find(account, id);
    if (!found) {
      // Issued by this process while the database was unreachable (CM_FAIL_MODE=open): decide it now.
      const issued = this.degraded.take(id, ctx.app.id, account);
      if (issued) return (await this.admit(ctx, account, { ...issued.metadata, ...update }, [], issued)).expiresAt;
    }
    if (!found || found.applicationId !== ctx.app.id) throw gone();
    if (found.endedAt) throw this.endedError(found);

    const outcome = await this.store.withAccount(account, async (tx) => {
      const epoch = await tx.epoch();
      this.directory.observeEpoch(epoch);
      const current = (await this.directory.get(ctx.app.id)) ?? ctx;
      const unended = await tx.unended(graceSeconds);
      const me = unended.find((s) => s.id === id);
      if (!me) return { ended: true as const };
      if (!me.running) {
        await tx.end([{ id, reason: 'expired', detail: null }]);
        return { ended: true as const, expired: true };
      }
      const { merged, added } = mergeHeartbeatMetadata(me.metadata, update);
      const running = unended.filter((s) => s.running).map((s) => (s.id === id ? { ...s, metadata: merged } : s));
      const result = checkCompliance(toEngine({ ...me, metadata: merged }), running.map(toEngine), current.policies);
      if (!result.compliant) {
        const describe = await this.describer(running);
        const body = adviceBody(result.violations.map((v) => ruleViolationAdvice(v, describe)));
        await tx.end([{ id, reason: 'dismissed', detail: body }]);
        return { dismissed: body };
      }
      return { expiresAt: await tx.refresh(id, current.app.heartbeatIntervalSeconds, epoch, added ? merged : undefined) };
    });
    if ('dismissed' in outcome)
      throw new CmError(CmErrorCode.DISMISSED, 'The stream no longer complies with the policies', outcome.dismissed);
    if ('ended' in outcome) {
      const again = await this.store.find(account, id);
      throw again ? this.endedError(again) : gone();
    }
    return outcome.expiresAt;
  }

  async stop(ctx: ApplicationContext, account: AccountKey, id: string): Promise<void> {
    if (!isSessionId(id)) throw gone();
    this.throttle(this.sessionThrottle, id, ctx);
    if (await this.store.stop(account, ctx.app.id, id, this.options.graceSeconds)) {
      this.emitEnded({ sessionId: id, applicationId: ctx.app.id, ...account, reason: 'stopped', at: new Date() });
      return;
    }
    const found = await this.store.find(account, id);
    throw found?.endReason === 'killed' && found.applicationId === ctx.app.id ? gone(found.endDetail as AdviceBody) : gone();
  }

  async runningStreams(ctx: ApplicationContext, account: AccountKey): Promise<{ body: RunningStreamsBody; expiresAt: Date | null }> {
    const running = await this.store.running(account, this.options.graceSeconds);
    const visible = running.filter((s) => ctx.visibleApplicationIds.has(s.applicationId));
    const names = await this.applicationNames(visible);
    return {
      body: {
        runningStreams: visible.map((s) => ({
          sessionId: s.id,
          startTime: s.startedAt.getTime(),
          applicationId: s.applicationId,
          applicationName: names.get(s.applicationId) ?? 'Unknown',
          terminationCode: s.terminationCode,
          metadata: s.metadata,
        })),
        otherStreams: running.length - visible.length,
      },
      expiresAt: visible.length > 0 ? new Date(Math.min(...visible.map((s) => s.expiresAt.getTime()))) : null,
    };
  }

  private emitStarted(event: SessionStartedEvent): void {
    this.events.emit(SessionEvents.started, event);
  }

  private emitDenied(event: SessionDeniedEvent): void {
    this.events.emit(SessionEvents.denied, event);
  }

  private emitEnded(event: SessionEndedEvent): void {
    this.events.emit(SessionEvents.ended, event);
  }

  /** 409 with the stored advice for a dismissed session, 410 (with the termination body when killed) otherwise. */
  private endedError(s: StoredSession): CmError {
    switch (s.endReason) {
      case 'dismissed':
        return new CmError(CmErrorCode.DISMISSED, 'The stream was dismissed by the policies', s.endDetail as AdviceBody);
      case 'killed':
        return gone(s.endDetail as AdviceBody);
      case 'stopped':
      case 'expired':
      case null:
        return gone();
    }
  }

  private throttle(throttle: Throttle, key: string, ctx: ApplicationContext): void {
    const retryAfter = throttle.hit(key);
    if (retryAfter > 0) {
      const expires = new Date(Date.now() + ctx.app.heartbeatIntervalSeconds * 1000).toUTCString();
      throw new CmError(CmErrorCode.THROTTLED, `Too many calls; retry in ${retryAfter} s`, undefined, {
        'Retry-After': String(retryAfter),
        Expires: expires,
      });
    }
  }

  private async applicationNames(sessions: StoredSession[]): Promise<Map<string, string>> {
    const ids = [...new Set(sessions.map((s) => s.applicationId))];
    const contexts = await Promise.all(ids.map((id) => this.directory.get(id)));
    return new Map(ids.map((id, i) => [id, contexts[i]?.app.name ?? 'Unknown']));
  }

  private async describer(sessions: StoredSession[]): Promise<(id: string) => DescribedSession | undefined> {
    const names = await this.applicationNames(sessions);
    const byId = new Map(sessions.map((s) => [s.id, { ...s, applicationName: names.get(s.applicationId) ?? 'Unknown' }]));
    return (id) => byId.get(id);
  }
}

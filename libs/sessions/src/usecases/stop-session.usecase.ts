import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AdviceBody } from '@cm/contracts';
import type { ApplicationContext } from '../application-directory';
import { DegradedSessions } from '../degraded-sessions';
import { isSessionId } from '../ids';
import { type AccountKey, SESSION_STORE, type SessionStore } from '../session-store.port';
import { SessionEvents, type SessionEndedEvent } from '../session.events';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { gone, notIssued } from './cm-answers';
import { PlayerThrottle } from './player-throttle';

/** `DELETE /v2/sessions/{idp}/{subject}/{sessionId}`: one group-committed statement; a look-up only when it did not stop. */
@Injectable()
export class StopSession {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly throttle: PlayerThrottle,
    private readonly degraded: DegradedSessions,
    private readonly events: EventEmitter2,
  ) {}

  async execute(ctx: ApplicationContext, account: AccountKey, id: string): Promise<void> {
    if (!isSessionId(id)) throw notIssued();
    this.throttle.session(id);
    if (await this.store.stop(account, ctx.app.id, id, this.options.graceSeconds)) {
      const event: SessionEndedEvent = { sessionId: id, applicationId: ctx.app.id, ...account, reason: 'stopped', at: new Date() };
      this.events.emit(SessionEvents.ended, event);
      return;
    }
    const found = await this.store.find(account, id);
    if (!found || found.applicationId !== ctx.app.id) {
      // Issued by this process while the database was unreachable (CM_FAIL_MODE=open) and never stored: it is over.
      if (this.degraded.take(id, ctx.app.id, account)) throw gone();
      throw notIssued();
    }
    throw found.endReason === 'killed' ? gone(found.endDetail as AdviceBody) : gone();
  }
}

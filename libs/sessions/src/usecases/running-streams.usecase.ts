import { Inject, Injectable } from '@nestjs/common';
import type { RunningStreamsBody } from '@cm/contracts';
import { PoliciesService } from '@cm/policies';
import type { ApplicationContext } from '../application-directory';
import { type AccountKey, SESSION_STORE, type SessionStore } from '../session-store.port';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { AccountStreamsReader } from './account-streams';

/** `GET /v2/runningStreams/{idp}/{subject}`. */
@Injectable()
export class ListRunningStreams {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly streams: AccountStreamsReader,
    private readonly policies: PoliciesService,
  ) {}

  async execute(ctx: ApplicationContext, account: AccountKey): Promise<{ body: RunningStreamsBody; expiresAt: Date | null }> {
    const running = await this.store.running(account, this.options.graceSeconds);
    const streams = await this.streams.read(running);
    const visible = running.filter((s) => streams.visibleTo(ctx, s));
    // Not listed, but counted when a policy of this tenant (owned or shared with it) sees them; others' streams are
    // none of this application's business.
    const unlisted = running.filter((s) => !visible.includes(s));
    const seen = await this.policies.applicationsSeenByTenant(ctx.app.tenantId, [...new Set(unlisted.map((s) => s.applicationId))]);
    return {
      body: {
        runningStreams: visible.map((s) => ({
          sessionId: s.id,
          startTime: s.startedAt.getTime(),
          applicationId: s.applicationId,
          applicationName: streams.applicationName(s.applicationId),
          terminationCode: s.terminationCode,
          metadata: s.metadata,
        })),
        otherStreams: unlisted.filter((s) => seen.has(s.applicationId)).length,
      },
      expiresAt: visible.length > 0 ? new Date(Math.min(...visible.map((s) => s.expiresAt.getTime()))) : null,
    };
  }
}

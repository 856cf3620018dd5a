import { Injectable } from '@nestjs/common';
import type { DecisionSession } from '@cm/policy-engine';
import { type ApplicationContext, ApplicationDirectory } from '../application-directory';
import type { StoredSession } from '../session-store.port';

/** An account's streams with what decisions need of their applications (names, tenants). */
export interface AccountStreams {
  sessions: DecisionSession[];
  /** Streams an application may list and terminate: of its own tenant's applications, or sharing a policy with it. */
  visibleTo(ctx: ApplicationContext, s: { applicationId: string }): boolean;
  applicationName(applicationId: string): string;
}

/** Looks up the applications of an account's streams (cached, ApplicationDirectory). */
@Injectable()
export class AccountStreamsReader {
  constructor(private readonly directory: ApplicationDirectory) {}

  async read(stored: readonly StoredSession[]): Promise<AccountStreams> {
    const ids = [...new Set(stored.map((s) => s.applicationId))];
    const found = await Promise.all(ids.map((id) => this.directory.get(id)));
    const contexts = new Map(ids.map((id, i) => [id, found[i]]));
    const applicationName = (id: string) => contexts.get(id)?.app.name ?? 'Unknown';
    return {
      sessions: stored.map((s) => ({
        id: s.id,
        applicationId: s.applicationId,
        applicationName: applicationName(s.applicationId),
        terminationCode: s.terminationCode,
        metadata: s.metadata,
        startedAt: s.startedAt,
      })),
      visibleTo: (ctx, s) =>
        ctx.relatedApplicationIds.has(s.applicationId) || contexts.get(s.applicationId)?.app.tenantId === ctx.app.tenantId,
      applicationName,
    };
  }
}

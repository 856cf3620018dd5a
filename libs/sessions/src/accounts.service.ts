import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AdviceBody, EndReason } from '@cm/contracts';
import { type Actor, AuditService, canAccessTenant } from '@cm/identity';
import { remoteTerminationBody } from '@cm/policy-engine';
import { type Application, ApplicationsService } from '@cm/tenants';
import { isSessionId } from './ids';
import { AccountsError, AccountsErrorCode } from './accounts.errors';
import {
  SESSION_RECORDS,
  SESSION_STORE,
  type SessionRecord,
  type SessionRecords,
  type SessionStore,
  type StoredSession,
} from './session-store.port';
import { killedEvent, SessionEvents } from './session.events';
import { SESSIONS_OPTIONS, type SessionsOptions } from './sessions.options';

/** Who ends a session from the console: what the killed player's next heartbeat names as the terminator. */
export const OPERATOR_CONSOLE = 'Operator console';
const LOOKUP_LIMIT = 500;
const MAX_ACCOUNT_PART = 256;

export interface AccountSession {
  id: string;
  applicationId: string;
  applicationName: string;
  tenantId: string | null;
  terminationCode: string;
  metadata: Record<string, string>;
  startedAt: Date;
  expiresAt: Date;
  lastHeartbeatAt: Date | null;
  endedAt?: Date;
  endReason?: EndReason;
  /** Killed sessions: by an operator (console or API), or by another device of the account (X-Terminate). */
  killedBy?: 'operator' | 'another-device' | 'device-removed';
  /** Killed by another device: the stream that took the place. */
  terminator?: { deviceName: string; channel: string; applicationName: string; startedAt: string };
}

/** Who killed a session, read from the remote-termination body its player gets. */
function killer(detail: unknown): Pick<AccountSession, 'killedBy' | 'terminator'> {
  if ((detail as AdviceBody | null)?.associatedAdvice?.some((a) => a.type === 'device-removed')) return { killedBy: 'device-removed' };
  const advice = (detail as AdviceBody | null)?.associatedAdvice?.find((a) => a.type === 'remote-termination');
  if (!advice || advice.type !== 'remote-termination' || advice.terminator.applicationName === OPERATOR_CONSOLE)
    return { killedBy: 'operator' };
  return { killedBy: 'another-device', terminator: advice.terminator };
}

const notFound = (id: string) => new AccountsError(AccountsErrorCode.SESSION_NOT_FOUND, `Session ${id} not found`);

export function checkOperatorAccountPart(name: 'idp' | 'subject', value: string): string {
  if (value.length === 0 || value.length > MAX_ACCOUNT_PART || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new AccountsError(
      AccountsErrorCode.INVALID_ACCOUNT,
      `${name} must be 1-${MAX_ACCOUNT_PART} characters without control characters`,
      name,
    );
  }
  return value;
}

/**
 * The operator's view of an account's sessions and the operator kill (DESIGN §4 "accounts"). Limited to the
 * sessions of applications of the caller's tenants; another tenant's session answers 404.
 */
@Injectable()
export class AccountSessionsService implements OnModuleInit {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_RECORDS) private readonly records: SessionRecords,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
  ) {}

  /** A deleted application's running sessions end as killed by the operator console (their slots free up). */
  onModuleInit(): void {
    this.applications.onDelete({ after: (application) => this.endApplicationSessions(application) });
  }

  async lookup(
    actor: Actor,
    idp: string,
    subject: string,
  ): Promise<{ idp: string; subject: string; running: AccountSession[]; ended: AccountSession[] }> {
    const account = { idp: checkOperatorAccountPart('idp', idp), subject: checkOperatorAccountPart('subject', subject) };
    const records = await this.records.listByAccount(account, this.options.graceSeconds, LOOKUP_LIMIT);
    const apps = await this.applications.findMany([...new Set(records.map((r) => r.applicationId))]);
    const visible = records.filter((r) => {
      const app = apps.get(r.applicationId);
      return app ? canAccessTenant(actor, app.tenantId) : actor.role === 'admin';
    });
    const views = visible.map((r) => this.view(r, apps.get(r.applicationId)));
    return { ...account, running: views.filter((v) => v.endReason === undefined), ended: views.filter((v) => v.endReason !== undefined) };
  }

  /**
   * Ends a running session as `killed`: its next heartbeat or stop answers 410 with a remote-termination body
   * naming the operator console. Already ended → SESSION_NOT_RUNNING (409).
   */
  async kill(actor: Actor, id: string): Promise<void> {
    if (!isSessionId(id)) throw notFound(id);
    const found = await this.records.findById(id, this.options.graceSeconds);
    const app = found ? (await this.applications.findMany([found.applicationId])).get(found.applicationId) : undefined;
    if (!found || !(app ? canAccessTenant(actor, app.tenantId) : actor.role === 'admin')) throw notFound(id);
    const account = { idp: found.idp, subject: found.subject };
    const body = remoteTerminationBody({
      metadata: { deviceName: OPERATOR_CONSOLE },
      startedAt: new Date(),
      applicationName: OPERATOR_CONSOLE,
    });
    const killed = await this.store.withAccount(account, async (tx) => {
      const me = (await tx.unended(this.options.graceSeconds)).find((s) => s.id === id);
      if (!me?.running) return false;
      await tx.end([{ id, reason: 'killed', detail: body }]);
      return true;
    });
    if (!killed) throw new AccountsError(AccountsErrorCode.SESSION_NOT_RUNNING, `Session ${id} has already ended`);
    this.emitEnded(found, new Date(), body);
    await this.audit.record({
      actor,
      action: 'session.kill',
      targetType: 'session',
      targetId: id,
      tenantId: app?.tenantId ?? null,
      before: { idp: found.idp, subject: found.subject, ...this.view(found, app) },
      after: { endReason: 'killed' },
    });
  }

  private async endApplicationSessions(application: Application): Promise<void> {
    const body = remoteTerminationBody({
      metadata: { deviceName: OPERATOR_CONSOLE },
      startedAt: new Date(),
      applicationName: OPERATOR_CONSOLE,
    });
    const ended = await this.records.endByApplication(application.id, 'killed', body);
    const at = new Date();
    for (const s of ended) this.emitEnded(s, at, body);
  }

  private emitEnded(s: StoredSession, at: Date, detail: AdviceBody): void {
    this.events.emit(SessionEvents.ended, killedEvent(s, detail, at));
  }

  private view(r: SessionRecord, app: Application | undefined): AccountSession {
    const base: AccountSession = {
      id: r.id,
      applicationId: r.applicationId,
      applicationName: app?.name ?? 'Unknown',
      tenantId: app?.tenantId ?? null,
      terminationCode: r.terminationCode,
      metadata: r.metadata,
      startedAt: r.startedAt,
      expiresAt: r.expiresAt,
      lastHeartbeatAt: r.lastHeartbeatAt,
    };
    if (r.running) return base;
    // A silent session the sweeper has not reached yet stopped counting at expiry + grace.
    const endedAt = r.endedAt ?? new Date(r.expiresAt.getTime() + this.options.graceSeconds * 1000);
    const endReason = r.endReason ?? 'expired';
    return { ...base, endedAt, endReason, ...(endReason === 'killed' ? killer(r.endDetail) : {}) };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type Actor, AuditService, csvReply, csvText, visibleTenants, type WithHeaders } from '@cm/identity';
import { ApplicationsService, TenantsService } from '@cm/tenants';
import type {
  ReviewAccountDto,
  SharingAccountDetailDto,
  SharingAccountDto,
  SharingAccountsPageDto,
  SharingAccountsQueryDto,
} from './dto/sharing.dto';
import { SHARING_DEFAULT_LIMIT } from './dto/sharing.dto';
import { SHARING_WINDOW_DAYS, SharingRecorder, STARTS_PER_ACCOUNT } from './sharing-recorder';
import { type AccountRef, type ScoreRow, SharingRepository } from './sharing.repository';
import { SharingError, SharingErrorCode } from './sharing.errors';
import { SHARING_OPTIONS, type SharingOptions } from './sharing.options';

const MAX_ACCOUNT_PART = 256;

function checkAccountPart(name: 'idp' | 'subject', value: string): string {
  if (value.length === 0 || value.length > MAX_ACCOUNT_PART || /[\u0000-\u001f\u007f]/.test(value)) {
    throw SharingError.invalid(name, `${name} must be 1-${MAX_ACCOUNT_PART} characters without control characters`);
  }
  return value;
}

const CSV_COLUMNS = [
  'idp',
  'subject',
  'tenantId',
  'tenantName',
  'score',
  'networks24h',
  'networks30d',
  'countries24h',
  'countries30d',
  'devicesNew7d',
  'lastStartAt',
  'computedAt',
  'signals',
  'flags',
  'reviewedBy',
  'reviewedAt',
  'scoreAtReview',
] as const;

/** The accounts as CSV (`csvText`: RFC 4180, formula-like cells prefixed with `'`). */
export function toCsv(items: SharingAccountDto[]): string {
  return csvText(
    CSV_COLUMNS,
    items.map((a): Record<(typeof CSV_COLUMNS)[number], string | number | null> => ({
      idp: a.idp,
      subject: a.subject,
      tenantId: a.tenantId,
      tenantName: a.tenantName,
      score: a.score,
      networks24h: a.networks24h,
      networks30d: a.networks30d,
      countries24h: a.countries24h,
      countries30d: a.countries30d,
      devicesNew7d: a.devicesNew7d,
      lastStartAt: a.lastStartAt?.toISOString() ?? null,
      computedAt: a.computedAt.toISOString(),
      signals: a.evidence.map((e) => `${e.signal}:${e.points}`).join('; '),
      flags: a.flags.map((f) => f.flag).join('; '),
      reviewedBy: a.reviewed?.by ?? null,
      reviewedAt: a.reviewed?.at.toISOString() ?? null,
      scoreAtReview: a.reviewed?.scoreAtReview ?? null,
    })),
  );
}

/**
 * Reads of the sharing signals and reviews, scoped to the caller's tenants (operators: theirs; admins: all). Reads
 * write this process' queued events first, so what a player just did is in the answer.
 */
@Injectable()
export class SharingService {
  constructor(
    private readonly repository: SharingRepository,
    private readonly recorder: SharingRecorder,
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
    @Inject(SHARING_OPTIONS) private readonly options: SharingOptions,
  ) {}

  /** Every route answers 404 SHARING_DISABLED when the server does not compute sharing signals. */
  private checkEnabled(): void {
    if (!this.options.enabled) {
      throw new SharingError(
        SharingErrorCode.DISABLED,
        'Sharing signals are turned off on this server (CM_SHARING_SIGNALS=false): starts are not recorded or scored',
      );
    }
  }

  async list(actor: Actor, query: SharingAccountsQueryDto, csv: boolean): Promise<SharingAccountsPageDto | WithHeaders<string>> {
    this.checkEnabled();
    await this.recorder.flush();
    const limit = query.limit ?? SHARING_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const visible = visibleTenants(actor);
    const tenants = query.tenantId === undefined ? visible : visible === 'all' || visible.includes(query.tenantId) ? [query.tenantId] : [];
    const page =
      tenants !== 'all' && tenants.length === 0
        ? { rows: [], total: 0 }
        : await this.repository.listScores({
            tenants,
            minScore: query.minScore ?? 1,
            applicationId: query.applicationId,
            reviewed: query.reviewed === undefined ? undefined : query.reviewed === 'true',
            limit,
            offset,
            windowDays: SHARING_WINDOW_DAYS,
          });
    const names = await this.tenantNames(page.rows.map((r) => r.tenantId));
    const items = page.rows.map((r) => this.view(r, names));
    if (csv || query.format === 'csv') return csvReply(toCsv(items), 'sharing-accounts.csv');
    return { items, total: page.total, limit, offset };
  }

  /** The account's signals (computed afresh) and its timeline on one tenant. */
  async detail(actor: Actor, idp: string, subject: string, tenantId: string | undefined): Promise<SharingAccountDetailDto> {
    this.checkEnabled();
    const account = await this.resolve(actor, idp, subject, tenantId);
    const [view, starts] = await Promise.all([
      this.fresh(account),
      this.repository.startsOf([account], SHARING_WINDOW_DAYS, STARTS_PER_ACCOUNT),
    ]);
    const appNames = await this.applications.namesByIds([...new Set(starts.map((s) => s.applicationId))]);
    return {
      ...view,
      timeline: starts.map((s) => ({
        sessionId: s.sessionId,
        applicationId: s.applicationId,
        applicationName: appNames.get(s.applicationId) ?? s.applicationId,
        deviceId: s.deviceId,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        running: s.endedAt === null,
        address: s.address,
        networkId: s.networkId,
        city: s.city,
        country: s.country,
        latitude: s.latitude,
        longitude: s.longitude,
        asn: s.asn,
        organisation: s.organisation,
        kind: s.kind,
      })),
    };
  }

  /** Marks the account reviewed at its current score (audited). */
  async review(actor: Actor, idp: string, subject: string, body: ReviewAccountDto): Promise<SharingAccountDto> {
    this.checkEnabled();
    const account = await this.resolve(actor, idp, subject, body.tenantId);
    const current = await this.fresh(account);
    const before = current.reviewed;
    const note = body.note?.trim() ? body.note.trim() : null;
    const review = { by: actor.email, at: new Date(), scoreAtReview: current.score, note };
    await this.repository.review(account, review);
    await this.audit.record({
      actor,
      action: 'sharing.review',
      targetType: 'account',
      targetId: `${account.idp}/${account.subject}`,
      tenantId: account.tenantId,
      before: before ? { reviewedBy: before.by, reviewedAt: before.at, scoreAtReview: before.scoreAtReview, note: before.note } : null,
      after: { reviewedBy: review.by, reviewedAt: review.at, scoreAtReview: review.scoreAtReview, note },
    });
    return { ...current, reviewed: review };
  }

  /**
   * The tenant whose view of the account is asked for: `tenantId` when given (404 unless the caller sees it and it has
   * starts of the account), else the one visible tenant with starts (400 when several, 404 when none).
   */
  private async resolve(actor: Actor, idp: string, subject: string, tenantId: string | undefined): Promise<AccountRef> {
    checkAccountPart('idp', idp);
    checkAccountPart('subject', subject);
    await this.recorder.flush();
    const visible = visibleTenants(actor);
    const asked = tenantId === undefined ? visible : visible === 'all' || visible.includes(tenantId) ? [tenantId] : [];
    const found =
      asked !== 'all' && asked.length === 0 ? [] : await this.repository.tenantsWithStarts(idp, subject, asked, SHARING_WINDOW_DAYS);
    if (found.length === 0) {
      throw new SharingError(
        SharingErrorCode.ACCOUNT_NOT_FOUND,
        `None of your applications played for ${idp}/${subject} in ${SHARING_WINDOW_DAYS} days`,
      );
    }
    if (found.length > 1) {
      throw SharingError.invalid(
        'tenantId',
        `Several of your tenants have data for this account: pass tenantId (one of ${found.join(', ')})`,
      );
    }
    return { tenantId: found[0], idp, subject };
  }

  /** The account's signals computed now (and stored), with its review. */
  private async fresh(account: AccountRef): Promise<SharingAccountDto> {
    await this.recorder.rescore([account]);
    const row = await this.repository.score(account);
    if (!row) throw new SharingError(SharingErrorCode.ACCOUNT_NOT_FOUND, `No data for ${account.idp}/${account.subject}`);
    return this.view(row, await this.tenantNames([account.tenantId]));
  }

  private async tenantNames(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    return new Map((await this.tenants.listByIds(unique)).map((t) => [t.id, t.name]));
  }

  private view(r: ScoreRow, names: Map<string, string>): SharingAccountDto {
    return {
      idp: r.idp,
      subject: r.subject,
      tenantId: r.tenantId,
      tenantName: names.get(r.tenantId) ?? r.tenantId,
      score: r.score,
      evidence: r.evidence,
      flags: r.flags,
      networks24h: r.networks24h,
      networks30d: r.networks30d,
      countries24h: r.countries24h,
      countries30d: r.countries30d,
      devicesNew7d: r.devicesNew7d,
      lastStartAt: r.lastStartAt,
      computedAt: r.computedAt,
      reviewed: r.review,
    };
  }
}

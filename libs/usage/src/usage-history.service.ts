import { Injectable } from '@nestjs/common';
import { type Actor, csvReply, csvText, visibleTenants, type WithHeaders } from '@cm/identity';
import { type Counters, GRANULARITIES, GRANULARITY_MS, type Granularity, USAGE_COUNTERS, bucketStart } from './usage-counters';
import { UsageDirectory } from './usage-directory';
import { UsageError, UsageErrorCode } from './usage.errors';
import { UsageRepository } from './usage.repository';

/** The most buckets (per application) and rows one history request may return. */
export const MAX_HISTORY_BUCKETS = 10_000;
export const MAX_HISTORY_ROWS = 100_000;

export interface HistoryBucket extends Counters {
  /** Start of the bucket (ISO 8601, UTC). */
  start: string;
  applicationId: string;
  /** The application's name, or its id once it is deleted. */
  applicationName: string;
  tenantId: string;
  /** The highest running count sampled in the bucket. */
  peakRunning: number;
}

export interface HistoryPage {
  granularity: Granularity;
  /** The range asked for, `from` moved back to its bucket's start; `to` is exclusive. */
  from: string;
  to: string;
  /** Buckets with activity, oldest first, then by application id. Buckets without any are left out. */
  buckets: HistoryBucket[];
}

export interface HistoryQuery {
  from: Date;
  to: Date;
  granularity: Granularity;
  applicationId?: string;
  format: 'json' | 'csv';
}

const PARAMETERS = ['from', 'to', 'granularity', 'applicationId', 'format'] as const;
const DEFAULT_SPAN_MS: Record<Granularity, number> = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 };
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;
const CSV_COLUMNS = ['start', 'applicationId', 'applicationName', 'tenantId', ...USAGE_COUNTERS, 'peakRunning'] as const;

/** Parses and checks the history query string; every problem names its parameter. */
export function parseHistoryQuery(raw: Record<string, unknown>, now = new Date()): HistoryQuery {
  for (const key of Object.keys(raw)) {
    if (!(PARAMETERS as readonly string[]).includes(key)) {
      throw UsageError.invalid(key, `Unknown query parameter "${key}"; use ${PARAMETERS.join(', ')}`);
    }
  }
  const text = (key: (typeof PARAMETERS)[number]): string | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw UsageError.invalid(key, `${key} must be given once`);
    return value;
  };
  const granularityText = text('granularity') ?? 'hour';
  if (!(GRANULARITIES as readonly string[]).includes(granularityText)) {
    throw UsageError.invalid('granularity', `granularity must be one of ${GRANULARITIES.join(', ')}`);
  }
  const granularity = granularityText as Granularity;
  const formatText = text('format') ?? 'json';
  if (formatText !== 'json' && formatText !== 'csv') throw UsageError.invalid('format', 'format must be json or csv');
  const date = (key: 'from' | 'to'): Date | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const ms = ISO_8601.test(value) ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) {
      throw UsageError.invalid(key, `${key} must be an ISO 8601 date or date-time with a time zone, e.g. 2026-01-02T03:04:05Z`);
    }
    return new Date(ms);
  };
  const to = date('to') ?? now;
  const from = date('from') ?? new Date(to.getTime() - DEFAULT_SPAN_MS[granularity]);
  if (from.getTime() >= to.getTime()) throw UsageError.invalid('to', 'to must be after from');
  const alignedFrom = new Date(bucketStart(from.getTime(), granularity));
  const buckets = Math.ceil((to.getTime() - alignedFrom.getTime()) / GRANULARITY_MS[granularity]);
  if (buckets > MAX_HISTORY_BUCKETS) {
    const message =
      `The range holds ${buckets} ${granularity} buckets; at most ${MAX_HISTORY_BUCKETS} per request: ` +
      'narrow from/to or use a coarser granularity';
    throw new UsageError(UsageErrorCode.RANGE_TOO_LARGE, message, [
      { field: 'from', message },
      { field: 'to', message },
    ]);
  }
  const applicationId = text('applicationId');
  if (applicationId === '') throw UsageError.invalid('applicationId', 'applicationId must not be empty');
  return { from: alignedFrom, to, granularity, applicationId, format: formatText };
}

/** Usage history in minute, hour or day buckets, as JSON or CSV, scoped to the caller's tenants. */
@Injectable()
export class UsageHistoryService {
  constructor(
    private readonly repository: UsageRepository,
    private readonly directory: UsageDirectory,
  ) {}

  async history(actor: Actor, raw: Record<string, unknown>): Promise<HistoryPage | WithHeaders<string>> {
    const q = parseHistoryQuery(raw);
    const page = await this.page(actor, q);
    return q.format === 'csv' ? csvReply(toCsv(page.buckets), `usage-${q.granularity}-${page.from.replace(/[:.]/g, '')}.csv`) : page;
  }

  async page(actor: Actor, q: HistoryQuery): Promise<HistoryPage> {
    const tenantIds = visibleTenants(actor);
    const directory = await this.directory.current();
    if (q.applicationId !== undefined) {
      const app = directory.applications.get(q.applicationId) ?? (await this.directory.reload()).applications.get(q.applicationId);
      if (!app || (tenantIds !== 'all' && !tenantIds.includes(app.tenantId))) {
        throw new UsageError(UsageErrorCode.APPLICATION_NOT_FOUND, `Application ${q.applicationId} not found`, [
          { field: 'applicationId', message: `Application ${q.applicationId} not found` },
        ]);
      }
    }
    const rows = await this.repository.history({
      granularity: q.granularity,
      from: q.from,
      to: q.to,
      tenantIds,
      applicationId: q.applicationId,
      limit: MAX_HISTORY_ROWS + 1,
    });
    if (rows.length > MAX_HISTORY_ROWS) {
      const message = `The range holds more than ${MAX_HISTORY_ROWS} rows: narrow from/to, pick one applicationId or use a coarser granularity`;
      throw new UsageError(UsageErrorCode.RANGE_TOO_LARGE, message, [{ field: 'from', message }]);
    }
    return {
      granularity: q.granularity,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      buckets: rows.map((r) => ({
        start: r.bucketStart.toISOString(),
        applicationId: r.applicationId,
        applicationName: directory.applications.get(r.applicationId)?.name ?? r.applicationId,
        tenantId: r.tenantId,
        ...r.counters,
        peakRunning: r.peakRunning,
      })),
    };
  }
}

/** RFC 4180 CSV with a header row; cells a spreadsheet would run as a formula are prefixed with `'`. */
export function toCsv(buckets: HistoryBucket[]): string {
  return csvText(CSV_COLUMNS, buckets);
}

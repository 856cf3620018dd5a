import { COUNTERS, type Counters, type Granularity, type HistoryBucket } from './api';

export const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface SeriesPoint extends Counters {
  /** Bucket start, ms since the epoch. */
  t: number;
  label: string;
  peakRunning: number;
}

const zero = (): Counters => ({ started: 0, denied: 0, dismissed: 0, killed: 0, stopped: 0, expired: 0 });

function label(t: number, granularity: Granularity): string {
  const d = new Date(t);
  if (granularity === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (granularity === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * One point per bucket from `from` to `to` (buckets without activity are zero: the server leaves them out),
 * every application summed; peak running is summed too (an upper bound of the true peak across applications).
 */
export function toSeries(buckets: HistoryBucket[], from: number, to: number, granularity: Granularity): SeriesPoint[] {
  const step = STEP_MS[granularity];
  const start = Math.floor(from / step) * step;
  const byStart = new Map<number, SeriesPoint>();
  for (let t = start; t < to; t += step) byStart.set(t, { t, label: label(t, granularity), peakRunning: 0, ...zero() });
  for (const b of buckets) {
    const t = Date.parse(b.start);
    let point = byStart.get(t);
    if (!point) {
      point = { t, label: label(t, granularity), peakRunning: 0, ...zero() };
      byStart.set(t, point);
    }
    for (const c of COUNTERS) point[c] += b[c];
    point.peakRunning += b.peakRunning;
  }
  return [...byStart.values()].sort((a, b) => a.t - b.t);
}

export interface FeedItem {
  key: string;
  at: number;
  applicationName: string;
  denied: number;
  dismissed: number;
  killed: number;
}

/** Minutes in which an application denied, dismissed or killed streams, newest first. */
export function toFeed(buckets: HistoryBucket[], limit = 20): FeedItem[] {
  return buckets
    .filter((b) => b.denied + b.dismissed + b.killed > 0)
    .map((b) => ({
      key: `${b.start}/${b.applicationId}`,
      at: Date.parse(b.start),
      applicationName: b.applicationName,
      denied: b.denied,
      dismissed: b.dismissed,
      killed: b.killed,
    }))
    .sort((a, b) => b.at - a.at || a.applicationName.localeCompare(b.applicationName))
    .slice(0, limit);
}

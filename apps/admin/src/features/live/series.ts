import { bucketLabel } from '../../components/time';
import { COUNTERS, type Counters, type Granularity, type HistoryBucket } from './api';

export const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface SeriesPoint extends Counters {
  /** Bucket start, ms since the epoch. */
  t: number;
  label: string;
  peakRunning: number;
}

const zero = (): Counters => ({ started: 0, denied: 0, dismissed: 0, killed: 0, stopped: 0, expired: 0 });

const label = (t: number, granularity: Granularity) => bucketLabel(t, granularity);

/**
 * One point per bucket from `from` to `to` (buckets without activity are zero: the server leaves them out),
 * every application summed (only `tenantId`'s when given: the console's tenant picker); peak running is summed too (an
 * upper bound of the true peak across applications).
 */
export function toSeries(
  buckets: HistoryBucket[],
  from: number,
  to: number,
  granularity: Granularity,
  tenantId?: string | null,
): SeriesPoint[] {
  const step = STEP_MS[granularity];
  const start = Math.floor(from / step) * step;
  const byStart = new Map<number, SeriesPoint>();
  for (let t = start; t < to; t += step) byStart.set(t, { t, label: label(t, granularity), peakRunning: 0, ...zero() });
  for (const b of buckets) {
    if (tenantId && b.tenantId !== tenantId) continue;
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

import type { EndReason } from '@cm/contracts';

/** What is counted per application and time bucket: decisions at init and the reasons sessions ended. */
export const USAGE_COUNTERS = ['started', 'denied', 'dismissed', 'killed', 'stopped', 'expired'] as const satisfies ReadonlyArray<
  'started' | 'denied' | EndReason
>;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];
export type Counters = Record<UsageCounter, number>;

export const zeroCounters = (): Counters => ({ started: 0, denied: 0, dismissed: 0, killed: 0, stopped: 0, expired: 0 });

export function addCounters(into: Counters, from: Counters): Counters {
  for (const k of USAGE_COUNTERS) into[k] += from[k];
  return into;
}

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Start of the bucket holding `ms` (UTC: days start at 00:00Z). */
export function bucketStart(ms: number, granularity: Granularity): number {
  const size = GRANULARITY_MS[granularity];
  return Math.floor(ms / size) * size;
}

/**
 * The in-memory buffer and the "last minute" window use 10-second slices: the live snapshot sums the six most
 * recent ones (50-60 s of activity).
 */
export const SLICE_MS = 10_000;
export const RECENT_SLICES = 6;

export const sliceStart = (ms: number): number => Math.floor(ms / SLICE_MS) * SLICE_MS;

/** First slice of the "last minute" window ending at `nowMs`. */
export const recentWindowStart = (nowMs: number): number => sliceStart(nowMs) - (RECENT_SLICES - 1) * SLICE_MS;

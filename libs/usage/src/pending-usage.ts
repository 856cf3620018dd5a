import {
  addCounters,
  type Counters,
  GRANULARITIES,
  type Granularity,
  bucketStart,
  sliceStart,
  type UsageCounter,
  zeroCounters,
} from './usage-counters';

/** Counts of one application in one 10-second slice. */
export interface SliceCounts {
  sliceStart: number;
  applicationId: string;
  counters: Counters;
}

/** One row of history to add: increments plus the running count sampled in that bucket. */
export interface BucketIncrement {
  granularity: Granularity;
  bucketStart: number;
  applicationId: string;
  counters: Counters;
  peakRunning: number;
}

/**
 * Events counted in memory since the last flush, by 10-second slice and application. Recording is a Map update:
 * the session hot path never waits for the database.
 */
export class PendingUsage {
  private slices = new Map<string, SliceCounts>();

  record(applicationId: string, counter: UsageCounter, at: Date | number): void {
    const start = sliceStart(typeof at === 'number' ? at : at.getTime());
    const key = `${start}|${applicationId}`;
    let slice = this.slices.get(key);
    if (!slice) {
      slice = { sliceStart: start, applicationId, counters: zeroCounters() };
      this.slices.set(key, slice);
    }
    slice.counters[counter] += 1;
  }

  get isEmpty(): boolean {
    return this.slices.size === 0;
  }

  /** Hands over everything counted so far and starts afresh. */
  take(): SliceCounts[] {
    const taken = [...this.slices.values()];
    this.slices = new Map();
    return taken;
  }

  /** Puts back slices whose write failed, so they go out with the next flush. */
  restore(slices: SliceCounts[]): void {
    for (const s of slices) {
      const key = `${s.sliceStart}|${s.applicationId}`;
      const existing = this.slices.get(key);
      if (existing) addCounters(existing.counters, s.counters);
      else this.slices.set(key, { ...s, counters: { ...s.counters } });
    }
  }

  /** Not-yet-flushed counts per application of the slices starting at or after `sinceMs`. */
  countsSince(sinceMs: number): Map<string, Counters> {
    const out = new Map<string, Counters>();
    for (const s of this.slices.values()) {
      if (s.sliceStart < sinceMs) continue;
      addCounters(out.get(s.applicationId) ?? setAndGet(out, s.applicationId), s.counters);
    }
    return out;
  }
}

function setAndGet(map: Map<string, Counters>, key: string): Counters {
  const c = zeroCounters();
  map.set(key, c);
  return c;
}

/**
 * Turns flushed slices and a running-count sample into minute, hour and day increments, one per bucket and
 * application (so one upsert never touches a row twice). `running` is the sample taken at `sampledAt`.
 */
export function toBucketIncrements(slices: SliceCounts[], running: Map<string, number>, sampledAt: number): BucketIncrement[] {
  const rows = new Map<string, BucketIncrement>();
  const row = (granularity: Granularity, ms: number, applicationId: string): BucketIncrement => {
    const start = bucketStart(ms, granularity);
    const key = `${granularity}|${start}|${applicationId}`;
    let r = rows.get(key);
    if (!r) {
      r = { granularity, bucketStart: start, applicationId, counters: zeroCounters(), peakRunning: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const s of slices) {
    for (const g of GRANULARITIES) addCounters(row(g, s.sliceStart, s.applicationId).counters, s.counters);
  }
  for (const [applicationId, count] of running) {
    if (count <= 0) continue;
    for (const g of GRANULARITIES) {
      const r = row(g, sampledAt, applicationId);
      r.peakRunning = Math.max(r.peakRunning, count);
    }
  }
  // A stable order: concurrent flushes from several processes lock rows in the same order (no deadlocks).
  return [...rows.values()].sort(
    (a, b) =>
      GRANULARITIES.indexOf(a.granularity) - GRANULARITIES.indexOf(b.granularity) ||
      a.bucketStart - b.bucketStart ||
      (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0),
  );
}

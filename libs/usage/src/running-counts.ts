import { Inject, Injectable } from '@nestjs/common';
import { SESSION_RECORDS, type SessionRecords } from '@cm/sessions';
import { USAGE_OPTIONS, type UsageOptions } from './usage.options';

/**
 * Running sessions per application from the session store (true across processes), shared by the live snapshot,
 * the SSE feed, the flush's peak sample and /metrics: callers say how old an answer may be (0: a query that
 * starts now), and callers that accept the same age share one query.
 */
@Injectable()
export class RunningCounts {
  private last?: { startedAt: number; counts: Map<string, number> };
  private inFlight?: { startedAt: number; counts: Promise<Map<string, number>> };

  constructor(
    @Inject(USAGE_OPTIONS) private readonly options: UsageOptions,
    @Inject(SESSION_RECORDS) private readonly store: SessionRecords,
  ) {}

  get(maxAgeMs: number): Promise<Map<string, number>> {
    const now = Date.now();
    if (this.last && now - this.last.startedAt <= maxAgeMs) return Promise.resolve(this.last.counts);
    if (this.inFlight && now - this.inFlight.startedAt <= maxAgeMs) return this.inFlight.counts;
    const query = { startedAt: now, counts: this.store.runningByApplication(this.options.graceSeconds) };
    this.inFlight = query;
    void query.counts
      .then((counts) => {
        if (!this.last || this.last.startedAt < query.startedAt) this.last = { startedAt: query.startedAt, counts };
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.inFlight === query) this.inFlight = undefined;
      });
    return query.counts;
  }
}

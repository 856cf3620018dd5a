import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BucketIncrement, SliceCounts } from './pending-usage';
import { type Counters, type Granularity, USAGE_COUNTERS } from './usage-counters';

export interface HistoryRow {
  bucketStart: Date;
  applicationId: string;
  tenantId: string;
  counters: Counters;
  peakRunning: number;
}

interface CounterColumns {
  started: string | number;
  denied: string | number;
  dismissed: string | number;
  killed: string | number;
  stopped: string | number;
  expired: string | number;
}

const toCounters = (r: CounterColumns): Counters => ({
  started: Number(r.started),
  denied: Number(r.denied),
  dismissed: Number(r.dismissed),
  killed: Number(r.killed),
  stopped: Number(r.stopped),
  expired: Number(r.expired),
});

const COUNTER_UPDATES = USAGE_COUNTERS.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ');

/** The usage tables. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds one flush's increments, in one transaction: history buckets (counters summed, peak kept at its
   * maximum) and the recent slices. Concurrent processes only ever add, so no increment is lost.
   */
  async addIncrements(
    buckets: Array<BucketIncrement & { tenantId: string }>,
    slices: Array<SliceCounts & { tenantId: string }>,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (buckets.length > 0) {
        await m.query(
          `INSERT INTO usage_buckets AS t (granularity, bucket_start, application_id, tenant_id, ${USAGE_COUNTERS.join(', ')}, peak_running)
           SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::uuid[],
                                $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::int[])
           ORDER BY 1, 2, 3
           ON CONFLICT (granularity, bucket_start, application_id) DO UPDATE
             SET ${COUNTER_UPDATES}, peak_running = GREATEST(t.peak_running, EXCLUDED.peak_running), tenant_id = EXCLUDED.tenant_id`,
          [
            buckets.map((b) => b.granularity),
            buckets.map((b) => new Date(b.bucketStart)),
            buckets.map((b) => b.applicationId),
            buckets.map((b) => b.tenantId),
            ...USAGE_COUNTERS.map((c) => buckets.map((b) => b.counters[c])),
            buckets.map((b) => b.peakRunning),
          ],
        );
      }
      if (slices.length > 0) {
        const sorted = [...slices].sort((a, b) => a.sliceStart - b.sliceStart || (a.applicationId < b.applicationId ? -1 : 1));
        await m.query(
          `INSERT INTO usage_recent AS t (slice_start, application_id, tenant_id, ${USAGE_COUNTERS.join(', ')})
           SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
           ORDER BY 1, 2
           ON CONFLICT (slice_start, application_id) DO UPDATE SET ${COUNTER_UPDATES}`,
          [
            sorted.map((s) => new Date(s.sliceStart)),
            sorted.map((s) => s.applicationId),
            sorted.map((s) => s.tenantId),
            ...USAGE_COUNTERS.map((c) => sorted.map((s) => s.counters[c])),
          ],
        );
      }
      await m.query(`DELETE FROM usage_recent WHERE slice_start < now() - interval '5 minutes'`);
    });
  }

  /** Recent counts per application (every process' flushed slices starting at or after `since`). */
  async recentSince(since: Date): Promise<Map<string, Counters>> {
    const rows: Array<CounterColumns & { application_id: string }> = await this.dataSource.query(
      `SELECT application_id, ${USAGE_COUNTERS.map((c) => `sum(${c})::int AS ${c}`).join(', ')}
         FROM usage_recent WHERE slice_start >= $1 GROUP BY application_id`,
      [since],
    );
    return new Map(rows.map((r) => [r.application_id, toCounters(r)]));
  }

  /** History buckets in [from, to), oldest first; at most `limit` rows. */
  async history(q: {
    granularity: Granularity;
    from: Date;
    to: Date;
    tenantIds: 'all' | string[];
    applicationId?: string;
    limit: number;
  }): Promise<HistoryRow[]> {
    const params: unknown[] = [q.granularity, q.from, q.to, q.limit];
    let where = '';
    if (q.tenantIds !== 'all') {
      params.push(q.tenantIds);
      where += ` AND tenant_id = ANY($${params.length}::uuid[])`;
    }
    if (q.applicationId !== undefined) {
      params.push(q.applicationId);
      where += ` AND application_id = $${params.length}`;
    }
    const rows: Array<CounterColumns & { bucket_start: Date; application_id: string; tenant_id: string; peak_running: number }> =
      await this.dataSource.query(
        `SELECT bucket_start, application_id, tenant_id, ${USAGE_COUNTERS.join(', ')}, peak_running
           FROM usage_buckets
          WHERE granularity = $1 AND bucket_start >= $2 AND bucket_start < $3${where}
          ORDER BY bucket_start, application_id
          LIMIT $4`,
        params,
      );
    return rows.map((r) => ({
      bucketStart: r.bucket_start,
      applicationId: r.application_id,
      tenantId: r.tenant_id,
      counters: toCounters(r),
      peakRunning: r.peak_running,
    }));
  }

  /** Deletes history past its retention; returns how many rows went. */
  async deleteExpired(retentionDays: Record<Granularity, number>): Promise<number> {
    let deleted = 0;
    for (const [granularity, days] of Object.entries(retentionDays)) {
      const result: [unknown[], number] = await this.dataSource.query(
        `DELETE FROM usage_buckets WHERE granularity = $1 AND bucket_start < now() - make_interval(days => $2)`,
        [granularity, days],
      );
      deleted += result[1] ?? 0;
    }
    return deleted;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NetworkKind } from './network-kind';
import type { Evidence, Flag, SharingSignals, SharingStart } from './scoring';

/** An account on a tenant: what scores and reviews are kept per. */
export interface AccountRef {
  tenantId: string;
  idp: string;
  subject: string;
}

export interface StoredStart extends SharingStart {
  tenantId: string;
  idp: string;
  subject: string;
}

/** An account's stored score: its signals as scoring.ts computed them, when, and its review. */
export interface ScoreRow extends AccountRef, SharingSignals {
  computedAt: Date;
  review: ReviewRow | null;
}

export interface ReviewRow {
  by: string;
  at: Date;
  scoreAtReview: number;
  note: string | null;
}

export interface ScoreFilter {
  tenants: 'all' | string[];
  minScore: number;
  applicationId?: string;
  reviewed?: boolean;
  limit: number;
  offset: number;
  windowDays: number;
}

interface RawStart {
  session_id: string;
  tenant_id: string;
  application_id: string;
  idp: string;
  subject: string;
  device_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  address: string | null;
  network_id: string | null;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  asn: number | null;
  asn_organisation: string | null;
  kind: NetworkKind;
}

interface RawScore {
  tenant_id: string;
  idp: string;
  subject: string;
  score: number;
  evidence: Evidence[];
  flags: Flag[];
  networks_24h: number;
  networks_30d: number;
  countries_24h: number;
  countries_30d: number;
  devices_new_7d: number;
  last_start_at: Date | null;
  computed_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  score_at_review: number | null;
  note: string | null;
  total?: number;
}

const toStart = (r: RawStart): StoredStart => ({
  sessionId: r.session_id,
  tenantId: r.tenant_id,
  applicationId: r.application_id,
  idp: r.idp,
  subject: r.subject,
  deviceId: r.device_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  address: r.address,
  networkId: r.network_id,
  country: r.country,
  city: r.city,
  latitude: r.latitude,
  longitude: r.longitude,
  asn: r.asn,
  organisation: r.asn_organisation,
  kind: r.kind,
});

const toScore = (r: RawScore): ScoreRow => ({
  tenantId: r.tenant_id,
  idp: r.idp,
  subject: r.subject,
  score: r.score,
  evidence: r.evidence,
  flags: r.flags,
  networks24h: r.networks_24h,
  networks30d: r.networks_30d,
  countries24h: r.countries_24h,
  countries30d: r.countries_30d,
  devicesNew7d: r.devices_new_7d,
  lastStartAt: r.last_start_at,
  computedAt: r.computed_at,
  review: r.reviewed_by === null ? null : { by: r.reviewed_by, at: r.reviewed_at!, scoreAtReview: r.score_at_review!, note: r.note },
});

const START_COLUMNS =
  'session_id, tenant_id, application_id, idp, subject, device_id, started_at, ended_at, address, network_id, country, city, latitude, longitude, asn, asn_organisation, kind';

/**
 * The sharing library's tables (sharing_starts, sharing_scores, sharing_reviews), in PostgreSQL whichever session
 * store runs. Writes come in batches (one statement per batch, `unnest` of arrays).
 */
@Injectable()
export class SharingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds starts (a start already kept is left as it is). */
  async insertStarts(rows: Array<StoredStart>): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(f: (r: StoredStart) => T) => rows.map(f);
    await this.dataSource.query(
      `INSERT INTO sharing_starts (${START_COLUMNS})
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::float8[], $15::int[], $16::text[], $17::text[])
       ON CONFLICT (session_id) DO NOTHING`,
      [
        col((r) => r.sessionId),
        col((r) => r.tenantId),
        col((r) => r.applicationId),
        col((r) => r.idp),
        col((r) => r.subject),
        col((r) => r.deviceId),
        col((r) => r.startedAt.toISOString()),
        col((r) => r.endedAt?.toISOString() ?? null),
        col((r) => r.address),
        col((r) => r.networkId),
        col((r) => r.country),
        col((r) => r.city),
        col((r) => r.latitude),
        col((r) => r.longitude),
        col((r) => r.asn),
        col((r) => r.organisation),
        col((r) => r.kind),
      ],
    );
  }

  /** Ends kept starts; the accounts whose starts ended. */
  async endStarts(ends: Array<{ sessionId: string; at: Date }>): Promise<AccountRef[]> {
    if (ends.length === 0) return [];
    const rows: Array<{ tenant_id: string; idp: string; subject: string }> = await this.dataSource.query(
      `UPDATE sharing_starts s SET ended_at = e.at
       FROM unnest($1::text[], $2::timestamptz[]) AS e(id, at)
       WHERE s.session_id = e.id AND s.ended_at IS NULL
       RETURNING s.tenant_id, s.idp, s.subject`,
      [ends.map((e) => e.sessionId), ends.map((e) => e.at.toISOString())],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, idp: r.idp, subject: r.subject }));
  }

  /** The accounts' starts of the window, at most `perAccount` newest of each. */
  async startsOf(accounts: AccountRef[], windowDays: number, perAccount: number): Promise<StoredStart[]> {
    if (accounts.length === 0) return [];
    const rows: RawStart[] = await this.dataSource.query(
      `SELECT ${START_COLUMNS} FROM (
         SELECT s.*, row_number() OVER (PARTITION BY s.tenant_id, s.idp, s.subject ORDER BY s.started_at DESC) AS n
         FROM sharing_starts s
         JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS k(tenant_id, idp, subject)
           ON s.tenant_id = k.tenant_id AND s.idp = k.idp AND s.subject = k.subject
         WHERE s.started_at > now() - make_interval(days => $4)
       ) ranked WHERE n <= $5
       ORDER BY started_at DESC`,
      [accounts.map((a) => a.tenantId), accounts.map((a) => a.idp), accounts.map((a) => a.subject), windowDays, perAccount],
    );
    return rows.map(toStart);
  }

  /** Writes the accounts' scores (one statement). */
  async upsertScores(scores: Array<AccountRef & SharingSignals & { computedAt: Date }>): Promise<void> {
    if (scores.length === 0) return;
    const col = <T>(f: (r: (typeof scores)[number]) => T) => scores.map(f);
    await this.dataSource.query(
      `INSERT INTO sharing_scores (tenant_id, idp, subject, score, evidence, flags, networks_24h, networks_30d, countries_24h, countries_30d,
         devices_new_7d, last_start_at, computed_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::int[], $8::int[], $9::int[], $10::int[],
         $11::int[], $12::timestamptz[], $13::timestamptz[])
       ON CONFLICT (tenant_id, idp, subject) DO UPDATE SET score = excluded.score, evidence = excluded.evidence, flags = excluded.flags,
         networks_24h = excluded.networks_24h, networks_30d = excluded.networks_30d, countries_24h = excluded.countries_24h,
         countries_30d = excluded.countries_30d, devices_new_7d = excluded.devices_new_7d, last_start_at = excluded.last_start_at,
         computed_at = excluded.computed_at`,
      [
        col((s) => s.tenantId),
        col((s) => s.idp),
        col((s) => s.subject),
        col((s) => s.score),
        col((s) => JSON.stringify(s.evidence)),
        col((s) => JSON.stringify(s.flags)),
        col((s) => s.networks24h),
        col((s) => s.networks30d),
        col((s) => s.countries24h),
        col((s) => s.countries30d),
        col((s) => s.devicesNew7d),
        col((s) => s.lastStartAt?.toISOString() ?? null),
        col((s) => s.computedAt.toISOString()),
      ],
    );
  }

  /** A page of scores, highest first, with the total matching the filter. */
  async listScores(f: ScoreFilter): Promise<{ rows: ScoreRow[]; total: number }> {
    const params: unknown[] = [f.minScore, f.windowDays];
    const where = ['sc.score >= $1', `sc.last_start_at > now() - make_interval(days => $2)`];
    if (f.tenants !== 'all') {
      params.push(f.tenants);
      where.push(`sc.tenant_id = ANY($${params.length}::uuid[])`);
    }
    if (f.applicationId !== undefined) {
      params.push(f.applicationId);
      where.push(
        `EXISTS (SELECT 1 FROM sharing_starts s WHERE s.tenant_id = sc.tenant_id AND s.idp = sc.idp AND s.subject = sc.subject AND s.application_id = $${params.length})`,
      );
    }
    if (f.reviewed === true) where.push('r.reviewed_by IS NOT NULL AND sc.score <= r.score_at_review');
    if (f.reviewed === false) where.push('(r.reviewed_by IS NULL OR sc.score > r.score_at_review)');
    params.push(f.limit, f.offset);
    const rows: RawScore[] = await this.dataSource.query(
      `SELECT sc.*, r.reviewed_by, r.reviewed_at, r.score_at_review, r.note, count(*) OVER ()::int AS total
       FROM sharing_scores sc
       LEFT JOIN sharing_reviews r ON r.tenant_id = sc.tenant_id AND r.idp = sc.idp AND r.subject = sc.subject
       WHERE ${where.join(' AND ')}
       ORDER BY sc.score DESC, sc.last_start_at DESC NULLS LAST, sc.idp, sc.subject, sc.tenant_id
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    if (rows.length === 0 && f.offset > 0) {
      // Past the last page: the total still answers.
      const counted: Array<{ total: number }> = await this.dataSource.query(
        `SELECT count(*)::int AS total FROM sharing_scores sc
         LEFT JOIN sharing_reviews r ON r.tenant_id = sc.tenant_id AND r.idp = sc.idp AND r.subject = sc.subject
         WHERE ${where.join(' AND ')}`,
        params.slice(0, -2),
      );
      return { rows: [], total: counted[0].total };
    }
    return { rows: rows.map(toScore), total: rows[0]?.total ?? 0 };
  }

  /** One account's score and review on a tenant. */
  async score(account: AccountRef): Promise<ScoreRow | null> {
    const rows: RawScore[] = await this.dataSource.query(
      `SELECT sc.*, r.reviewed_by, r.reviewed_at, r.score_at_review, r.note
       FROM sharing_scores sc
       LEFT JOIN sharing_reviews r ON r.tenant_id = sc.tenant_id AND r.idp = sc.idp AND r.subject = sc.subject
       WHERE sc.tenant_id = $1 AND sc.idp = $2 AND sc.subject = $3`,
      [account.tenantId, account.idp, account.subject],
    );
    return rows.length > 0 ? toScore(rows[0]) : null;
  }

  /** The tenants (of `tenants`) with starts of the account in the window. */
  async tenantsWithStarts(idp: string, subject: string, tenants: 'all' | string[], windowDays: number): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM sharing_starts
       WHERE idp = $1 AND subject = $2 AND started_at > now() - make_interval(days => $3) AND ($4::uuid[] IS NULL OR tenant_id = ANY($4::uuid[]))
       ORDER BY tenant_id`,
      [idp, subject, windowDays, tenants === 'all' ? null : tenants],
    );
    return rows.map((r) => r.tenant_id);
  }

  async review(account: AccountRef, review: ReviewRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sharing_reviews (tenant_id, idp, subject, reviewed_by, reviewed_at, score_at_review, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, idp, subject) DO UPDATE SET reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at,
         score_at_review = excluded.score_at_review, note = excluded.note`,
      [account.tenantId, account.idp, account.subject, review.by, review.at.toISOString(), review.scoreAtReview, review.note],
    );
  }

  /** Accounts with points whose score was computed more than `minutes` ago (their windows moved since), oldest first. */
  async staleScores(minutes: number, limit: number): Promise<AccountRef[]> {
    const rows: Array<{ tenant_id: string; idp: string; subject: string }> = await this.dataSource.query(
      `SELECT tenant_id, idp, subject FROM sharing_scores
       WHERE score > 0 AND computed_at < now() - make_interval(mins => $1)
       ORDER BY computed_at LIMIT $2`,
      [minutes, limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, idp: r.idp, subject: r.subject }));
  }

  /** Deletes starts older than the window, then the scores and reviews of accounts left without starts. */
  async deleteExpired(windowDays: number): Promise<number> {
    const result: [unknown, number] = await this.dataSource.query(
      `DELETE FROM sharing_starts WHERE started_at < now() - make_interval(days => $1)`,
      [windowDays],
    );
    const deleted = result[1] ?? 0;
    for (const table of ['sharing_scores', 'sharing_reviews']) {
      await this.dataSource.query(
        `DELETE FROM ${table} t WHERE NOT EXISTS (
           SELECT 1 FROM sharing_starts s WHERE s.tenant_id = t.tenant_id AND s.idp = t.idp AND s.subject = t.subject)`,
      );
    }
    return deleted;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Metadata, RuleViolationAdvice } from '@cm/contracts';
import { DataSource } from 'typeorm';

export type DecisionOutcome = 'denied' | 'dismissed';

/** One row of the decision log. */
export interface DecisionRow {
  id: string;
  at: Date;
  outcome: DecisionOutcome;
  idp: string;
  subject: string;
  applicationId: string;
  applicationName: string;
  tenantId: string;
  sessionId: string | null;
  metadata: Metadata;
  advice: RuleViolationAdvice[];
}

interface Columns {
  id: string;
  at: Date;
  outcome: DecisionOutcome;
  idp: string;
  subject: string;
  application_id: string;
  application_name: string;
  tenant_id: string;
  session_id: string | null;
  metadata: Metadata;
  advice: RuleViolationAdvice[];
}

const toRow = (c: Columns): DecisionRow => ({
  id: c.id,
  at: c.at,
  outcome: c.outcome,
  idp: c.idp,
  subject: c.subject,
  applicationId: c.application_id,
  applicationName: c.application_name,
  tenantId: c.tenant_id,
  sessionId: c.session_id,
  metadata: c.metadata,
  advice: c.advice,
});

/** Rows per INSERT: keeps one statement's parameters small whatever the backlog. */
const CHUNK = 2_000;

/** The decision log table (libs/usage owns it): batched inserts, reads per account or per tenant, retention. */
@Injectable()
export class DecisionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertMany(rows: DecisionRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await this.dataSource.query(
        `INSERT INTO decisions (id, at, outcome, idp, subject, application_id, application_name, tenant_id, session_id, metadata, advice)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::uuid[], $9::uuid[], $10::jsonb[], $11::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
        [
          chunk.map((r) => r.id),
          chunk.map((r) => r.at),
          chunk.map((r) => r.outcome),
          chunk.map((r) => r.idp),
          chunk.map((r) => r.subject),
          chunk.map((r) => r.applicationId),
          chunk.map((r) => r.applicationName),
          chunk.map((r) => r.tenantId),
          chunk.map((r) => r.sessionId),
          chunk.map((r) => JSON.stringify(r.metadata)),
          chunk.map((r) => JSON.stringify(r.advice)),
        ],
      );
    }
  }

  /** An account's decisions on the given tenants' applications, newest first. */
  async findByAccount(idp: string, subject: string, tenantIds: 'all' | string[], limit: number): Promise<DecisionRow[]> {
    const params: unknown[] = [idp, subject, limit];
    let where = '';
    if (tenantIds !== 'all') {
      params.push(tenantIds);
      where = ` AND tenant_id = ANY($${params.length}::uuid[])`;
    }
    const rows: Columns[] = await this.dataSource.query(
      `SELECT * FROM decisions WHERE idp = $1 AND subject = $2${where} ORDER BY at DESC, id DESC LIMIT $3`,
      params,
    );
    return rows.map(toRow);
  }

  /** The newest decisions on the given tenants' applications. */
  async findRecent(tenantIds: 'all' | string[], limit: number): Promise<DecisionRow[]> {
    const rows: Columns[] =
      tenantIds === 'all'
        ? await this.dataSource.query(`SELECT * FROM decisions ORDER BY at DESC, id DESC LIMIT $1`, [limit])
        : await this.dataSource.query(`SELECT * FROM decisions WHERE tenant_id = ANY($2::uuid[]) ORDER BY at DESC, id DESC LIMIT $1`, [
            limit,
            tenantIds,
          ]);
    return rows.map(toRow);
  }

  /** Deletes decisions older than the retention; returns how many went. */
  async deleteOlderThan(hours: number): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM decisions WHERE at < now() - make_interval(hours => $1)`, [
      hours,
    ]);
    return result[1] ?? 0;
  }
}

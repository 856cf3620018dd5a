import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from './actor';
import { IdentityError, IdentityErrorCode } from './identity.errors';

export interface AuditQuery {
  tenantId?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string;
  actorTokenId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  tenantId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  items: AuditRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Row {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_email: string;
  actor_token_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  tenant_id: string | null;
  before: unknown;
  after: unknown;
}

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the audit log newest first; ids are UUIDv7, so the cursor is simply the last id seen. */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(actor: Actor, query: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (actor.role !== 'admin') {
      // Non-admins see their tenant only: another tenant's filter simply matches nothing.
      if (query.tenantId !== undefined && query.tenantId !== actor.tenantId) return { items: [], nextCursor: null };
      add((p) => `tenant_id = ${p}`, actor.tenantId);
    } else if (query.tenantId !== undefined) {
      add((p) => `tenant_id = ${p}`, query.tenantId);
    }
    if (query.actorId !== undefined) add((p) => `actor_id = ${p}`, query.actorId);
    if (query.targetType !== undefined) add((p) => `target_type = ${p}`, query.targetType);
    if (query.targetId !== undefined) add((p) => `target_id = ${p}`, query.targetId);
    if (query.from !== undefined) add((p) => `at >= ${p}`, query.from);
    if (query.to !== undefined) add((p) => `at < ${p}`, query.to);
    if (query.from && query.to && query.from > query.to) {
      throw new IdentityError(IdentityErrorCode.INVALID_AUDIT_QUERY, 'from must not be after to', 'from');
    }
    if (query.cursor !== undefined) {
      if (!UUID.test(query.cursor))
        throw new IdentityError(IdentityErrorCode.INVALID_AUDIT_QUERY, 'cursor is not one this API gave out', 'cursor');
      add((p) => `id < ${p}`, query.cursor);
    }
    const limit = query.limit ?? AUDIT_DEFAULT_LIMIT;
    params.push(limit + 1);
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map((r): AuditRecord => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      actorTokenId: r.actor_token_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      tenantId: r.tenant_id,
      before: r.before,
      after: r.after,
    }));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, SystemActor } from './actor';

export interface AuditEntry {
  actor: Actor | SystemActor;
  /** e.g. 'tenant.create', 'application.rotate-secret', 'policy.update' */
  action: string;
  targetType: string;
  targetId: string;
  tenantId: string | null;
  /** never secrets or hashes */
  before?: unknown;
  after?: unknown;
}

/** Keys whose values never reach the audit log, whatever a caller passes. */
const SECRET_KEY = /^(secret|password|token)$|hash$/i;

/** Drops secret-looking fields (and turns Dates into ISO strings) so a careless caller cannot store them. */
export function redact(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && !SECRET_KEY.test(key))
      .map(([key, v]) => [key, redact(v)]),
  );
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(redact(value)));

/** Records who changed what. Pass the caller's transaction `manager` so the entry commits (or not) with the change. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (id, actor_id, actor_email, actor_token_id, action, target_type, target_id, tenant_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        uuidv7(),
        entry.actor.kind === 'system' ? null : entry.actor.operatorId,
        entry.actor.email,
        entry.actor.kind === 'system' ? null : (entry.actor.tokenId ?? null),
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.tenantId,
        json(entry.before),
        json(entry.after),
      ],
    );
  }
}

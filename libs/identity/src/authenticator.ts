import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor, Role } from './actor';
import { sha256Hex, TOKEN_PREFIX } from './secrets';

interface ActorRow {
  operator_id: string;
  email: string;
  role: Role;
  tenant_id: string | null;
  credential_id: string;
  password_must_change?: boolean;
}

/** The login session or API token each authenticated actor came with (kept off the Actor, which answers /auth/me). */
const credentials = new WeakMap<Actor, string>();

const toActor = (row: ActorRow, kind: Actor['kind']): Actor => {
  const actor: Actor = {
    kind,
    operatorId: row.operator_id,
    email: row.email,
    role: row.role,
    tenantId: row.tenant_id,
    ...(kind === 'token' ? { tokenId: row.credential_id } : {}),
    ...(row.password_must_change ? { mustChangePassword: true } : {}),
  };
  credentials.set(actor, row.credential_id);
  return actor;
};

/** Login sessions slide by this much on activity, but never past SESSION_MAX_AGE after login. */
export const SESSION_IDLE_HOURS = 12;
export const SESSION_MAX_AGE_DAYS = 7;

/** Turns a session cookie or an API token into the actor behind it (or null). */
@Injectable()
export class Authenticator {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async fromSessionSecret(secret: string): Promise<Actor | null> {
    // One statement: find the live session and slide it (at most once a minute, so reads stay cheap).
    const rows: ActorRow[] = await this.dataSource.query(
      `WITH found AS (
         SELECT s.id, s.created_at FROM operator_sessions s WHERE s.secret_hash = $1 AND s.expires_at > now()
       ), slid AS (
         UPDATE operator_sessions s
            SET expires_at = LEAST(now() + make_interval(hours => $2), found.created_at + make_interval(days => $3)),
                last_seen_at = now()
           FROM found WHERE s.id = found.id AND s.last_seen_at < now() - interval '1 minute'
       )
       SELECT o.id AS operator_id, o.email, o.role, o.tenant_id, s.id AS credential_id, o.password_must_change
         FROM operator_sessions s JOIN found ON found.id = s.id JOIN operators o ON o.id = s.operator_id`,
      [sha256Hex(secret), SESSION_IDLE_HOURS, SESSION_MAX_AGE_DAYS],
    );
    return rows[0] ? toActor(rows[0], 'operator') : null;
  }

  /**
   * Of these actors, those whose login session or API token still works and whose operator still has the role and
   * tenant they had (for long-lived answers such as the usage stream). Ended, revoked or expired credentials, a
   * deleted operator or a changed role drop out. Two queries, whatever the number of actors.
   */
  async stillValid(actors: Actor[]): Promise<Set<Actor>> {
    const ids = (kind: Actor['kind']) => actors.filter((a) => a.kind === kind).flatMap((a) => credentials.get(a) ?? []);
    const [sessions, tokens] = await Promise.all([
      this.liveCredentials(
        `SELECT s.id, o.id AS operator_id, o.role, o.tenant_id FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
          WHERE s.id = ANY($1::uuid[]) AND s.expires_at > now()`,
        ids('operator'),
      ),
      this.liveCredentials(
        `SELECT t.id, o.id AS operator_id, o.role, o.tenant_id FROM api_tokens t JOIN operators o ON o.id = t.operator_id
          WHERE t.id = ANY($1::uuid[]) AND (t.expires_at IS NULL OR t.expires_at > now())`,
        ids('token'),
      ),
    ]);
    return new Set(
      actors.filter((a) => {
        const live = (a.kind === 'token' ? tokens : sessions).get(credentials.get(a) ?? '');
        return live !== undefined && live.operator_id === a.operatorId && live.role === a.role && live.tenant_id === a.tenantId;
      }),
    );
  }

  private async liveCredentials(sql: string, ids: string[]): Promise<Map<string, Omit<ActorRow, 'email' | 'credential_id'>>> {
    if (ids.length === 0) return new Map();
    const rows: Array<Omit<ActorRow, 'email' | 'credential_id'> & { id: string }> = await this.dataSource.query(sql, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async fromToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const rows: ActorRow[] = await this.dataSource.query(
      `WITH found AS (
         SELECT t.id FROM api_tokens t WHERE t.secret_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())
       ), used AS (
         UPDATE api_tokens t SET last_used_at = now()
           FROM found WHERE t.id = found.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')
       )
       SELECT o.id AS operator_id, o.email, o.role, o.tenant_id, t.id AS credential_id
         FROM api_tokens t JOIN found ON found.id = t.id JOIN operators o ON o.id = t.operator_id`,
      [sha256Hex(token)],
    );
    return rows[0] ? toActor(rows[0], 'token') : null;
  }
}

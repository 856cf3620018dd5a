import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from './actor';
import { ApiTokenEntity } from './api-token.entity';
import { AuditService } from './audit.service';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { randomSecret, sha256Hex, TOKEN_PREFIX } from './secrets';

export interface ApiToken {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it. */
  prefix: string;
  operatorId: string;
  operatorEmail: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  operator_id: string;
  operator_email: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  operatorId: r.operator_id,
  operatorEmail: r.operator_email,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
});

const audited = (t: ApiToken) => ({ id: t.id, name: t.name, prefix: t.prefix, operatorId: t.operatorId, expiresAt: t.expiresAt });

const SELECT = `SELECT t.id, t.name, t.prefix, t.operator_id, o.email AS operator_email, t.created_at, t.expires_at, t.last_used_at
                  FROM api_tokens t JOIN operators o ON o.id = t.operator_id`;

/** API tokens: `cmt_` + 32 random bytes, shown once, stored as SHA-256; they act for their operator. */
@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * A token created with a token is its child: it expires no later than its parent (an absent or later `expiresAt`
   * becomes the parent's) and is deleted with it (revocation cascades, in the database).
   */
  async create(actor: Actor, input: { name: string; expiresAt?: Date }): Promise<ApiToken & { token: string }> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new IdentityError(IdentityErrorCode.INVALID_TOKEN_REQUEST, 'expiresAt must be in the future', 'expiresAt');
    }
    const token = `${TOKEN_PREFIX}${randomSecret()}`;
    const id = uuidv7();
    return this.dataSource.transaction(async (m) => {
      let expiresAt = input.expiresAt ?? null;
      const parentTokenId = actor.kind === 'token' ? (actor.tokenId ?? null) : null;
      if (parentTokenId) {
        // Locked so the parent cannot be revoked between this read and the insert (the child would outlive it).
        const parents = await m.query<{ expires_at: Date | null }[]>(
          'SELECT expires_at FROM api_tokens WHERE id = $1 AND (expires_at IS NULL OR expires_at > now()) FOR SHARE',
          [parentTokenId],
        );
        if (parents.length === 0) throw IdentityError.unauthenticated('The API token is unknown, revoked or expired');
        const parentExpiry = parents[0].expires_at;
        if (parentExpiry && (!expiresAt || expiresAt > parentExpiry)) expiresAt = parentExpiry;
      }
      // One name per operator among live tokens (serialised per operator, so two creates cannot both pass the check).
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`api-token-name:${actor.operatorId}`]);
      const taken = await m.query<unknown[]>(
        'SELECT 1 FROM api_tokens WHERE operator_id = $1 AND lower(name) = lower($2) AND (expires_at IS NULL OR expires_at > now()) LIMIT 1',
        [actor.operatorId, input.name],
      );
      if (taken.length > 0) {
        throw new IdentityError(
          IdentityErrorCode.TOKEN_NAME_TAKEN,
          `You already have a token named "${input.name}": choose another name, or revoke that one first`,
          'name',
        );
      }
      await m.insert(ApiTokenEntity, {
        id,
        operatorId: actor.operatorId,
        name: input.name,
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        secretHash: sha256Hex(token),
        expiresAt,
        parentTokenId,
      });
      const created = toToken((await m.query<TokenRow[]>(`${SELECT} WHERE t.id = $1`, [id]))[0]);
      await this.audit.record(
        { actor, action: 'token.create', targetType: 'token', targetId: id, tenantId: actor.tenantId, after: audited(created) },
        m,
      );
      return { ...created, token };
    });
  }

  /** The actor's own tokens; an admin sees everyone's. Newest first. */
  async list(actor: Actor): Promise<ApiToken[]> {
    const rows =
      actor.role === 'admin'
        ? await this.dataSource.query<TokenRow[]>(`${SELECT} ORDER BY t.id DESC`)
        : await this.dataSource.query<TokenRow[]>(`${SELECT} WHERE t.operator_id = $1 ORDER BY t.id DESC`, [actor.operatorId]);
    return rows.map(toToken);
  }

  /** Revokes (deletes) a token, and the tokens created with it: the actor's own, or anyone's for an admin. */
  async revoke(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const rows = await m.query<(TokenRow & { tenant_id: string | null })[]>(
        `SELECT t.id, t.name, t.prefix, t.operator_id, o.email AS operator_email, t.created_at, t.expires_at, t.last_used_at, o.tenant_id
           FROM api_tokens t JOIN operators o ON o.id = t.operator_id WHERE t.id = $1 FOR UPDATE OF t`,
        [id],
      );
      const row = rows[0];
      if (!row || (actor.role !== 'admin' && row.operator_id !== actor.operatorId)) {
        throw new IdentityError(IdentityErrorCode.TOKEN_NOT_FOUND, `Token ${id} not found`);
      }
      await m.delete(ApiTokenEntity, { id });
      await this.audit.record(
        { actor, action: 'token.revoke', targetType: 'token', targetId: id, tenantId: row.tenant_id, before: audited(toToken(row)) },
        m,
      );
    });
  }
}

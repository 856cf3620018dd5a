import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity';

/** Serialises key creation and rotation across api processes (one active key at a time). */
const ROTATION_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('cm.signing_keys', 0))";

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction holding the rotation lock. */
  withRotationLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(ROTATION_LOCK);
      return work(manager);
    });
  }

  findActive(manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity | null> {
    return manager.findOne(SigningKeyEntity, { where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** The active key's kid only (the cheap poll every process runs). */
  async findActiveKid(): Promise<string | null> {
    const rows: Array<{ kid: string }> = await this.dataSource.query(
      'SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
    );
    return rows[0]?.kid ?? null;
  }

  findByKid(kid: string): Promise<SigningKeyEntity | null> {
    return this.dataSource.manager.findOneBy(SigningKeyEntity, { kid });
  }

  /** Keys still published: the active one and retired ones whose tokens may not have expired yet. Newest first. */
  findPublished(): Promise<SigningKeyEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(SigningKeyEntity, 'k')
      .where('k.retired_at IS NULL OR k.published_until > now()')
      .orderBy('k.created_at', 'DESC')
      .getMany();
  }

  async insert(
    manager: EntityManager,
    key: Pick<SigningKeyEntity, 'kid' | 'algorithm' | 'publicJwk' | 'privateJwk'>,
  ): Promise<SigningKeyEntity> {
    return manager.save(manager.create(SigningKeyEntity, { ...key, retiredAt: null, publishedUntil: null }));
  }

  /** Retires the active key(s): published `publishSeconds` more, then deleted. Returns their kids. */
  async retireActive(manager: EntityManager, publishSeconds: number): Promise<string[]> {
    const [rows]: [Array<{ kid: string }>, number] = await manager.query(
      `UPDATE signing_keys SET retired_at = now(), published_until = now() + make_interval(secs => $1)
       WHERE retired_at IS NULL RETURNING kid`,
      [publishSeconds],
    );
    return rows.map((r) => r.kid);
  }

  /** Deletes keys no token can need any more (their private keys go with them). */
  async deleteUnpublished(manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND published_until <= now()');
  }
}

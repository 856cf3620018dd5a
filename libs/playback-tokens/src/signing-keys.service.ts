import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { EntityManager } from 'typeorm';
import type { PlaybackTokenAlgorithm } from '@cm/contracts';
import { type Actor, AuditService } from '@cm/identity';
import { PLAYBACK_TOKENS_OPTIONS, type PlaybackTokensOptions } from './playback-tokens.options';
import type { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

/** A signing key as the management API shows it: never the private part. */
export interface SigningKey {
  kid: string;
  algorithm: string;
  /** Signs new tokens. */
  active: boolean;
  createdAt: Date;
  retiredAt: Date | null;
  /** A retired key is published in the JWKS until then (every token it signed has expired by then). */
  publishedUntil: Date | null;
}

/** The active key, imported once per process (a non-extractable CryptoKey). */
export interface Signer {
  kid: string;
  algorithm: PlaybackTokenAlgorithm;
  key: CryptoKey;
}

/** How often each process checks whether another one rotated the key. */
const POLL_MS = 5000;
/** Slack on top of the longest token lifetime before a retired key leaves the JWKS. */
const PUBLISH_SLACK_SECONDS = 60;

const toSigningKey = (e: SigningKeyEntity): SigningKey => ({
  kid: e.kid,
  algorithm: e.algorithm,
  active: e.retiredAt === null,
  createdAt: e.createdAt,
  retiredAt: e.retiredAt,
  publishedUntil: e.publishedUntil,
});

/** Public JWK fields only, whatever the stored JWK holds. */
function publicJwk(e: SigningKeyEntity): JWK {
  const { kty, crv, x, y } = e.publicJwk as JWK;
  return { kty, crv, x, ...(y === undefined ? {} : { y }), kid: e.kid, alg: e.algorithm, use: 'sig' };
}

/**
 * The key pairs that sign playback tokens: made on first start, stored in PostgreSQL, rotated by an admin. Every
 * process keeps the active key imported in memory (signing never touches the database) and polls for rotations.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private signer?: Signer;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly audit: AuditService,
    @Inject(PLAYBACK_TOKENS_OPTIONS) private readonly options: PlaybackTokensOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureActiveKey();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.logger.debug(`signing key poll failed: ${String(error)}`));
    }, POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key that signs now (loaded at start-up, so this only waits when called before that). */
  async current(): Promise<Signer> {
    return this.signer ?? (await this.ensureActiveKey());
  }

  /** The published public keys (active and retired-but-needed), as a JWK Set. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.keys.findPublished()).map(publicJwk) };
  }

  async list(): Promise<SigningKey[]> {
    return (await this.keys.findPublished()).map(toSigningKey);
  }

  /**
   * Makes a new active key; the previous one stays published until every token it signed has expired (the
   * longest token lifetime plus a minute for other processes to notice). Audited, without any key material.
   */
  async rotate(actor: Actor, algorithm: PlaybackTokenAlgorithm = this.options.algorithm): Promise<SigningKey> {
    const publishSeconds = this.options.maxTokenLifetimeSeconds + PUBLISH_SLACK_SECONDS;
    const created = await this.keys.withRotationLock(async (m) => {
      const retired = await this.keys.retireActive(m, publishSeconds);
      await this.keys.deleteUnpublished(m);
      const key = await this.create(m, algorithm);
      await this.audit.record(
        {
          actor,
          action: 'signing-key.rotate',
          targetType: 'signing-key',
          targetId: key.kid,
          tenantId: null,
          before: { activeKid: retired[0] ?? null },
          after: { activeKid: key.kid, algorithm },
        },
        m,
      );
      return key;
    });
    this.signer = await this.importSigner(created);
    return toSigningKey(created);
  }

  /** The active key, made when there is none (first start); concurrent starts agree through the rotation lock. */
  private async ensureActiveKey(): Promise<Signer> {
    let active = await this.keys.findActive();
    if (!active) {
      active = await this.keys.withRotationLock(
        async (m) => (await this.keys.findActive(m)) ?? (await this.create(m, this.options.algorithm)),
      );
      this.logger.log(`created the playback token signing key ${active.kid} (${active.algorithm})`);
    }
    this.signer = await this.importSigner(active);
    return this.signer;
  }

  /** Picks up a rotation made by another process. */
  private async refresh(): Promise<void> {
    const kid = await this.keys.findActiveKid();
    if (kid === null || kid === this.signer?.kid) return;
    const key = await this.keys.findByKid(kid);
    if (key) this.signer = await this.importSigner(key);
  }

  private async create(m: EntityManager, algorithm: PlaybackTokenAlgorithm): Promise<SigningKeyEntity> {
    const pair = await generateKeyPair(algorithm, { extractable: true, ...(algorithm === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
    const publicKey = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicKey);
    return this.keys.insert(m, {
      kid,
      algorithm,
      publicJwk: publicKey,
      privateJwk: await exportJWK(pair.privateKey),
    });
  }

  private async importSigner(e: SigningKeyEntity): Promise<Signer> {
    const algorithm = e.algorithm as PlaybackTokenAlgorithm;
    const key = await importJWK(e.privateJwk as JWK, algorithm);
    if (!(key instanceof CryptoKey)) throw new Error(`signing key ${e.kid} did not import as a private key`);
    return { kid: e.kid, algorithm, key };
  }
}

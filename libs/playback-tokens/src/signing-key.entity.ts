import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A key pair that signs playback tokens. One is active (`retired_at` null); a retired one stays published in the
 * JWKS until `published_until`, when every token it signed has expired, and is deleted after that.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  /** The JWK thumbprint (RFC 7638) of the public key: the tokens' `kid`. */
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  /** `EdDSA` (Ed25519) or `ES256`. */
  @Column({ type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  /** The private key as a JWK. Never leaves the server: no answer, log or audit entry carries it. */
  @Column({ name: 'private_jwk', type: 'jsonb' })
  privateJwk!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'published_until', type: 'timestamptz', nullable: true })
  publishedUntil!: Date | null;
}

import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EntitlementsSettings } from './entitlements-settings';
import { TenantEntity } from './tenant.entity';

@Entity({ name: 'applications' })
export class ApplicationEntity {
  /** The application id players send as the Basic auth user name. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'web' })
  platform!: string;

  @Column({ name: 'heartbeat_interval_seconds', type: 'integer', default: 60 })
  heartbeatIntervalSeconds!: number;

  /** SHA-256 (hex) of the application secret; null when the application needs no secret. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /**
   * Moves (to a fresh value of the `application_policy_epoch` sequence) whenever something that decides this
   * application's streams changes: its settings, its policies' rules, which applications share them. A session
   * stores the epoch it was last checked against; the common heartbeat succeeds only while they are equal.
   */
  @Column({ name: 'policy_epoch', type: 'bigint', default: () => "nextval('application_policy_epoch')" })
  policyEpoch!: string;

  /** Admitted inits and successful heartbeats carry a signed playback token (X-CM-Playback-Token). */
  @Column({ name: 'playback_tokens_enabled', type: 'boolean', default: false })
  playbackTokensEnabled!: boolean;

  /** The operator's identity system whose entitlement tokens players send (issuer, audience, public keys); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  entitlements!: EntitlementsSettings | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Last change of the application's configuration (its own fields or its policies): `Last-Modified` of /v2/metadata. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One admitted start with its place (docs/sharing.md); kept 30 days. */
@Entity({ name: 'sharing_starts' })
@Index('sharing_starts_by_account', ['tenantId', 'idp', 'subject', 'startedAt'])
@Index('sharing_starts_by_time', ['startedAt'])
export class SharingStartEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_starts', name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ type: 'text' })
  idp!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'device_id', type: 'text', nullable: true })
  deviceId!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ name: 'network_id', type: 'text', nullable: true })
  networkId!: string | null;

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @Column({ type: 'text', nullable: true })
  city!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ type: 'integer', nullable: true })
  asn!: number | null;

  @Column({ name: 'asn_organisation', type: 'text', nullable: true })
  asnOrganisation!: string | null;

  /** 'fixed' | 'mobile' | 'hosting' (network-kind.ts). */
  @Column({ type: 'text' })
  kind!: string;
}

/** The latest sharing score of an account on a tenant, with its evidence. */
@Entity({ name: 'sharing_scores' })
@Index('sharing_scores_by_score', ['tenantId', 'score'])
export class SharingScoreEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_scores', name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_scores', type: 'text' })
  idp!: string;

  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_scores', type: 'text' })
  subject!: string;

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'jsonb' })
  evidence!: unknown;

  @Column({ type: 'jsonb' })
  flags!: unknown;

  @Column({ name: 'networks_24h', type: 'integer' })
  networks24h!: number;

  @Column({ name: 'networks_30d', type: 'integer' })
  networks30d!: number;

  @Column({ name: 'countries_24h', type: 'integer' })
  countries24h!: number;

  @Column({ name: 'countries_30d', type: 'integer' })
  countries30d!: number;

  @Column({ name: 'devices_new_7d', type: 'integer' })
  devicesNew7d!: number;

  @Column({ name: 'last_start_at', type: 'timestamptz', nullable: true })
  lastStartAt!: Date | null;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;
}

/** The latest review of an account on a tenant. */
@Entity({ name: 'sharing_reviews' })
export class SharingReviewEntity {
  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_reviews', name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_reviews', type: 'text' })
  idp!: string;

  @PrimaryColumn({ primaryKeyConstraintName: 'PK_sharing_reviews', type: 'text' })
  subject!: string;

  @Column({ name: 'reviewed_by', type: 'text' })
  reviewedBy!: string;

  @Column({ name: 'reviewed_at', type: 'timestamptz' })
  reviewedAt!: Date;

  @Column({ name: 'score_at_review', type: 'integer' })
  scoreAtReview!: number;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}

export const SHARING_ENTITIES = [SharingStartEntity, SharingScoreEntity, SharingReviewEntity];

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Usage history: per application, per minute, hour and day (UTC). Every api process adds its own increments
 * with `INSERT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x`; `peak_running` keeps the highest running count
 * sampled in the bucket. Written by hand-made SQL in UsageRepository; this entity defines the schema.
 */
@Entity({ name: 'usage_buckets' })
@Index('usage_buckets_by_tenant', ['tenantId', 'granularity', 'bucketStart'])
export class UsageBucketEntity {
  /** minute, hour or day */
  @PrimaryColumn({ type: 'text' })
  granularity!: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart!: Date;

  /** Not a foreign key: history outlives a deleted application. */
  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  /** The application's tenant when counted, so history stays scoped after the application is gone. */
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'bigint', default: 0 })
  started!: string;

  @Column({ type: 'bigint', default: 0 })
  denied!: string;

  @Column({ type: 'bigint', default: 0 })
  dismissed!: string;

  @Column({ type: 'bigint', default: 0 })
  killed!: string;

  @Column({ type: 'bigint', default: 0 })
  stopped!: string;

  @Column({ type: 'bigint', default: 0 })
  expired!: string;

  @Column({ name: 'peak_running', type: 'integer', default: 0 })
  peakRunning!: number;
}

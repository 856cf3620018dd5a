import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last few minutes of events in 10-second slices, across every api process: the live snapshot's
 * `lastMinute` sums the six most recent. Rows older than five minutes are deleted at each flush.
 */
@Entity({ name: 'usage_recent' })
export class UsageRecentEntity {
  @PrimaryColumn({ name: 'slice_start', type: 'timestamptz' })
  sliceStart!: Date;

  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'integer', default: 0 })
  started!: number;

  @Column({ type: 'integer', default: 0 })
  denied!: number;

  @Column({ type: 'integer', default: 0 })
  dismissed!: number;

  @Column({ type: 'integer', default: 0 })
  killed!: number;

  @Column({ type: 'integer', default: 0 })
  stopped!: number;

  @Column({ type: 'integer', default: 0 })
  expired!: number;
}

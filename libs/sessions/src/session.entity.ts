import type { EndReason, Metadata } from '@cm/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One playback. Running while `ended_at` is null and `expires_at + grace` has not passed; ended sessions
 * are kept (with the reason) for the account look-up until the retention sweep removes them.
 * The hot path uses hand-written SQL in PostgresSessionStore; this entity defines the schema. `expires_at` is
 * deliberately not indexed: heartbeats then update rows in place (HOT, with the table's fillfactor 80) instead of
 * writing index entries; the sweeper finds silent sessions through the running-sessions partial index.
 */
@Entity({ name: 'sessions' })
@Index('sessions_ended_at', ['endedAt'], { where: 'ended_at IS NOT NULL' })
@Index('sessions_running_termination_code', ['idp', 'subject', 'terminationCode'], { unique: true, where: 'ended_at IS NULL' })
@Index('sessions_running_by_application', ['applicationId'], { where: 'ended_at IS NULL' })
export class SessionEntity {
  /** UUIDv7: time-ordered. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  idp!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'termination_code', type: 'char', length: 8 })
  terminationCode!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Metadata;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'last_heartbeat_at', type: 'timestamptz', nullable: true })
  lastHeartbeatAt!: Date | null;

  /** The configuration epoch this session was last checked against (see ConfigEpochEntity). */
  @Column({ name: 'policy_epoch', type: 'bigint' })
  policyEpoch!: string;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason!: EndReason | null;

  /** The body a dismissed (409) or killed (410) session's next call receives. */
  @Column({ name: 'end_detail', type: 'jsonb', nullable: true })
  endDetail!: unknown;
}

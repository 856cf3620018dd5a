import type { Metadata, RuleViolationAdvice } from '@cm/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One denial (a 409 at init) or dismissal (a running stream ended by the policies) of an account, with the rules
 * that decided it, the conflicting streams and the device concerned. Written in batches from the session events;
 * kept as long as ended sessions (CM_ENDED_RETENTION_HOURS).
 */
@Entity({ name: 'decisions' })
@Index('decisions_by_account', ['idp', 'subject', 'at'])
@Index('decisions_by_tenant', ['tenantId', 'at'])
@Index('decisions_by_time', ['at'])
export class DecisionEntity {
  /** UUIDv7: time-ordered. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** `denied` or `dismissed`. */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'text' })
  idp!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'application_name', type: 'text' })
  applicationName!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The dismissed session (null for a denial: no session was made). */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  /** The metadata of the device that asked (denial) or whose stream ended (dismissal). */
  @Column({ type: 'jsonb' })
  metadata!: Metadata;

  /** The rule-violation advice of the 409 body, as the player got it. */
  @Column({ type: 'jsonb' })
  advice!: RuleViolationAdvice[];
}

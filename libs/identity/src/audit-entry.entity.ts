import { BeforeInsert, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/** Who changed what. No foreign keys: entries outlive the operators, tenants and objects they name. */
@Entity({ name: 'audit_log' })
@Index(['tenantId', 'id'])
@Index(['targetType', 'targetId'])
@Index(['actorId'])
export class AuditEntryEntity {
  /** UUIDv7: ordering by id is ordering by time. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_email', type: 'text' })
  actorEmail!: string;

  /** Set when the actor used an API token. */
  @Column({ name: 'actor_token_id', type: 'uuid', nullable: true })
  actorTokenId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text' })
  targetType!: string;

  @Column({ name: 'target_id', type: 'text' })
  targetId!: string;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}

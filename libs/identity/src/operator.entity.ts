import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from './actor';

@Entity({ name: 'operators' })
export class OperatorEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Stored trimmed and lower-cased, so uniqueness is case-insensitive. */
  @Column({ type: 'text', unique: true })
  email!: string;

  /** argon2id (PHC string). */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  /** Set by a password reset: the operator must choose a new password before doing anything else. */
  @Column({ name: 'password_must_change', type: 'boolean', default: false })
  passwordMustChange!: boolean;

  @Column({ type: 'text' })
  role!: Role;

  /** null for admins; the tenant of a tenant-admin or viewer. */
  @Index()
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  // By name: identity must not import @cm/tenants; the data source registers both entities.
  @ManyToOne('TenantEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}

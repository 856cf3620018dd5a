import type { AnyRule } from '@cm/contracts';
import { Column, CreateDateColumn, Entity, Index, BeforeInsert, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

@Entity({ name: 'policies' })
@Index(['tenantId', 'name'], { unique: true })
export class PolicyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Validated by the policy engine before every write. */
  @Column({ type: 'jsonb' })
  rules!: AnyRule[];

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}

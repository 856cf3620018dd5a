import type { AnyRule } from '@cm/contracts';
import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { PolicyEntity } from './policy.entity';

/** Every saved state of a policy, kept for history and diffs. */
@Entity({ name: 'policy_versions' })
export class PolicyVersionEntity {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'jsonb' })
  rules!: AnyRule[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => PolicyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id' })
  policy?: PolicyEntity;
}

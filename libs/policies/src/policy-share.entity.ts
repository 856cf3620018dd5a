import { JoinColumn, ManyToOne, Entity, Index, PrimaryColumn } from 'typeorm';
import { PolicyEntity } from './policy.entity';

/** A policy its owner shares with another tenant, whose applications may then attach it. */
@Entity({ name: 'policy_shares' })
export class PolicyShareEntity {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @Index()
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => PolicyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id' })
  policy?: PolicyEntity;
}

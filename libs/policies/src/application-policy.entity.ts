import { JoinColumn, ManyToOne, Entity, Index, PrimaryColumn } from 'typeorm';
import { PolicyEntity } from './policy.entity';

/** A policy attached to an application: its rules decide that application's streams. */
@Entity({ name: 'application_policies' })
export class ApplicationPolicyEntity {
  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Index()
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @ManyToOne(() => PolicyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'policy_id' })
  policy?: PolicyEntity;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row whose `epoch` grows on every configuration change (applications, policies, attachments, shares). Caches
 * covering the whole configuration poll it; the per-application `applications.policy_epoch` is what sessions and
 * the CM hot path compare (see ConfigEpochService).
 */
@Entity({ name: 'config_epoch' })
export class ConfigEpochEntity {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id!: number;

  @Column({ type: 'bigint', default: 1 })
  epoch!: string;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;
}

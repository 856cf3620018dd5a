import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row whose `epoch` grows on every change that can alter a CM decision (applications, policies,
 * attachments, shares). A session remembers the epoch it was last checked at, so the common heartbeat is
 * one UPDATE that also proves nothing changed since; any other process sees the change at once.
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

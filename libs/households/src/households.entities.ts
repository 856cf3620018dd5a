import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A device registered to an account under a policy's device-registration rule. Keyed by the policy: each policy
 * that caps devices keeps its own register, like it counts its own streams.
 */
@Entity({ name: 'devices' })
export class DeviceEntity {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @PrimaryColumn({ type: 'text' })
  idp!: string;

  @PrimaryColumn({ type: 'text' })
  subject!: string;

  /** The value of the rule's `by` attribute (`deviceId` by default). */
  @PrimaryColumn({ name: 'device_id', type: 'text' })
  deviceId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  platform!: string;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;
}

/** A device removal: the viewer's count against the swap quota (operators' removals are kept but do not count). */
@Entity({ name: 'device_removals' })
@Index('device_removals_by_account', ['policyId', 'idp', 'subject', 'removedAt'])
export class DeviceRemovalEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @Column({ type: 'text' })
  idp!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'device_id', type: 'text' })
  deviceId!: string;

  @Column({ name: 'removed_at', type: 'timestamptz' })
  removedAt!: Date;

  /** 'viewer' (counts against the swap quota) or 'operator'. */
  @Column({ name: 'removed_by', type: 'text' })
  removedBy!: 'viewer' | 'operator';
}

/**
 * Admitted starts per account, tenant (of the application), network and UTC day: what the tenant's "network of most
 * of its playback" is computed from, and what that tenant's operators see. Another tenant's starts never count.
 */
@Entity({ name: 'account_networks' })
export class AccountNetworkEntity {
  @PrimaryColumn({ type: 'text' })
  idp!: string;

  @PrimaryColumn({ type: 'text' })
  subject!: string;

  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'network_id', type: 'text' })
  networkId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @Column({ type: 'integer', nullable: true })
  asn!: number | null;

  @Column({ type: 'integer' })
  starts!: number;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;
}

/**
 * A tenant's operator's choice of an account's home network (overrides the one computed from that tenant's
 * playback). Per tenant: one tenant's choice never moves another's home.
 */
@Entity({ name: 'home_networks' })
export class HomeNetworkEntity {
  @PrimaryColumn({ type: 'text' })
  idp!: string;

  @PrimaryColumn({ type: 'text' })
  subject!: string;

  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'network_id', type: 'text' })
  networkId!: string;

  @Column({ name: 'set_by', type: 'text' })
  setBy!: string;

  @Column({ name: 'set_at', type: 'timestamptz' })
  setAt!: Date;
}

export const HOUSEHOLD_ENTITIES = [DeviceEntity, DeviceRemovalEntity, AccountNetworkEntity, HomeNetworkEntity];

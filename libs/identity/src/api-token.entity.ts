import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { OperatorEntity } from './operator.entity';

/** An API token acts for the operator who created it, with that operator's role and tenant. Only its SHA-256 is kept. */
@Entity({ name: 'api_tokens' })
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index()
  @Column({ name: 'operator_id', type: 'uuid' })
  operatorId!: string;

  @ManyToOne(() => OperatorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operator_id' })
  operator?: OperatorEntity;

  @Column({ type: 'text' })
  name!: string;

  /** The first characters of the token (e.g. `cmt_AbC1`), to recognise it in lists. */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'secret_hash', type: 'text', unique: true })
  secretHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** The token this one was created with (null: by a signed-in operator). It expires no later, and goes with it. */
  @Index()
  @Column({ name: 'parent_token_id', type: 'uuid', nullable: true })
  parentTokenId!: string | null;

  @ManyToOne(() => ApiTokenEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_token_id' })
  parent?: ApiTokenEntity;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}

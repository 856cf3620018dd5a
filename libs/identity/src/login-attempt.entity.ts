import { BeforeInsert, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/** A failed login, kept for the rate-limit window: per account (email) and per client address. */
@Entity({ name: 'login_failures' })
@Index(['email', 'at'])
@Index(['ip', 'at'])
export class LoginFailureEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  ip!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}

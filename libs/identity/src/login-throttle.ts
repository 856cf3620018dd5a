import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

export interface LoginLimits {
  windowSeconds: number;
  perAccount: number;
  perAddress: number;
}

/** 5 failures per account and 20 per client address within 15 minutes; then 429 until the oldest leaves the window. */
export const LOGIN_LIMITS: LoginLimits = { windowSeconds: 15 * 60, perAccount: 5, perAddress: 20 };

/**
 * Failed logins, counted in PostgreSQL so every api process sees the same numbers. Concurrent failures may
 * overshoot a limit by the number of requests in flight; the next attempt is refused all the same.
 */
@Injectable()
export class LoginThrottle {
  readonly limits = LOGIN_LIMITS;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Seconds to wait before the next attempt, or 0 when one is allowed. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const { windowSeconds, perAccount, perAddress } = this.limits;
    const rows: { wait: number | null }[] = await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM max(until) - now()))::int AS wait FROM (
         (SELECT at + make_interval(secs => $3) AS until FROM login_failures
           WHERE email = $1 AND at > now() - make_interval(secs => $3) ORDER BY at DESC OFFSET $4 - 1 LIMIT 1)
         UNION ALL
         (SELECT at + make_interval(secs => $3) FROM login_failures
           WHERE ip = $2 AND at > now() - make_interval(secs => $3) ORDER BY at DESC OFFSET $5 - 1 LIMIT 1)
       ) blocked`,
      [email, ip, windowSeconds, perAccount, perAddress],
    );
    return Math.max(0, rows[0]?.wait ?? 0);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE at < now() - make_interval(secs => $1)`, [this.limits.windowSeconds]);
    await this.dataSource.query(`INSERT INTO login_failures (id, email, ip) VALUES ($1, $2, $3)`, [uuidv7(), email, ip]);
  }

  /** A successful login clears the account's failures (not the address's). */
  async recordSuccess(email: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE email = $1`, [email]);
  }
}

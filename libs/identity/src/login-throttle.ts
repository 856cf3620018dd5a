import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

export interface LoginLimits {
  /** Failures older than this are forgotten. */
  windowSeconds: number;
  /** Failures from one client address (any account) before that address is refused until the oldest leaves the window. */
  perAddress: number;
  /** Failures of one account (from anywhere) before the addresses that failed for it must wait between attempts. */
  freePerAccount: number;
  /** The longest such wait. */
  maxDelaySeconds: number;
}

/**
 * Per address: 20 failures within 15 minutes lock that address out (429) until the oldest leaves the window.
 * Per account: after 5 failures from anywhere, an address that failed for the account waits 1 s after its own last
 * failure, doubling with each further failure of the account (2, 4, … at most 60 s). An address that has not
 * failed for the account is never held back by the others: the owner signs in while someone guesses elsewhere.
 */
export const LOGIN_LIMITS: LoginLimits = { windowSeconds: 15 * 60, perAddress: 20, freePerAccount: 5, maxDelaySeconds: 60 };

/**
 * Failed logins, counted in PostgreSQL so every api process sees the same numbers. Concurrent failures may
 * overshoot a limit by the number of requests in flight; the next attempt is refused all the same.
 */
@Injectable()
export class LoginThrottle {
  readonly limits = LOGIN_LIMITS;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Seconds this address must wait before its next attempt for this account, or 0 when one is allowed now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const { windowSeconds, perAddress, freePerAccount, maxDelaySeconds } = this.limits;
    const rows: { wait: number | null }[] = await this.dataSource.query(
      `WITH address_lock AS (
         SELECT at + make_interval(secs => $3) AS until FROM login_failures
          WHERE ip = $2 AND at > now() - make_interval(secs => $3) ORDER BY at DESC OFFSET $4 - 1 LIMIT 1
       ), account AS (
         SELECT count(*)::int AS failures, max(at) FILTER (WHERE ip = $2) AS last_here FROM login_failures
          WHERE email = $1 AND at > now() - make_interval(secs => $3)
       )
       SELECT ceil(extract(epoch FROM greatest(
                (SELECT until FROM address_lock),
                (SELECT last_here + make_interval(secs => least(power(2, failures - $5), $6)) FROM account
                  WHERE failures >= $5 AND last_here IS NOT NULL)
              ) - now()))::int AS wait`,
      [email, ip, windowSeconds, perAddress, freePerAccount, maxDelaySeconds],
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

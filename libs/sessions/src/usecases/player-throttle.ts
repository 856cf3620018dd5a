import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import type { AccountKey } from '../session-store.port';
import { CmError, CmErrorCode } from '../sessions.errors';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { Throttle } from '../throttle';

/** The player API's throttles (DESIGN §2): calls per session (heartbeat + stop) and inits per account. */
@Injectable()
export class PlayerThrottle {
  private readonly perSession: Throttle;
  private readonly perAccount: Throttle;

  constructor(
    @Inject(SESSIONS_OPTIONS) options: SessionsOptions,
    private readonly clock: Clock,
  ) {
    this.perSession = new Throttle(options.throttleSessionPerMinute, clock);
    this.perAccount = new Throttle(options.throttleAccountInitsPerMinute, clock);
  }

  init(account: AccountKey): void {
    this.check(this.perAccount, `${account.idp}\u0000${account.subject}`);
  }

  session(id: string): void {
    this.check(this.perSession, id);
  }

  /**
   * 429 once a key used up its window (throttle.ts). `Expires` is the instant the next call will be accepted and
   * `Retry-After` the seconds from this answer's `Date` to it, so Date + Retry-After = Expires exactly (whole seconds,
   * rounded so that a call at Expires is accepted).
   */
  private check(throttle: Throttle, key: string): void {
    const nextAllowedAt = throttle.hit(key);
    if (nextAllowedAt === 0) return;
    const date = Math.floor(this.clock.now() / 1000) * 1000;
    const expires = Math.max(date + 1000, Math.ceil(nextAllowedAt / 1000) * 1000);
    const retryAfter = (expires - date) / 1000;
    throw new CmError(CmErrorCode.THROTTLED, `Too many calls; retry in ${retryAfter} s`, undefined, {
      Date: new Date(date).toUTCString(),
      'Retry-After': String(retryAfter),
      Expires: new Date(expires).toUTCString(),
    });
  }
}

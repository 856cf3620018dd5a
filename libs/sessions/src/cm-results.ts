import type { InitResponseBody } from '@cm/contracts';

export interface InitResult {
  body: InitResponseBody;
  expiresAt: Date;
  /** Answered without the database (CM_FAIL_MODE=open during an outage). */
  degraded?: boolean;
}

export interface HeartbeatResult {
  expiresAt: Date;
  degraded?: boolean;
}

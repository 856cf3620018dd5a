import type { InitResponseBody } from '@cm/contracts';

/**
 * `acceptedAt` is the store's clock when it accepted the start or heartbeat (expiry = acceptedAt + the heartbeat
 * window): the answer's HTTP `Date`, so that a player reading Expires − Date gets the window exactly. Node's own Date
 * header is a per-second cache read when the answer is written, which put 59 or 61 s between the two.
 */
export interface InitResult {
  body: InitResponseBody;
  expiresAt: Date;
  acceptedAt: Date;
  /** Answered without the database (CM_FAIL_MODE=open during an outage). */
  degraded?: boolean;
}

export interface HeartbeatResult {
  expiresAt: Date;
  acceptedAt: Date;
  degraded?: boolean;
}

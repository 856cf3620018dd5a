import type { AccountKey } from '../session-store.port';

/**
 * How sessions are laid out in Redis (one node or a Cluster). Every account is hashed into one of BUCKETS buckets;
 * every key of a bucket carries the same hash tag (`{n}`), so one bucket — all its accounts, their sessions and the
 * bucket's indexes — lives in one hash slot, and one Lua script can update a session together with its indexes.
 * Cross-account work (the sweeper, running counts, look-up by id, ending an application's sessions) walks the
 * buckets. Fixed: every process of a deployment must agree on it, and changing it strands existing sessions.
 *
 *   P{n}:s:<id>          HASH   one session: a app, i idp, u subject, c termination code, m metadata (JSON),
 *                               st start, ex expiry, hb last heartbeat (ms), ep policy epoch,
 *                               en end (ms), r end reason, d end detail (JSON) — en/r/d once ended
 *   P{n}:a:<len>:<idp>:<subject>  HASH  the account: v version (bumped by every decision and every ending),
 *                               <id> → 1 unended / 0 ended, for every kept session of the account
 *   P{n}:x               ZSET   unended sessions of the bucket by expiry (ms): the sweeper's index
 *   P{n}:e               ZSET   ended sessions of the bucket by end (ms): the retention purge's index
 *   P{n}:n               HASH   application id → unended sessions of the bucket (running counts)
 *   P{n}:p:<app>         SET    unended sessions of the bucket of one application (deleting an application)
 *   P{n}:q               STRING the bucket's version sequence (account versions never repeat, even when an
 *                               account's hash is purged and made again)
 */
export const BUCKETS = 1024;

/** FNV-1a (32 bit) over the UTF-8 bytes of the account: the same bucket on every process. */
export function bucketOf(account: AccountKey): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(`${account.idp}\u0000${account.subject}`, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % BUCKETS;
}

export class RedisKeys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) throw new Error('the Redis key prefix must not contain { or }');
  }

  /** `P{n}:`, the start of every key of bucket n (passed to the scripts, which build the other keys from it). */
  base(bucket: number): string {
    return `${this.prefix}{${bucket}}:`;
  }

  session(bucket: number, id: string): string {
    return `${this.base(bucket)}s:${id}`;
  }

  /** Must match `akey()` in the scripts: the idp's length in UTF-8 bytes keeps idp/subject pairs apart. */
  account(bucket: number, account: AccountKey): string {
    return `${this.base(bucket)}a:${Buffer.byteLength(account.idp, 'utf8')}:${account.idp}:${account.subject}`;
  }

  expiry(bucket: number): string {
    return `${this.base(bucket)}x`;
  }

  ended(bucket: number): string {
    return `${this.base(bucket)}e`;
  }

  counts(bucket: number): string {
    return `${this.base(bucket)}n`;
  }

  byApplication(bucket: number, applicationId: string): string {
    return `${this.base(bucket)}p:${applicationId}`;
  }
}

/** CRC16/XMODEM table for the cluster's key → slot function. */
const CRC16 = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
})();

/** The Redis Cluster hash slot of a key (its `{tag}` when it has a non-empty one). */
export function hashSlot(key: string): number {
  let bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16[((crc >> 8) ^ b) & 0xff];
  return crc & 0x3fff;
}

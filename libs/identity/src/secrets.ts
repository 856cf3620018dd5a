import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'cmt_';

/** 32 random bytes, base64url: the session cookie value and the body of an API token. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Session secrets and API tokens are high-entropy random strings: a fast hash is enough, and looking the hash up
 * by an index never compares the secret itself, so there is nothing to time.
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

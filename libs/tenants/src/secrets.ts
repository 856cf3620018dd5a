import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new application secret: 32 random bytes, base64url. Shown once, stored only as a hash. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are high-entropy random strings, so a fast hash is enough and keeps every CM call cheap. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets we issue (admin API keys, SCIM tokens) carry 256 bits of randomness, so a SHA-256 digest is
 * a safe way to keep them at rest: nobody can brute-force the preimage, and lookups stay fast.
 */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A short public identifier (for the lookup half of a key); not a secret. */
export function generateKeyId(length = 12): string {
  const bytes = randomBytes(length * 2);
  let id = '';
  for (const byte of bytes) {
    if (byte < 248) id += BASE62[byte % 62];
    if (id.length === length) return id;
  }
  return id + generateKeyId(length - id.length);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hex digest. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  return secretMatchesHash(a, hashSecret(b));
}

import { timingSafeEqual } from 'node:crypto';
import {
  generateKeyId,
  generateSecret,
  hashSecret,
  secretMatchesHash,
  secretsEqual,
} from './secrets';

// The real timingSafeEqual, watched: the helper must compare through it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});
const compare = jest.mocked(timingSafeEqual);

describe('secrets', () => {
  it('generates url-safe secrets with 256 bits of randomness', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
  });

  it('generates base62 key ids of the requested length', () => {
    for (let i = 0; i < 50; i += 1) expect(generateKeyId(12)).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('matches a secret only against its own hash', () => {
    const secret = generateSecret();
    const hash = hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatchesHash(secret, hash)).toBe(true);
    expect(secretMatchesHash(`${secret}x`, hash)).toBe(false);
    expect(secretMatchesHash(secret, 'abcd')).toBe(false);
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('a', 'a')).toBe(true);
    expect(secretsEqual('a', 'ab')).toBe(false);
    expect(secretsEqual('', 'a')).toBe(false);
    expect(secretsEqual('pässwörd', 'pässwörd')).toBe(true);
    expect(secretsEqual('pässwörd', 'passwörd')).toBe(false);
  });

  describe('in constant time', () => {
    beforeEach(() => compare.mockClear());

    it('compares two 32-byte digests with timingSafeEqual, whatever was presented', () => {
      const secret = generateSecret();
      const hash = hashSecret(secret);
      const presented = [secret, `${secret}x`, 'x', '', 'y'.repeat(10_000), secret.slice(0, -1)];
      const results = presented.map((p) => secretMatchesHash(p, hash));
      expect(results).toEqual([true, false, false, false, false, false]);
      // One comparison per check, always of two SHA-256 digests: the time does not depend on how
      // much of the presented secret is right, nor on its length.
      expect(compare).toHaveBeenCalledTimes(presented.length);
      for (const [a, b] of compare.mock.calls as [Buffer, Buffer][]) {
        expect([a.length, b.length]).toEqual([32, 32]);
      }
    });

    it('checks configured tokens (operator, metrics) the same way', () => {
      expect(secretsEqual('short', 'a-much-longer-configured-token-value')).toBe(false);
      expect(secretsEqual('a-much-longer-configured-token-value', 'short')).toBe(false);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('refuses a stored digest of the wrong length without comparing', () => {
      expect(secretMatchesHash('x', 'abcd')).toBe(false);
      expect(secretMatchesHash('x', '')).toBe(false);
      expect(compare).not.toHaveBeenCalled();
    });
  });
});

import {
  generateKeyId,
  generateSecret,
  hashSecret,
  secretMatchesHash,
  secretsEqual,
} from './secrets';

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
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig, ServerKeys } from '@rollcall/common';
import { KEY_FILE_NAME, keyFromDataDir, WebhookSecretBox } from './secret-box';
import { backoffMs } from './webhook.model';
import { generateWebhookSecret, signatureHeaders } from './webhook-sender';
import { createHmac } from 'node:crypto';

function boxWith(
  database: AppConfig['database'],
  secretKey: Buffer | undefined,
  serverKey = Buffer.alloc(32, 9),
) {
  const config = { database, events: { webhooks: { secretKey } } } as unknown as AppConfig;
  const serverKeys = { key: jest.fn(async () => serverKey) } as unknown as ServerKeys;
  return { box: new WebhookSecretBox(config, serverKeys), serverKeys };
}

describe('webhook secrets at rest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollcall-webhook-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the key file once, readable by its owner only, and reads it back', () => {
    const key = keyFromDataDir(join(dir, 'data'));
    expect(key).toHaveLength(32);
    const path = join(dir, 'data', KEY_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(keyFromDataDir(join(dir, 'data')).equals(key)).toBe(true);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('encrypts with AES-256-GCM bound to the endpoint, never in clear', async () => {
    const { box } = boxWith(
      { kind: 'postgres', url: 'postgres://x', poolSize: 1 },
      Buffer.alloc(32, 1),
    );
    const secret = generateWebhookSecret();
    const sealed = await box.encrypt(secret, 'endpoint-a');
    expect(sealed).not.toContain(secret.slice(6));
    expect(await box.encrypt(secret, 'endpoint-a')).not.toBe(sealed);
    expect(await box.decrypt(sealed, 'endpoint-a')).toBe(secret);
    await expect(box.decrypt(sealed, 'endpoint-b')).rejects.toThrow();
    const other = boxWith(
      { kind: 'postgres', url: 'postgres://x', poolSize: 1 },
      Buffer.alloc(32, 2),
    );
    await expect(other.box.decrypt(sealed, 'endpoint-a')).rejects.toThrow();
  });

  it('takes the key from the data folder (embedded) or the database (PostgreSQL) when none is configured', async () => {
    const embedded = boxWith({ kind: 'embedded', dataDir: dir }, undefined);
    expect(embedded.box.source).toBe('key-file');
    const sealed = await embedded.box.encrypt('whsec_abc', 'e');
    expect(statSync(join(dir, KEY_FILE_NAME)).isFile()).toBe(true);
    expect(
      await boxWith({ kind: 'embedded', dataDir: dir }, undefined).box.decrypt(sealed, 'e'),
    ).toBe('whsec_abc');
    expect(embedded.serverKeys.key).not.toHaveBeenCalled();

    const postgres = boxWith({ kind: 'postgres', url: 'postgres://x', poolSize: 1 }, undefined);
    expect(postgres.box.source).toBe('database');
    await postgres.box.encrypt('whsec_abc', 'e');
    expect(postgres.serverKeys.key).toHaveBeenCalledWith('webhook-secrets');
  });
});

describe('webhook signatures and backoff', () => {
  it('signs per Standard Webhooks, once per secret', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const at = new Date('2026-12-07T09:30:00.500Z');
    const headers = signatureHeaders('msg_1', at, '{"x":1}', [a, b]);
    const expected = (secret: string) =>
      `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
        .update('msg_1.1796635800.{"x":1}')
        .digest('base64')}`;
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1796635800',
      'webhook-signature': `${expected(a)} ${expected(b)}`,
    });
  });

  it('backs off exponentially from 5 s to at most an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });
});

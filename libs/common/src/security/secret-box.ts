import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ServerKeys } from './server-keys';

/** The key file the embedded default keeps in its data folder (mode 0600). */
export const KEY_FILE_NAME = 'webhook-secret.key';
/** The server_keys purpose of the key kept in PostgreSQL when none is configured. */
export const SERVER_KEY_PURPOSE = 'webhook-secrets';
const FORMAT = 'v1';

/** Where the key that encrypts secrets at rest comes from. */
export type KeySource = 'configured' | 'key-file' | 'database';

/**
 * The key file in `dataDir`: read when it is there, else made (32 random bytes, base64, readable by
 * this user only). Two processes racing to make it agree: the loser reads the winner's file.
 */
export function keyFromDataDir(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE_NAME);
  const read = (): Buffer => {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) {
      throw new Error(`${path} must hold 32 bytes as base64 (the webhook secret key)`);
    }
    return key;
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read();
}

/**
 * Encrypts secrets that signing needs at rest: webhook signing secrets, SAML service-provider
 * private keys (AES-256-GCM, a random IV each time, the owner's id as associated data so a
 * ciphertext cannot be moved to another owner). The key is ROLLCALL_WEBHOOK_SECRET_KEY; unset, the
 * embedded database keeps a generated one in its data folder, and PostgreSQL (outside production,
 * where it is required) one in the server_keys table: whoever can read the database can then read
 * the secrets too.
 */
@Injectable()
export class SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(
    @Inject(APP_CONFIG) protected readonly config: AppConfig,
    private readonly serverKeys: ServerKeys,
  ) {}

  get source(): KeySource {
    const database = this.config.database;
    if (this.config.events.webhooks.secretKey) return 'configured';
    return database.kind === 'embedded' && !database.dataDir.startsWith('memory://')
      ? 'key-file'
      : 'database';
  }

  /** `associatedData`: what the secret belongs to (an endpoint's id, a key's id). */
  async encrypt(secret: string, associatedData: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.getKey(), iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, ...[iv, cipher.getAuthTag(), body].map((p) => p.toString('base64url'))].join(
      '.',
    );
  }

  async decrypt(sealed: string, associatedData: string): Promise<string> {
    const [format, iv, tag, body] = sealed.split('.');
    if (format !== FORMAT || !iv || !tag || !body) {
      throw new Error('sealed secret: not a sealed secret of this version');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      await this.getKey(),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  private getKey(): Promise<Buffer> {
    this.key ??= this.loadKey();
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  private async loadKey(): Promise<Buffer> {
    const configured = this.config.events.webhooks.secretKey;
    if (configured) return configured;
    const database = this.config.database;
    if (this.source === 'key-file' && database.kind === 'embedded') {
      return keyFromDataDir(database.dataDir);
    }
    return this.serverKeys.key(SERVER_KEY_PURPOSE);
  }
}

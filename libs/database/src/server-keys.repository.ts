import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { runStatement, ServerKeys } from '@rollcall/common';

/**
 * ServerKeys in the `server_keys` table (migration ServerKeys): one statement makes the key if no
 * instance has yet and answers the one stored, so instances racing at their first request agree.
 * Read once per purpose and process.
 */
export class DatabaseServerKeys extends ServerKeys {
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  key(purpose: string): Promise<Buffer> {
    let key = this.keys.get(purpose);
    if (!key) {
      key = this.read(purpose);
      // A failed read (the database away) is tried again by the next caller.
      key.catch(() => this.keys.delete(purpose));
      this.keys.set(purpose, key);
    }
    return key;
  }

  private async read(purpose: string): Promise<Buffer> {
    const rows = await runStatement<{ secret: Uint8Array }>(
      this.dataSource,
      `WITH made AS (
         INSERT INTO server_keys (purpose, secret) VALUES ($1, $2)
         ON CONFLICT (purpose) DO NOTHING RETURNING secret
       )
       SELECT secret FROM made UNION ALL SELECT secret FROM server_keys WHERE purpose = $1`,
      [purpose, randomBytes(32)],
    );
    const secret = rows[0]?.secret;
    if (!secret) throw new Error(`server key ${purpose}: none stored, none made`);
    return Buffer.from(secret);
  }
}

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '../../libs/common/src/config/app-config';

/**
 * Every test file gets a database of its own, already migrated:
 * - embedded (default): an in-memory PGlite loaded from one migrated snapshot that global setup made;
 * - PostgreSQL (DATABASE_URL set): a database cloned from a migrated template that global setup made.
 */
export const SNAPSHOT_ENV = 'ROLLCALL_TEST_SNAPSHOT';

export function serverUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

export function templateDatabaseName(url: string): string {
  return `${new URL(url).pathname.slice(1) || 'postgres'}_template`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = serverUrl();
  if (!url) {
    const snapshotFile = process.env[SNAPSHOT_ENV];
    if (!snapshotFile)
      throw new Error(`${SNAPSHOT_ENV} is unset: run the tests through jest's global setup`);
    return {
      config: { kind: 'embedded', dataDir: 'memory://', snapshotFile },
      drop: async () => undefined,
    };
  }
  const name = `rollcall_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE "${name}" TEMPLATE "${templateDatabaseName(url)}"`);
  return {
    config: { kind: 'postgres', url: withDatabase(url, name), poolSize: 10 },
    drop: () => adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

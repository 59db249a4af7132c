import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@rollcall/common';
import { createEmbeddedDriver } from './embedded-driver';
import { ENTITIES, MIGRATIONS } from './schema';

/** A fixed key for pg_advisory_lock so that instances booting together migrate one at a time. */
const MIGRATION_LOCK_KEY = 7_264_119_501;

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
    // Schema changes go through migrations only.
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+; never let TypeORM create uuid-ossp.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: false,
    applicationName: 'rollcall',
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      url: database.url,
      poolSize: database.poolSize,
      connectTimeoutMS: 5_000,
      extra: { idleTimeoutMillis: 30_000, query_timeout: 30_000 },
    };
  }
  return {
    ...common,
    driver: createEmbeddedDriver({
      dataDir: database.dataDir,
      ...(database.snapshotFile ? { snapshotFile: database.snapshotFile } : {}),
    }),
    poolSize: 1,
  };
}

/**
 * Applies pending migrations. On a PostgreSQL server a session-level advisory lock makes instances
 * that boot together take turns; the embedded database has one process by construction.
 */
export async function migrateToLatest(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.driver !== undefined) {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}

/** Connects and brings the schema up to date; a failed migration closes the connection again. */
export async function initializeDatabase(dataSource: DataSource): Promise<DataSource> {
  await dataSource.initialize();
  try {
    await migrateToLatest(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

export function openDatabase(database: DatabaseConfig): Promise<DataSource> {
  return initializeDatabase(new DataSource(dataSourceOptions(database)));
}

/** SQL statements that would bring the database in line with the entities; empty when in sync. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

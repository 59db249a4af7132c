import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { type DatabaseConfig, StatementLogger, trackPools } from '@rollcall/common';
import { createEmbeddedDriver, isEmbedded } from './embedded-driver';
import { withMigrationLock } from './migrations/migration-lock';
import { ENTITIES, MIGRATIONS } from './schema';

/**
 * Two different waits. Opening a connection gives up after 5 s, so an unreachable server fails
 * requests quickly (a stopped one refuses at once). Waiting for a free connection of a busy pool
 * may take up to 30 s (the statement timeout too): under a burst, requests queue behind the ones
 * serialized on a pool's row lock instead of failing with 503.
 */
const CONNECT_TIMEOUT_MS = 5_000;
const POOL_WAIT_TIMEOUT_MS = 30_000;

/**
 * The client the pool opens. Its connecting wait is the short one (above). And it always listens
 * for errors: when the server goes away (a restart, a failover) it may report the end of a
 * connection in the instant the pool hands the client to TypeORM, before TypeORM subscribes, and an
 * 'error' event nobody listens to would crash the process. The client is then marked broken
 * anyway, so its next query fails (a 503) and the pool discards it when it comes back.
 */
class GuardedClient extends pg.Client {
  constructor(config: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    this.on('error', () => undefined);
  }
}

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
    // Prints nothing; reports every statement TypeORM runs to the statement log (runStatement's own
    // go there too), so that one place sees them all.
    logger: new StatementLogger(),
    applicationName: 'rollcall',
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      // pg itself, its pools tracked so that runStatement finds the one TypeORM made.
      driver: trackPools(pg),
      url: database.url,
      poolSize: database.poolSize,
      // pg-pool applies this to both waits; GuardedClient shortens the connecting one.
      connectTimeoutMS: POOL_WAIT_TIMEOUT_MS,
      extra: { idleTimeoutMillis: 30_000, query_timeout: 30_000, Client: GuardedClient },
    };
  }
  return {
    ...common,
    driver: trackPools(
      createEmbeddedDriver({
        dataDir: database.dataDir,
        ...(database.snapshotFile ? { snapshotFile: database.snapshotFile } : {}),
      }),
    ),
    poolSize: 1,
  };
}

/**
 * Applies pending migrations. On a PostgreSQL server a session-level advisory lock makes instances
 * that boot together take turns; the embedded database has one process by construction.
 */
export async function migrateToLatest(dataSource: DataSource): Promise<string[]> {
  if (isEmbedded(dataSource)) {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  return withMigrationLock(dataSource, async () =>
    (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name),
  );
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

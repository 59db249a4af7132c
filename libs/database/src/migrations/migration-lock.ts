import type { DataSource } from 'typeorm';

/** The advisory lock key that instances migrating one server take turns on. */
const MIGRATION_LOCK_KEY = 7_264_119_501;

/**
 * Runs `migrate` holding a session-level advisory lock, so that instances booting together on one
 * PostgreSQL server migrate one after the other (the later ones find nothing left to do).
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  migrate: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await migrate();
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}

import type { Pool } from 'pg';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/**
 * One parameterised statement, answering its rows (also for an UPDATE or DELETE, where
 * `manager.query` answers `[rows, count]`), for the statements on the hot paths (every SCIM request's credential lookup, a new user's INSERT, the lookups).
 *
 * Outside a transaction it goes straight to the driver's `pg` pool (PostgreSQL's or the embedded
 * one's): TypeORM's `query` builds a query runner, takes a connection through it, broadcasts query
 * events and releases it again for every statement, which on these paths cost the server more than
 * the driver's own work. Inside a transaction (a manager bound to a query runner) it is the
 * manager's `query`, on the transaction's connection. Either way a failure is TypeORM's
 * `QueryFailedError` (its `driverError` holding the SQLSTATE, its message the driver's), so callers
 * and the error filter see the same failures.
 */
export async function runStatement<T>(
  source: DataSource | EntityManager,
  text: string,
  parameters: unknown[],
): Promise<T> {
  const manager = 'manager' in source ? source.manager : source;
  if (manager.queryRunner) {
    const result = await manager.queryRunner.query(text, parameters, true);
    return result.records as T;
  }
  const pool = poolOf(manager.connection);
  if (!pool) return await manager.connection.query(text, parameters, undefined);
  // connect + release rather than `pool.query`, which destroys the connection after any failed
  // statement (the embedded database has only the one).
  const client = await pool.connect(); // its failures are the driver's, as through TypeORM
  let broken: Error | undefined;
  try {
    const result = await client.query(text, parameters);
    return result.rows as T;
  } catch (error) {
    // A statement the server refused leaves the connection usable; anything else may not.
    if (typeof (error as { severity?: unknown }).severity !== 'string') {
      broken = error instanceof Error ? error : new Error(String(error));
    }
    // As TypeORM's query runner does: whatever the driver throws, wrapped, its message kept. (The
    // embedded driver's errors are not pg's DatabaseError, so no narrower test would do.)
    throw new QueryFailedError(text, parameters, error as Error);
  } finally {
    client.release(broken);
  }
}

function poolOf(dataSource: DataSource): Pool | undefined {
  const master = (dataSource.driver as { master?: unknown }).master;
  return master && typeof (master as Pool).query === 'function' ? (master as Pool) : undefined;
}

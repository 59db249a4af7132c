import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { driverPool } from './driver-pool';
import { noteStatement } from './statement-log';

/**
 * The one way a repository runs SQL text: one parameterised statement, answering its rows (also for
 * an UPDATE or DELETE, where TypeORM's `manager.query` answers `[rows, count]`).
 *
 * Outside a transaction it goes straight to the driver's `pg` pool (PostgreSQL's or the embedded
 * one's, found through `driverPool`): TypeORM's `query` builds a query runner, takes a connection
 * through it, broadcasts query events and releases it again for every statement, which on the hot
 * paths cost the server more than the driver's own work. Inside a transaction (a manager bound to a
 * query runner) it runs on the transaction's connection. Either way the statement is reported to
 * `noteStatement`, and a failure is TypeORM's `QueryFailedError` (its `driverError` holding the
 * SQLSTATE, its message the driver's), so callers and the error filter see the same failures.
 *
 * Outside a transaction it is also a named prepared statement (its name a hash of its text):
 * PostgreSQL parses and plans it once per connection instead of on every request, which for the
 * one-statement SCIM reads was most of their cost (a userName lookup: 1.95 ms of PostgreSQL time
 * unprepared, 0.11 ms prepared). A connection prepares at most PREPARED_PER_CONNECTION texts
 * (filters of new shapes past that run unprepared), so no client can grow the server's memory.
 */
export async function runStatement<T extends object = Record<string, unknown>>(
  source: DataSource | EntityManager,
  text: string,
  parameters: readonly unknown[],
): Promise<T[]> {
  const manager = 'manager' in source ? source.manager : source;
  if (manager.queryRunner) {
    // TypeORM's logger (StatementLogger) notes it.
    const result = await manager.queryRunner.query(text, parameters as unknown[], true);
    return result.records as T[];
  }
  const pool = driverPool(manager.connection);
  noteStatement(text, parameters);
  // connect + release rather than `pool.query`, which destroys the connection after any failed
  // statement (the embedded database has only the one).
  const client = await pool.connect(); // its failures are the driver's, as through TypeORM
  let broken: Error | undefined;
  try {
    const name = preparedName(client, text);
    const result = await client.query(
      name
        ? { name, text, values: parameters as unknown[] }
        : { text, values: parameters as unknown[] },
    );
    return result.rows as T[];
  } catch (error) {
    // A statement the server refused leaves the connection usable; anything else may not.
    if (typeof (error as { severity?: unknown }).severity !== 'string') {
      broken = error instanceof Error ? error : new Error(String(error));
    }
    // As TypeORM's query runner does: whatever the driver throws, wrapped, its message kept. (The
    // embedded driver's errors are not pg's DatabaseError, so no narrower test would do.)
    throw new QueryFailedError(text, parameters as unknown[], error as Error);
  } finally {
    client.release(broken);
  }
}

/** Distinct statements one connection keeps prepared, at most. */
export const PREPARED_PER_CONNECTION = 256;
const prepared = new WeakMap<pg.PoolClient, Set<string>>();
/** Statement names by text, so that a text is hashed once, not on every run (bounded). */
const names = new Map<string, string>();
const NAMES_KEPT = 4096;

/** The prepared statement's name for `text` on this connection, or undefined: run it unnamed. */
function preparedName(client: pg.PoolClient, text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= NAMES_KEPT) names.clear();
    name = `rc_${createHash('sha1').update(text).digest('base64url')}`;
    names.set(text, name);
  }
  let onConnection = prepared.get(client);
  if (!onConnection) prepared.set(client, (onConnection = new Set()));
  if (onConnection.has(name)) return name;
  if (onConnection.size >= PREPARED_PER_CONNECTION) return undefined;
  onConnection.add(name);
  return name;
}

/** The first row of a statement, or undefined. */
export async function runStatementForOne<T extends object = Record<string, unknown>>(
  source: DataSource | EntityManager,
  text: string,
  parameters: readonly unknown[],
): Promise<T | undefined> {
  const [row] = await runStatement<T>(source, text, parameters);
  return row;
}

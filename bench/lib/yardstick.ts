/**
 * The database limit as a yardstick: the statements one captured request sent to PostgreSQL,
 * replayed as fast as `connections` raw `pg` clients can (one connection each, the statements of one
 * request in order on it, transactions as the app made them), with the values that must differ per
 * request changed:
 *
 * - `replace` maps strings of the captured request (its userName, externalId…) to fresh ones, in
 *   every parameter (also inside JSON and array literals);
 * - ids flow: a uuid the captured run got back from a statement (the new user's id) is mapped to
 *   the one the replay got back, in every later parameter.
 *
 * The parameters go over the wire as text, exactly as the app's driver sent them, so PostgreSQL
 * parses, plans and executes the same statements.
 */
import { Client } from 'pg';
import type { CapturedStatement } from '../scenarios/types';
import type { LoadResult } from './load';
import { postgresCpuSecondsBetween, type PostgresCpu, readPostgresCpu } from './rss';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRANSACTION_END = /^\s*(COMMIT|ROLLBACK)\b/i;

export interface ReplayPlan {
  statements: CapturedStatement[];
  /** Captured strings → their values for the next replay (called once per replay). */
  replace: () => [string, string][];
}

function substitute(value: string | null, pairs: [string, string][]): string | null {
  if (value === null) return null;
  let out = value;
  for (const [from, to] of pairs) {
    if (from !== to && out.includes(from)) out = out.split(from).join(to);
  }
  return out;
}

export async function replay(
  databaseUrl: string,
  plan: ReplayPlan,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new Client({ connectionString: databaseUrl, application_name: 'rollcall' });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const databaseCpuBefore = readPostgresCpu();
  let databaseCpuAfter: PostgresCpu | undefined;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (Date.now() < deadline) {
          const pairs = plan.replace();
          const t0 = process.hrtime.bigint();
          let inTransaction = false;
          try {
            for (const statement of plan.statements) {
              const values = statement.values.map((v) => substitute(v, pairs));
              const result = await client.query<Record<string, unknown>>(statement.text, values);
              if (/^\s*(START TRANSACTION|BEGIN)\b/i.test(statement.text)) inTransaction = true;
              if (TRANSACTION_END.test(statement.text)) inTransaction = false;
              const captured = statement.row;
              const row = result.rows[0];
              if (captured && row) {
                for (const [key, value] of Object.entries(captured)) {
                  const now = row[key];
                  if (typeof value === 'string' && UUID.test(value) && typeof now === 'string') {
                    pairs.push([value, now]);
                  }
                }
              }
            }
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          } catch (error) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(String((error as Error).message));
            if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
          }
        }
      }),
    );
    databaseCpuAfter = readPostgresCpu();
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
  return {
    requests: latencies.length,
    seconds: (Date.now() - started) / 1000,
    latencies,
    errors,
    statuses: {},
    errorSamples,
    ...(databaseCpuBefore !== undefined && databaseCpuAfter !== undefined
      ? { databaseCpuSeconds: postgresCpuSecondsBetween(databaseCpuBefore, databaseCpuAfter) }
      : {}),
  };
}

/**
 * Statement capture: a separate instance of the built app, with bench/capture-hook.js preloaded,
 * answers one request of each scenario that asks for it (after two warm-up requests, so that
 * one-time work such as the SCIM credential's last-used stamp is not counted). Everything that
 * instance sends to PostgreSQL from the request until its provisioning-log write is recorded.
 * Nothing else talks to that instance, and its email worker is off.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedRequest, CapturedStatement, HttpWorkload } from '../scenarios/types';
import { sleep, startServer } from './server';

const HOOK = join(__dirname, '..', 'capture-hook.js');
const SETTLE_MS = 400;

export async function captureRequests(
  databaseUrl: string,
  workloads: { id: string; workload: HttpWorkload }[],
): Promise<Map<string, CapturedRequest>> {
  const captured = new Map<string, CapturedRequest>();
  if (workloads.length === 0) return captured;
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-capture-'));
  const file = join(dir, 'statements.jsonl');
  const server = await startServer({
    databaseUrl,
    logLevel: 'warn',
    preload: [HOOK],
    // No background workers (email, events): their statements are no request's.
    env: { BENCH_CAPTURE_FILE: file, DATABASE_POOL_SIZE: '4', ROLLCALL_EVENT_WORKERS: 'false' },
    outboxWorker: false,
  });
  const size = () => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  try {
    for (const { id, workload } of workloads) {
      // One connection's cycle of steps, in order, as autocannon sends them.
      let state: Record<string, unknown> = {};
      let step = 0;
      const send = async () => {
        const request = workload.next(state, step);
        step = (step + 1) % (workload.steps ?? 1);
        if (step === 0) state = {};
        const response = await fetch(`${server.url}${request.path}`, {
          method: request.method,
          headers: {
            Authorization: workload.auth,
            'Content-Type': 'application/scim+json',
            Accept: 'application/scim+json, application/json',
          },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
        return { request, status: response.status, body: await response.text() };
      };
      await send();
      await send();
      // Two requests captured; the one with fewer statements is kept (the other may have done
      // once-a-minute work, such as stamping the SCIM credential's last use).
      let best: CapturedRequest | undefined;
      for (let attempt = 0; attempt < 2; attempt++) {
        await sleep(SETTLE_MS);
        const from = size();
        const answer = await send();
        await sleep(SETTLE_MS);
        const text = readFileSync(file).subarray(from).toString('utf8');
        const statements = text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as CapturedStatement)
          .sort((a, b) => a.seq - b.seq);
        if (!best || statements.length < best.statements.length) best = { ...answer, statements };
      }
      if (best) captured.set(id, best);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return captured;
}

/** Transactions and statements, for the report ("9 statements in 2 transactions"). */
export function describeStatements(statements: CapturedStatement[]): string {
  const transactions = statements.filter((s) => /^\s*(START TRANSACTION|BEGIN)/i.test(s.text));
  const work = statements.filter(
    (s) => !/^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(s.text),
  );
  return `${work.length} statements, ${transactions.length} transaction${transactions.length === 1 ? '' : 's'}`;
}

/** The statements, one per line, whitespace folded (for --statements). */
export function listStatements(statements: CapturedStatement[]): string {
  return statements
    .map(
      (s, i) =>
        `    ${String(i + 1).padStart(2)}. [${s.backend ?? '?'}] ${s.text.replace(/\s+/g, ' ').trim()}`,
    )
    .join('\n');
}

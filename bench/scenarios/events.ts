/**
 * Event delivery (docs/events.md and docs/performance.md): SCIM create throughput with the event workers on
 * against off, and end-to-end delivery — events per second received, and commit-to-receipt
 * latency (the SCIM response's arrival to the receiver's) — at idle and under SCIM create load,
 * through NATS JetStream and (when this build has them) webhooks.
 */
import { type EventBench, eventBench, eventBenchProblem, type Receipts } from '../lib/events';
import type { LoadResult } from '../lib/load';
import { userPayload } from '../lib/payloads';
import { sleep } from '../lib/server';
import type { Scenario, ScenarioContext } from './types';

/** Idle: one create at a time, this far apart. */
const IDLE_GAP_MS = 50;
/** How long the receivers may take for the last events once the load stops. */
const DRAIN_MS = 15_000;

function benchOf(context: ScenarioContext): Promise<EventBench> {
  return eventBench({
    db: context.db,
    databaseUrl: context.databaseUrl,
    runId: context.runId,
    tenant: context.tenants.small,
    logLevel: context.options.logLevel,
    onCleanup: (stop) => context.onCleanup(stop),
  });
}

/** SCIM creates on `server`, the same requests as scim-create's (in the small tenant). */
function createOn(side: 'on' | 'off'): Scenario {
  return {
    id: `events-create-${side}`,
    title: `SCIM create, event workers ${side}${side === 'on' ? ' (NATS + webhooks)' : ''}`,
    tenant: 'small',
    unavailable: () => eventBenchProblem(),
    prepare: async (context) => {
      const bench = await benchOf(context);
      const server = side === 'on' ? bench.on : bench.off;
      const tenant = context.tenants.small;
      let n = 0;
      return {
        kind: 'http',
        baseUrl: server.url,
        ...(server.pid !== undefined ? { serverPid: server.pid } : {}),
        auth: tenant.scimAuth,
        next: () => {
          n++;
          return {
            method: 'POST',
            path: '/scim/v2/Users',
            body: userPayload(tenant.domain, n, {
              userName: `Ev${side}-${context.runId}-${n}@${tenant.domain}`,
              externalId: `new-ev${side}-${context.runId}-${n}`,
            }),
          };
        },
        verify: (body) => body.includes('"id":"'),
      };
    },
  };
}

/**
 * Creates users on the events-on server (one at a time with a gap at idle, `connections` at once
 * under load) for `seconds`, then waits for their `user.created` to reach the receiver: one
 * latency per event (receipt − response), the rate of events received end to end, and every event
 * that never arrived (or create that failed) an error.
 */
async function measureDelivery(
  context: ScenarioContext,
  bench: EventBench,
  receipts: Receipts,
  tag: string,
  connections: number,
  seconds: number,
  idle: boolean,
  counter: { n: number },
): Promise<LoadResult> {
  const tenant = context.tenants.small;
  const sent = new Map<string, number>();
  const errorSamples: string[] = [];
  let errors = 0;
  const started = Date.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const i = ++counter.n;
        const response = await fetch(`${bench.on.url}/scim/v2/Users`, {
          method: 'POST',
          headers: { Authorization: tenant.scimAuth, 'Content-Type': 'application/scim+json' },
          body: JSON.stringify(
            userPayload(tenant.domain, i, {
              userName: `Ev${tag}-${context.runId}-${i}@${tenant.domain}`,
              externalId: `new-ev${tag}-${context.runId}-${i}`,
            }),
          ),
        });
        const at = Date.now();
        const text = await response.text();
        if (response.status !== 201) {
          errors++;
          if (errorSamples.length < 5)
            errorSamples.push(`${response.status}: ${text.slice(0, 200)}`);
          continue;
        }
        sent.set((JSON.parse(text) as { id: string }).id, at);
        if (idle) await sleep(IDLE_GAP_MS);
      }
    }),
  );
  const deadline = Date.now() + DRAIN_MS;
  while ([...sent.keys()].some((id) => !receipts.has(id)) && Date.now() < deadline) {
    await sleep(20);
  }
  const latencies: number[] = [];
  let last = started;
  let missing = 0;
  for (const [id, at] of sent) {
    const received = receipts.get(id);
    if (received === undefined) {
      missing++;
      continue;
    }
    // The receiver may run before the response's callback: a receipt "before" the response is 0.
    latencies.push(Math.max(0, received - at));
    last = Math.max(last, received);
  }
  if (missing > 0) errorSamples.push(`${missing} events never arrived within ${DRAIN_MS} ms`);
  return {
    requests: latencies.length,
    seconds: (last - started) / 1000,
    latencies,
    errors: errors + missing,
    statuses: { '201': sent.size },
    errorSamples,
  };
}

function delivery(channel: 'nats' | 'webhook', mode: 'idle' | 'load'): Scenario {
  const receiptsOf = (bench: EventBench) => (channel === 'nats' ? bench.nats : bench.webhooks);
  return {
    id: `events-${channel}-${mode}`,
    title: `Event delivery ${channel === 'nats' ? 'NATS' : 'webhook'}, ${mode === 'idle' ? 'idle' : 'under SCIM create load'}: events/s, commit→receipt ms`,
    tenant: 'small',
    unavailable: async (context) => {
      const problem = await eventBenchProblem();
      if (problem) return problem;
      if (!receiptsOf(await benchOf(context))) return 'this build has no webhooks API yet';
      return undefined;
    },
    prepare: async (context) => {
      const bench = await benchOf(context);
      const receipts = receiptsOf(bench);
      if (!receipts) throw new Error('no receiver');
      // User numbers go on across warm-up and rounds: every create is a new user.
      const counter = { n: 0 };
      return {
        kind: 'custom',
        ...(mode === 'idle' ? { connections: 1 } : {}),
        run: (connections, seconds) =>
          measureDelivery(
            context,
            bench,
            receipts,
            `${channel}${mode}`,
            mode === 'idle' ? 1 : connections,
            seconds,
            mode === 'idle',
            counter,
          ),
      };
    },
  };
}

export const EVENT_SCENARIOS: Scenario[] = [
  createOn('off'),
  createOn('on'),
  delivery('nats', 'idle'),
  delivery('nats', 'load'),
  delivery('webhook', 'idle'),
  delivery('webhook', 'load'),
];

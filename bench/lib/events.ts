/**
 * The event scenarios' servers and receivers (docs/events.md and docs/performance.md): two more instances
 * of the built app on the bench's database — "events on" (the event workers with the NATS
 * publisher on a stream of this run's own, and the webhook delivery worker when this build has
 * webhooks) and "events off" (ROLLCALL_EVENT_WORKERS=false; the events are still written, in the
 * same transaction, but nothing delivers them) — and what receives the events: a NATS subscriber
 * and, when the webhooks API answers, a webhook endpoint on 127.0.0.1.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { connect, type NatsConnection, StringCodec } from 'nats';
import type { Pool } from 'pg';
import type { BenchTenant } from './fixtures';
import { freePort, type Server, startServer } from './server';

export const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

/** When each event arrived, by the subject (user) id of its `user.created`. */
export type Receipts = Map<string, number>;

export interface EventBench {
  on: Server;
  off: Server;
  stream: string;
  nats: Receipts;
  /** Undefined when this build has no webhooks API (then only NATS is measured). */
  webhooks: Receipts | undefined;
  stop(): Promise<void>;
}

let shared: Promise<EventBench> | undefined;
let problem: string | undefined;

/** Why the event scenarios cannot run here (no NATS server with JetStream), if so. */
export async function eventBenchProblem(): Promise<string | undefined> {
  if (problem !== undefined) return problem || undefined;
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({ servers: NATS_URL.replace(/^nats:\/\//, ''), timeout: 2_000 });
    const manager = await connection.jetstreamManager();
    const owner = await manager.streams.find('rollcall.probe').catch(() => undefined);
    problem = owner
      ? `the stream ${owner} on ${NATS_URL} already holds rollcall.> (remove it to bench)`
      : '';
  } catch (error) {
    problem = `needs NATS with JetStream at ${NATS_URL} (${(error as Error).message})`;
  } finally {
    await connection?.close().catch(() => undefined);
  }
  return problem || undefined;
}

/** The two servers and the receivers, started once for all the event scenarios of a run. */
export function eventBench(context: {
  db: Pool;
  databaseUrl: string;
  runId: string;
  tenant: BenchTenant;
  logLevel: string;
  onCleanup: (stop: () => Promise<void>) => void;
}): Promise<EventBench> {
  shared ??= start(context).then((bench) => {
    context.onCleanup(() => bench.stop());
    return bench;
  });
  return shared;
}

async function start(context: {
  db: Pool;
  databaseUrl: string;
  runId: string;
  tenant: BenchTenant;
  logLevel: string;
}): Promise<EventBench> {
  const stream = `ROLLCALL_BENCH_${context.runId.toUpperCase()}`;
  // The publisher of a new stream starts at the start of the log: this run's starts at the present
  // (earlier runs' events are no part of this measurement).
  await context.db.query(
    `INSERT INTO event_publishers (name, tx, position)
     VALUES ($1, pg_snapshot_xmin(pg_current_snapshot()), 0) ON CONFLICT (name) DO NOTHING`,
    [`nats:${stream}`],
  );
  const codec = StringCodec();
  const nats: Receipts = new Map();
  const connection = await connect({ servers: NATS_URL.replace(/^nats:\/\//, '') });
  const subscription = connection.subscribe(`rollcall.${context.tenant.id}.user.created`);
  void (async () => {
    for await (const message of subscription) {
      const at = Date.now();
      const event = JSON.parse(codec.decode(message.data)) as { subject: { id: string } };
      if (!nats.has(event.subject.id)) nats.set(event.subject.id, at);
    }
  })();

  const common = { databaseUrl: context.databaseUrl, logLevel: context.logLevel };
  const on = await startServer({
    ...common,
    env: {
      ROLLCALL_EVENT_WORKERS: 'true',
      ROLLCALL_NATS_URL: NATS_URL,
      ROLLCALL_NATS_STREAM: stream,
      ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
    },
  });
  const off = await startServer({ ...common, env: { ROLLCALL_EVENT_WORKERS: 'false' } });

  // Webhooks: an endpoint that answers 204 at once, registered when this build has the API
  // (an older build without it is measured through NATS alone).
  let receiver: HttpServer | undefined;
  let webhooks: Receipts | undefined;
  let endpointId: string | undefined;
  const port = await freePort();
  const received: Receipts = new Map();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type?: string;
          subject?: { id: string };
        };
        if (event.type === 'user.created' && event.subject && !received.has(event.subject.id)) {
          received.set(event.subject.id, at);
        }
      } catch {
        // not an event
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(port, '127.0.0.1', resolve));
  const created = await fetch(`${on.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { Authorization: context.tenant.adminAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      url: `http://127.0.0.1:${port}/hook`,
      types: ['user.created'],
      description: `bench ${context.runId}`,
    }),
  });
  if (created.status === 201) {
    webhooks = received;
    endpointId = ((await created.json()) as { id: string }).id;
  } else {
    receiver.close();
    receiver = undefined;
  }

  return {
    on,
    off,
    stream,
    nats,
    webhooks,
    stop: async () => {
      if (endpointId) {
        await fetch(`${on.url}/api/v1/webhooks/${endpointId}`, {
          method: 'DELETE',
          headers: { Authorization: context.tenant.adminAuth },
        }).catch(() => undefined);
      }
      await Promise.all([on.stop(), off.stop()]);
      receiver?.close();
      subscription.unsubscribe();
      const manager = await connection.jetstreamManager();
      await manager.streams.delete(stream).catch(() => undefined);
      await context.db
        .query('DELETE FROM event_publishers WHERE name = $1', [`nats:${stream}`])
        .catch(() => undefined);
      await connection.close();
    },
  };
}

import { Client } from 'pg';
import {
  type ApiInstance,
  Cluster,
  createScimTenant,
  type HttpTenant,
  MULTI_PROCESS_SUITES,
} from '../support/cluster';
import { sql } from '../support/invariants';
import { acquireMachineLock } from '../support/machine-lock';
import { describeOnPostgres } from '../support/postgres-only';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { describeWithNats, NATS_URL, NatsFixture, type StoredMessage } from './nats-support';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Two API processes (the built app, as operators run it) on one PostgreSQL database, both running
 * the NATS publisher: one publishes at a time, each event reaches the stream once, and when the
 * publishing instance is killed (SIGKILL) after the changes committed and before it published
 * them, the other takes the lease over once it expires and publishes them all.
 */
describeOnPostgres('the NATS publisher on several instances', () => {
  describeWithNats('with the NATS server', () => {
    let database: TestDatabase;
    let cluster: Cluster;
    let url: string;
    let nats: NatsFixture;
    let stream: string;
    let release: (() => void) | undefined;

    beforeAll(async () => {
      release = await acquireMachineLock(MULTI_PROCESS_SUITES, { timeoutMs: 480_000 });
      nats = await NatsFixture.open();
      stream = nats.newStreamName();
      database = await createTestDatabase();
      if (database.config.kind !== 'postgres') throw new Error('needs PostgreSQL');
      url = database.config.url;
      cluster = await Cluster.start(2, url, {
        ROLLCALL_NATS_URL: NATS_URL,
        ROLLCALL_NATS_STREAM: stream,
        ROLLCALL_EVENT_WORKERS: 'true',
        ROLLCALL_WEBHOOK_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
        LOG_LEVEL: 'info',
      });
    }, 600_000);

    afterAll(async () => {
      await cluster?.stop();
      await database?.drop();
      await nats?.removeStream(stream);
      await nats?.close();
      release?.();
    }, 60_000);

    async function explained<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (error) {
        (error as Error).message += `\n\nAPI logs:\n${cluster.logTail(25)}`;
        throw error;
      }
    }

    async function createUsers(tenant: HttpTenant, prefix: string, count: number) {
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          cluster.send({
            method: 'POST',
            path: '/scim/v2/Users',
            headers: { Authorization: tenant.scimAuth },
            body: { schemas: [USER_SCHEMA], userName: `${prefix}${i}@example.com` },
          }),
        ),
      );
      for (const result of results) expect(result.status).toBe(201);
    }

    /** The tenant's events as the log holds them, in log order. */
    function loggedIds(tenant: HttpTenant): Promise<{ id: string; type: string }[]> {
      return sql<{ id: string; type: string }>(
        url,
        'SELECT id, type FROM events WHERE organization_id = $1 ORDER BY tx, position',
        [tenant.id],
      );
    }

    function expectOnce(messages: StoredMessage[], logged: { id: string; type: string }[]) {
      expect(messages.map((m) => m.body.id)).toEqual(logged.map((e) => e.id));
      expect(messages.map((m) => m.msgId)).toEqual(logged.map((e) => e.id));
    }

    async function holders(): Promise<ApiInstance[]> {
      const found: ApiInstance[] = [];
      for (const instance of cluster.instances.filter((i) => i.alive)) {
        const metrics = await instance.send({ method: 'GET', path: '/metrics' });
        if (/rollcall_nats_publisher_holder 1/.test(metrics.text)) found.push(instance);
      }
      return found;
    }

    it('publishes each event of concurrent SCIM creates on both instances once, from one instance', () =>
      explained(async () => {
        const tenant = await createScimTenant(cluster, 'nats-pair', 1_000);
        await createUsers(tenant, 'pair', 60);
        const logged = await loggedIds(tenant);
        expect(logged.filter((e) => e.type === 'user.created')).toHaveLength(60);
        const messages = await nats.waitForMessages(stream, tenant.id, logged.length, 30_000);
        expectOnce(messages, logged);
        expect(await holders()).toHaveLength(1);
        // What the instances published adds up to what the stream holds: no instance's repeat.
        let stored = 0;
        for (const instance of cluster.instances) {
          const metrics = await instance.send({ method: 'GET', path: '/metrics' });
          const match = /rollcall_nats_events_published_total\{result="stored"\} (\d+)/.exec(
            metrics.text,
          );
          stored += Number(match?.[1] ?? 0);
        }
        expect(stored).toBe((await nats.messages(stream)).length);
        // Nothing arrives twice later.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const later = (await nats.messages(stream)).filter(
          (m) => m.body.organizationId === tenant.id,
        );
        expect(later).toHaveLength(logged.length);
      }));

    it(
      'loses nothing when the publishing instance is SIGKILLed between commit and publish',
      () =>
        explained(async () => {
          const tenant = await createScimTenant(cluster, 'nats-kill', 1_000);
          const first = await loggedIds(tenant);
          await nats.waitForMessages(stream, tenant.id, first.length, 30_000);
          const [holder] = await holders();
          if (!holder) throw new Error('no instance holds the publisher lease');

          // A transaction left open holds the horizon: what commits after it is not readable yet, so
          // the holder cannot have published it when it dies.
          const blocker = new Client({ connectionString: url });
          await blocker.connect();
          try {
            await blocker.query('BEGIN');
            await blocker.query('SELECT pg_current_xact_id()');
            await createUsers(tenant, 'kill', 20);
            holder.kill('SIGKILL');
            await holder.waitForExit();
          } finally {
            await blocker.query('ROLLBACK').catch(() => undefined);
            await blocker.end();
          }
          const logged = await loggedIds(tenant);
          expect(logged).toHaveLength(first.length + 20);
          // The survivor takes over once the dead instance's lease (10 s) has expired.
          const messages = await nats.waitForMessages(stream, tenant.id, logged.length, 40_000);
          expectOnce(messages, logged);
          const survivors = await holders();
          expect(survivors).toHaveLength(1);
          expect(survivors[0]?.index).not.toBe(holder.index);
        }),
      90_000,
    );
  });
});

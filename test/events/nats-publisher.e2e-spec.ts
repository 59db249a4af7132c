import { type NatsConnection, nanos, StorageType, StringCodec, type Subscription } from 'nats';
import { type AppConfig } from '@rollcall/common';
import { NatsPublisher } from '@rollcall/events';
import { aScimTenant, type ScimTenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeWithNats, NATS_URL, NatsFixture, type StoredMessage } from './nats-support';
import { allEvents, type ApiEvent, scimUser } from './support';

const codec = StringCodec();

/** The app's config with the event workers on and the NATS publisher on `stream`. */
export function withNats(stream: string): Partial<AppConfig> {
  return {
    events: {
      retentionDays: 30,
      workers: true,
      webhooks: {
        secretKey: Buffer.alloc(32, 7),
        allowPrivateUrls: true,
        retryHours: 24,
        pollIntervalMs: 50,
      },
      nats: { url: NATS_URL, stream },
    },
  };
}

/** What arrives on a plain subscription, as it arrives. */
function listen(connection: NatsConnection, subject: string) {
  const received: { subject: string; msgId: string | undefined; body: ApiEvent }[] = [];
  const subscription: Subscription = connection.subscribe(subject);
  void (async () => {
    for await (const message of subscription) {
      received.push({
        subject: message.subject,
        msgId: message.headers?.get('Nats-Msg-Id') || undefined,
        body: JSON.parse(codec.decode(message.data)) as ApiEvent,
      });
    }
  })();
  return { received, stop: () => subscription.unsubscribe() };
}

async function metricsOf(app: TestApp): Promise<string> {
  return (await app.http().get('/metrics').expect(200)).text;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A few SCIM changes of every kind of path: one-statement create, transactions, group members. */
async function someChanges(app: TestApp, tenant: ScimTenant): Promise<void> {
  const scim = scimClient(app, tenant);
  const a = await scimUser(app, tenant, 'a@example.com');
  const b = await scimUser(app, tenant, 'b@example.com');
  await scim.patch(`/Users/${a}`, [{ op: 'replace', path: 'displayName', value: 'A' }]).expect(200);
  const group = await scim
    .post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Sales',
      members: [{ value: a }],
    })
    .expect(201);
  const groupId = (group.body as { id: string }).id;
  await scim
    .patch(`/Groups/${groupId}`, [{ op: 'add', path: 'members', value: [{ value: b }] }])
    .expect(204);
  await scim.delete(`/Users/${b}`).expect(204);
}

/** The events the stream holds of the tenant are the log's, once each, in order, as the API shows them. */
function expectPublished(messages: StoredMessage[], events: ApiEvent[], tenant: ScimTenant): void {
  expect(messages.map((m) => m.body.id)).toEqual(events.map((e) => e.id));
  for (const [i, message] of messages.entries()) {
    const event = events[i];
    expect(message.subject).toBe(`rollcall.${tenant.id}.${event.type}`);
    expect(message.msgId).toBe(event.id);
    expect(message.body).toEqual(event);
  }
}

describeWithNats('the NATS JetStream publisher', () => {
  let nats: NatsFixture;
  const streams: string[] = [];
  beforeAll(async () => {
    nats = await NatsFixture.open();
  });
  // Streams on `rollcall.>` cannot overlap: each test removes its own.
  afterEach(async () => {
    for (const stream of streams.splice(0)) await nats.removeStream(stream);
  });
  afterAll(() => nats.close());

  function newStream(): string {
    const stream = nats.newStreamName();
    streams.push(stream);
    return stream;
  }

  it('creates the missing stream and publishes every event once, in log order, on rollcall.<org>.<type> with the event id as Nats-Msg-Id', async () => {
    const stream = newStream();
    expect(await nats.streamExists(stream)).toBe(false);
    const live = listen(nats.connection, 'rollcall.>');
    const app = await startTestApp(withNats(stream));
    try {
      const tenant = await aScimTenant(app);
      await someChanges(app, tenant);
      const { events } = await allEvents(app, tenant);
      expect(events.map((e) => e.type)).toEqual([
        'scim_integration.enabled',
        'user.created',
        'user.created',
        'user.updated',
        'group.created',
        'group.members_added',
        'group.members_added',
        'user.deactivated',
      ]);

      const messages = await nats.waitForMessages(stream, tenant.id, events.length);
      expectPublished(messages, events, tenant);

      // The stream the publisher made: all of Rollcall's subjects, a duplicate window of 2 minutes.
      const info = await nats.manager.streams.info(stream);
      expect(info.config.subjects).toEqual(['rollcall.>']);
      expect(info.config.duplicate_window).toBeGreaterThanOrEqual(nanos(120_000));

      // A subscriber on the subjects saw them as they came, in the same order.
      const seen = live.received.filter((m) => m.body.organizationId === tenant.id);
      expect(seen.map((m) => [m.subject, m.msgId])).toEqual(
        messages.map((m) => [m.subject, m.msgId]),
      );
      // A filter on the type's first token (`user.created` is two tokens) takes only user events.
      const users = messages.filter((m) => m.subject.startsWith(`rollcall.${tenant.id}.user.`));
      expect(users.map((m) => m.body.type)).toEqual(
        events.filter((e) => e.type.startsWith('user.')).map((e) => e.type),
      );

      // Nothing more arrives later: no repeats.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = (await nats.messages(stream)).filter(
        (m) => m.body.organizationId === tenant.id,
      );
      expect(after).toHaveLength(events.length);
    } finally {
      live.stop();
      await app.close();
    }
  });

  it('publishes into a stream that exists as it is, without changing it', async () => {
    const stream = newStream();
    await nats.manager.streams.add({
      name: stream,
      subjects: ['rollcall.>'],
      duplicate_window: nanos(300_000),
      storage: StorageType.Memory,
      max_msgs: 10_000,
    });
    const app = await startTestApp(withNats(stream));
    try {
      const tenant = await aScimTenant(app);
      await scimUser(app, tenant, 'x@example.com');
      const { events } = await allEvents(app, tenant);
      expectPublished(await nats.waitForMessages(stream, tenant.id, events.length), events, tenant);
      const info = await nats.manager.streams.info(stream);
      expect(info.config).toMatchObject({
        duplicate_window: nanos(300_000),
        storage: StorageType.Memory,
        max_msgs: 10_000,
      });
    } finally {
      await app.close();
    }
  });

  it('waits while an instance that died holds the lease, then takes over from the cursor; JetStream drops the repeats', async () => {
    const stream = newStream();
    const app = await startTestApp(withNats(stream));
    try {
      const tenant = await aScimTenant(app);
      await scimUser(app, tenant, 'before@example.com');
      const before = (await allEvents(app, tenant)).events;
      await nats.waitForMessages(stream, tenant.id, before.length);

      // Another instance took the lease (this one stalled past its renewal), published these
      // events and died before it moved the cursor past them: the row holds the dead instance's
      // lease, and the cursor from before them.
      await app.dataSource.query(
        `UPDATE event_publishers SET lease_token = gen_random_uuid(),
           leased_until = now() + interval '1 hour', tx = '0'::xid8, position = 0
         WHERE name = $1`,
        [`nats:${stream}`],
      );
      // This instance finds out at its next renewal, and stands by.
      await waitFor(async () => /rollcall_nats_publisher_holder 0/.test(await metricsOf(app)));
      const during = await scimUser(app, tenant, 'during@example.com');
      // While the dead instance's lease lasts, nothing is published.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const held = (await nats.messages(stream)).filter((m) => m.body.organizationId === tenant.id);
      expect(held.map((m) => m.body.id)).toEqual(before.map((e) => e.id));
      // The lease expires (as an hour would pass).
      await app.dataSource.query(
        `UPDATE event_publishers SET leased_until = now() - interval '1 second' WHERE name = $1`,
        [`nats:${stream}`],
      );

      // Once it has expired, this instance takes over, publishes from the old cursor (the repeats
      // are dropped by the duplicate window) and then the new events, once each.
      const { events } = await allEvents(app, tenant);
      expect(events.at(-1)?.subject.id).toBe(during);
      const messages = await nats.waitForMessages(stream, tenant.id, events.length);
      expectPublished(messages, events, tenant);
      const metrics = await metricsOf(app);
      const duplicates = /rollcall_nats_events_published_total\{result="duplicate"\} (\d+)/.exec(
        metrics,
      );
      expect(Number(duplicates?.[1])).toBeGreaterThanOrEqual(before.length);
      expect(metrics).toMatch(/rollcall_nats_publisher_holder 1/);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = (await nats.messages(stream)).filter(
        (m) => m.body.organizationId === tenant.id,
      );
      expect(after).toHaveLength(events.length);
    } finally {
      await app.close();
    }
  });

  it('keeps the cursor while the stream is gone, makes it again and publishes what waited', async () => {
    const stream = newStream();
    const app = await startTestApp(withNats(stream));
    try {
      const tenant = await aScimTenant(app);
      await nats.waitForMessages(stream, tenant.id, 1);
      // The broker loses the stream (an operator removed it): the next publish fails, the cursor
      // stays, and the retry makes the stream again and publishes what waited.
      await nats.manager.streams.delete(stream);
      await scimUser(app, tenant, 'waited@example.com');
      const { events } = await allEvents(app, tenant);
      const published = events.slice(1);
      const messages = await nats.waitForMessages(stream, tenant.id, published.length, 40_000);
      expectPublished(messages, published, tenant);
    } finally {
      await app.close();
    }
  });

  it('releases the lease on shutdown, so that another instance need not wait for it to expire', async () => {
    const stream = newStream();
    const app = await startTestApp(withNats(stream));
    const tenant = await aScimTenant(app);
    await nats.waitForMessages(stream, tenant.id, 1);
    const { dataSource } = app;
    const held = await dataSource.query<{ held: boolean }[]>(
      `SELECT lease_token IS NOT NULL AS held FROM event_publishers WHERE name = $1`,
      [`nats:${stream}`],
    );
    expect(held).toEqual([{ held: true }]);
    // The publisher's shutdown, as the app's close runs it (the database is still open to read).
    await app.app.get(NatsPublisher).onModuleDestroy();
    const released = await dataSource.query<{ released: boolean }[]>(
      `SELECT lease_token IS NULL AS released FROM event_publishers WHERE name = $1`,
      [`nats:${stream}`],
    );
    expect(released).toEqual([{ released: true }]);
    await app.close();
  });
});

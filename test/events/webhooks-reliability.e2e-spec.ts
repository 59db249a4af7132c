import { randomUUID } from 'node:crypto';
import { WebhookSecretBox } from '../../libs/events/src/webhooks/secret-box';
import { WebhookDeliveryWorker } from '../../libs/events/src/webhooks/webhook-delivery.worker';
import { WebhooksRepository } from '../../libs/events/src/webhooks/webhooks.repository';
import { aScimTenant } from '../support/factories';
import { describeOnPostgres } from '../support/postgres-only';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { eventsWith, newUsers, settled, webhooksApi } from './webhook-api';
import { WebhookReceiver } from './webhook-receiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhooks: outbound URLs are checked against private ranges (SSRF)', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    app = await startTestApp({ events: eventsWith({ allowPrivateUrls: false }, false) });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://192.168.1.10/hook',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://localhost/hook',
  ])('refuses %s with 400 validation_failed', async (url) => {
    const tenant = await aScimTenant(app);
    const response = await webhooksApi(app, tenant).call('post', '').send({ url });
    expect([response.status, response.body.code]).toEqual([400, 'validation_failed']);
    expect(response.body.detail).toMatch(/private, loopback, link-local|non-public/);
    expect(response.body.errors).toEqual([{ field: 'url', message: response.body.detail }]);
  });

  it('refuses to change an endpoint to a private URL', async () => {
    const tenant = await aScimTenant(app);
    // Stored by hand (as if allowed when it was saved), then changed through the API.
    const id = await storeEndpoint(app, tenant.id, receiver.url);
    const response = await webhooksApi(app, tenant).call('patch', `/${id}`).send({
      url: 'https://10.0.0.1/x',
    });
    expect([response.status, response.body.code]).toEqual([400, 'validation_failed']);
  });

  it('checks again at delivery time: an endpoint that points at a private address gets nothing', async () => {
    const tenant = await aScimTenant(app);
    const id = await storeEndpoint(app, tenant.id, receiver.url);
    await newUsers(app, tenant, 1);
    const worker = app.app.get(WebhookDeliveryWorker);
    await waitFor(async () => (await worker.claimAndStart()) > 0);
    const failed = await waitFor(async () => {
      const state = await webhooksApi(app, tenant).get(id);
      return state.consecutiveFailures > 0 ? state : undefined;
    });
    expect(failed.lastError).toMatch(/private, loopback/);
    const [delivery] = await webhooksApi(app, tenant).deliveries(id);
    expect(delivery).toMatchObject({ outcome: 'failed', httpStatus: null });
    expect(receiver.received).toEqual([]);
  });
});

/** An endpoint written straight to the database (past the API's URL check). */
async function storeEndpoint(app: TestApp, organizationId: string, url: string): Promise<string> {
  const id = randomUUID();
  const box = app.app.get(WebhookSecretBox);
  const [{ horizon }] = await app.dataSource.query<[{ horizon: string }]>(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
  );
  await app.app.get(WebhooksRepository).insert({
    id,
    organizationId,
    url,
    description: null,
    types: null,
    enabled: true,
    sealedSecret: await box.encrypt('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8cU8RpqQaUY=', id),
    cursor: { tx: horizon, position: '0' },
  });
  return id;
}

describe('webhooks: a worker that dies mid-delivery loses nothing', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // The workers are driven by hand here.
    app = await startTestApp({ events: eventsWith({}, false) });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('delivers the event once the dead worker’s lease has run out, and fences the dead worker out', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant.id);
    const created = await webhooksApi(app, tenant).create({ url: receiver.url });
    const [userId] = await newUsers(app, tenant, 1);
    const endpoints = app.app.get(WebhooksRepository);
    const worker = app.app.get(WebhookDeliveryWorker);

    // A worker claims the endpoint (the event is committed) and dies before delivering.
    const claims = await waitFor(async () => {
      const claimed = await endpoints.claim(10, 60_000);
      return claimed.length > 0 ? claimed : undefined;
    });
    const dead = claims.find((c) => c.id === created.id)!;
    expect(dead).toBeDefined();

    // While its lease holds, nobody else delivers.
    expect(await worker.claimAndStart()).toBe(0);
    await sleep(100);
    expect(receiver.received).toEqual([]);

    // The lease runs out (a minute later): the next round delivers the same event.
    await app.dataSource.query(
      `UPDATE webhook_endpoints SET leased_until = now() - interval '1 second' WHERE id = $1`,
      [created.id],
    );
    expect(await worker.claimAndStart()).toBe(1);
    await waitFor(() => receiver.received.length >= 1);
    expect(receiver.received.map((r) => r.event.subject.id)).toEqual([userId]);
    // Its run is over once it has handed the lease back.
    await waitFor(async () => {
      const [row] = await app.dataSource.query<{ free: boolean }[]>(
        `SELECT leased_until IS NULL AS free FROM webhook_endpoints WHERE id = $1`,
        [created.id],
      );
      return row?.free;
    });
    const delivered = await webhooksApi(app, tenant).get(created.id);
    expect(delivered.cursor).not.toBe(created.cursor);

    // The dead worker, were it to wake up, can no longer move the cursor or take the endpoint.
    expect(await endpoints.advance(dead, { tx: '999999999', position: '1' }, 60_000)).toBe(false);
    expect((await webhooksApi(app, tenant).get(created.id)).cursor).toBe(delivered.cursor);
    expect(await worker.claimAndStart()).toBe(0);
  });

  it('delivers again an event whose delivery was not recorded (a crash after the POST): same webhook-id', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant.id);
    const created = await webhooksApi(app, tenant).create({ url: receiver.url });
    const before = receiver.received.length;
    await newUsers(app, tenant, 1);
    const worker = app.app.get(WebhookDeliveryWorker);
    await waitFor(async () => (await worker.claimAndStart()) > 0);
    await waitFor(() => receiver.received.length >= before + 1);
    await waitFor(
      async () => (await webhooksApi(app, tenant).get(created.id)).cursor !== created.cursor,
    );
    // The process died after the receiver got it and before the cursor moved: as if it had not.
    await app.dataSource.query(
      `UPDATE webhook_endpoints w SET cursor_tx = $2::xid8, cursor_position = 0 WHERE id = $1`,
      [created.id, Buffer.from(created.cursor, 'base64url').toString().split('.')[1]],
    );
    await waitFor(async () => (await worker.claimAndStart()) > 0);
    await waitFor(() => receiver.received.length >= before + 2);
    const [first, second] = receiver.received.slice(before);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(second?.body).toBe(first?.body);
  });
});

describeOnPostgres('webhooks: several instances on one PostgreSQL database', () => {
  let first: TestApp;
  let second: TestApp;
  let third: TestApp;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    first = await startTestApp({ events: eventsWith() });
    second = await startTestApp({ events: eventsWith() }, first);
    third = await startTestApp({ events: eventsWith() }, first);
  });
  afterAll(async () => {
    // Receivers first: an instance stuck in a request that never answers is let go at once.
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all([third?.close(), second?.close()]);
    await first?.close();
  });

  it('deliver each event to each endpoint once, in order', async () => {
    const tenant = await aScimTenant(first);
    await settled(first, tenant.id);
    const hooks = await Promise.all([1, 2, 3, 4].map(() => WebhookReceiver.start()));
    receivers.push(...hooks);
    for (const hook of hooks) await webhooksApi(first, tenant).create({ url: hook.url });
    // Events come in through all three instances.
    const ids: string[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (const app of [first, second, third]) ids.push(...(await newUsers(app, tenant, 2)));
    }
    for (const hook of hooks) {
      await waitFor(() => hook.received.length >= ids.length, {
        what: () => `${ids.length} deliveries (${hook.received.length})`,
      });
    }
    await sleep(500);
    for (const hook of hooks) {
      expect(hook.received.map((r) => r.event.subject.id)).toEqual(ids);
    }
  });

  it('a killed instance’s claim runs out and another instance delivers', async () => {
    const tenant = await aScimTenant(first);
    await settled(first, tenant.id);
    const hook = await WebhookReceiver.start();
    receivers.push(hook);
    // The first attempt never answers: whichever instance sends it is stuck in it.
    hook.answer = (_r, index) => (index === 0 ? 'hang' : { status: 200 });
    const created = await webhooksApi(first, tenant).create({ url: hook.url });
    const [userId] = await newUsers(first, tenant, 1);
    await waitFor(() => hook.received.length >= 1);
    // That instance dies: its lease stays in the database, as a SIGKILL leaves it (the lease
    // running out is what a minute does).
    await first.dataSource.query(
      `UPDATE webhook_endpoints SET leased_until = now() - interval '1 second', lease_token = gen_random_uuid()
       WHERE id = $1`,
      [created.id],
    );
    await waitFor(() => hook.received.length >= 2, { timeoutMs: 15_000 });
    expect(hook.received.map((r) => r.event.subject.id)).toEqual([userId, userId]);
    await waitFor(
      async () => (await webhooksApi(first, tenant).get(created.id)).cursor !== created.cursor,
    );
  });
});

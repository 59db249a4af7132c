import { Webhook } from 'standardwebhooks';
import { OutboxWorker } from '@rollcall/notifications';
import { aScimTenant, type ScimTenant } from '../support/factories';
import { scimClient, scimUsers } from '../support/scim-client';
import { suiteLogSink } from '../support/suite-logs';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { allEvents } from './support';
import { eventsWith, newUsers, settled, webhooksApi } from './webhook-api';
import { signatureValid, WebhookReceiver } from './webhook-receiver';

describe('webhooks: endpoints, signed ordered delivery, retries, disablement, replay', () => {
  let app: TestApp;
  const receivers: WebhookReceiver[] = [];
  const secrets: string[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    const suite = suiteLogSink();
    app = await startTestApp({
      events: eventsWith(),
      logLevel: 'debug',
      logSink: {
        write: (line) => {
          logLines.push(line);
          suite?.write(line);
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function receiver(): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  }

  async function endpoint(tenant: ScimTenant, url: string, body: Record<string, unknown> = {}) {
    await settled(app, tenant.id);
    const created = await webhooksApi(app, tenant).create({ url, ...body });
    secrets.push(created.secret);
    return created;
  }

  const pullForward = (id: string) =>
    app.dataSource.query(`UPDATE webhook_endpoints SET next_attempt_at = now() WHERE id = $1`, [
      id,
    ]);

  it('creates an endpoint whose secret is shown once and stored encrypted, and validates input', async () => {
    const tenant = await aScimTenant(app);
    const api = webhooksApi(app, tenant);
    const created = await endpoint(tenant, 'http://127.0.0.1:9/hook', {
      types: ['user.deactivated', 'user.created', 'user.created'],
      description: 'HR sync',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      types: ['user.created', 'user.deactivated'],
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
    });
    const fetched = await api.get(created.id);
    expect(fetched).not.toHaveProperty('secret');
    const listed = (await api.call('get', '').expect(200)).body as { data: object[] };
    expect(listed.data).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const [stored] = await app.dataSource.query<{ secret: string }[]>(
      `SELECT secret FROM webhook_endpoints WHERE id = $1`,
      [created.id],
    );
    expect(stored?.secret).toMatch(/^v1\./);
    expect(stored?.secret).not.toContain(created.secret.slice(6, 30));

    // Rotation shows a new secret once.
    const rotated = (await api.call('post', `/${created.id}/rotate-secret`).send({}).expect(200))
      .body as { secret: string; secretRotatedAt: string };
    secrets.push(rotated.secret);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);

    for (const [body, field] of [
      [{ url: 'http://127.0.0.1:9/x', types: ['user.nope'] }, 'types'],
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'http://user:pw@127.0.0.1:9/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'http://127.0.0.1:9/x', extra: 1 }, 'extra'],
      [{}, 'url'],
    ] as const) {
      const response = await api.call('post', '').send(body);
      expect([response.status, response.body.code]).toEqual([400, 'validation_failed']);
      expect(JSON.stringify(response.body.errors)).toContain(field);
    }
    await api.call('get', '/6a1e7b0c-0000-4000-8000-000000000000').expect(404);
    // Another organization does not see it.
    const other = await aScimTenant(app);
    await webhooksApi(app, other).call('get', `/${created.id}`).expect(404);
    await webhooksApi(app, other).call('delete', `/${created.id}`).expect(404);
    await api.call('delete', `/${created.id}`).expect(204);
    await api.call('get', `/${created.id}`).expect(404);
  });

  it('delivers every event in log order, signed per Standard Webhooks, and logs each delivery', async () => {
    const tenant = await aScimTenant(app);
    const hook = await receiver();
    const created = await endpoint(tenant, hook.url);
    const ids = await newUsers(app, tenant, 30);
    await waitFor(() => hook.received.length >= 30, {
      what: () => `30 deliveries (${hook.received.length})`,
    });

    const { events } = await allEvents(app, tenant);
    const expected = events.filter((e) => ids.includes(e.subject.id));
    expect(expected).toHaveLength(30);
    expect(hook.ids()).toEqual(expected.map((e) => e.id));
    for (const [i, request] of hook.received.entries()) {
      // The body is the event as GET /api/v1/events shows it.
      expect(request.event).toEqual(expected[i]);
      expect(request.headers['webhook-id']).toBe(expected[i]?.id);
      expect(request.headers['content-type']).toBe('application/json');
      const timestamp = Number(request.headers['webhook-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(signatureValid(created.secret, request)).toBe(true);
      // Not with another secret; and the Standard Webhooks library agrees.
      expect(signatureValid(secrets[0], request)).toBe(false);
      expect(() =>
        new Webhook(created.secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
    }

    const log = await webhooksApi(app, tenant).deliveries(created.id);
    expect(log).toHaveLength(30);
    expect(log.map((d) => d.eventId)).toEqual([...hook.ids()].reverse());
    for (const delivery of log) {
      expect(delivery).toMatchObject({
        outcome: 'succeeded',
        httpStatus: 200,
        attempt: 1,
        responseExcerpt: 'ok',
        error: null,
      });
      expect(delivery.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const state = await webhooksApi(app, tenant).get(created.id);
    expect(state.cursor).not.toBe(created.cursor);
  });

  it('only delivers the types asked for', async () => {
    const tenant = await aScimTenant(app);
    const hook = await receiver();
    await endpoint(tenant, hook.url, { types: ['user.deactivated'] });
    const [a, b] = await newUsers(app, tenant, 2);
    await scimClient(app, tenant).delete(`/Users/${b}`).expect(204);
    await waitFor(() => hook.received.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received.map((r) => [r.event.type, r.event.subject.id])).toEqual([
      ['user.deactivated', b],
    ]);
    expect(a).toBeDefined();
  });

  it('retries a failing endpoint with exponential backoff, in order, with the same webhook-id', async () => {
    const tenant = await aScimTenant(app);
    const hook = await receiver();
    hook.answer = (_r, index) => (index < 2 ? { status: 500 } : { status: 200 });
    const created = await endpoint(tenant, hook.url);
    const api = webhooksApi(app, tenant);
    await newUsers(app, tenant, 2);

    const failed = async (failures: number) => {
      const state = await waitFor(
        async () => {
          const s = await api.get(created.id);
          return s.consecutiveFailures === failures ? s : undefined;
        },
        { what: `${failures} failures` },
      );
      const [latest] = await api.deliveries(created.id);
      return { state, latest: latest };
    };

    const first = await failed(1);
    expect(first.latest).toMatchObject({ outcome: 'failed', httpStatus: 500, attempt: 1 });
    expect(first.latest.responseExcerpt).toBe('receiver error');
    expect(first.state.lastError).toContain('500');
    const firstDelay =
      new Date(first.state.nextAttemptAt).getTime() - new Date(first.latest.createdAt).getTime();
    expect(firstDelay).toBeGreaterThan(4_000);
    expect(firstDelay).toBeLessThan(6_500);
    // Nothing else is sent while it waits: the second event waits behind the first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(1);

    await pullForward(created.id);
    const second = await failed(2);
    const secondDelay =
      new Date(second.state.nextAttemptAt).getTime() - new Date(second.latest.createdAt).getTime();
    expect(secondDelay).toBeGreaterThan(9_000);
    expect(secondDelay).toBeLessThan(11_500);

    await pullForward(created.id);
    await waitFor(() => hook.received.length >= 4, {
      what: () => `4 requests (${hook.received.length})`,
    });
    const [e1, , , e2] = hook.ids();
    expect(hook.ids()).toEqual([e1, e1, e1, e2]);
    expect(e1).not.toBe(e2);
    const state = await api.get(created.id);
    expect(state).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastError: null });
    const log = (await api.deliveries(created.id)).reverse();
    expect(log.map((d) => [d.outcome, d.attempt, d.httpStatus])).toEqual([
      ['failed', 1, 500],
      ['failed', 2, 500],
      ['succeeded', 3, 200],
      ['succeeded', 1, 200],
    ]);
  });

  it('disables an endpoint that failed for the whole retry period, emails the admins, and catches up in order once enabled again', async () => {
    const tenant = await aScimTenant(app);
    const adminEmail = `admin-${tenant.slug}@example.com`;
    const [adminId] = await scimUsers(scimClient(app, tenant), [adminEmail], {
      emails: [{ value: adminEmail, type: 'work', primary: true }],
    });
    await app
      .http()
      .patch(`/api/v1/users/${adminId}`)
      .set('Authorization', tenant.auth)
      .send({ role: 'admin' })
      .expect(200);
    const hook = await receiver();
    hook.answer = () => ({ status: 503 });
    const created = await endpoint(tenant, `${hook.url}?token=abc`);
    const api = webhooksApi(app, tenant);
    const [first] = await newUsers(app, tenant, 1);
    await waitFor(async () => (await api.get(created.id)).consecutiveFailures === 1);

    // A day has passed since the first failure (the default ROLLCALL_WEBHOOK_RETRY_HOURS is 24).
    await app.dataSource.query(
      `UPDATE webhook_endpoints
       SET first_failure_at = now() - interval '24 hours 1 minute', next_attempt_at = now()
       WHERE id = $1`,
      [created.id],
    );
    const disabled = await waitFor(async () => {
      const s = await api.get(created.id);
      return s.enabled ? undefined : s;
    });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const mails = await app.dataSource.query<
      { recipient: string; payload: Record<string, unknown> }[]
    >(
      `SELECT recipient, payload FROM outbox_messages
       WHERE organization_id = $1 AND kind = 'webhook_endpoint_disabled'`,
      [tenant.id],
    );
    expect(mails).toEqual([
      {
        recipient: adminEmail,
        payload: expect.objectContaining({ endpointId: created.id, url: hook.url }),
      },
    ]);

    // The outbox worker renders and sends it (to the log: no SMTP in tests), not skipping it.
    await app.app.get(OutboxWorker).drainOnce();
    const [sent] = await app.dataSource.query<
      { sent_at: Date | null; last_error: string | null }[]
    >(
      `SELECT sent_at, last_error FROM outbox_messages
       WHERE organization_id = $1 AND kind = 'webhook_endpoint_disabled'`,
      [tenant.id],
    );
    expect(sent?.sent_at).not.toBeNull();
    expect(sent?.last_error).toBeNull();

    // Disabled: nothing is sent, whatever happens.
    const requestsSoFar = hook.received.length;
    const [second, third] = await newUsers(app, tenant, 2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(hook.received).toHaveLength(requestsSoFar);

    // The receiver works again; enabling clears the failure state and delivers the backlog.
    hook.answer = () => ({ status: 204 });
    const enabled = await api.update(created.id, { enabled: true });
    expect(enabled).toMatchObject({
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      failingSince: null,
    });
    await waitFor(() => hook.received.length >= requestsSoFar + 3);
    expect(hook.received.slice(requestsSoFar).map((r) => r.event.subject.id)).toEqual([
      first,
      second,
      third,
    ]);
  });

  it('replays from a delivery, from a cursor and from the start of the log, and skips to now', async () => {
    const tenant = await aScimTenant(app);
    const hook = await receiver();
    const created = await endpoint(tenant, hook.url);
    const api = webhooksApi(app, tenant);
    const ids = await newUsers(app, tenant, 3);
    await waitFor(() => hook.received.length >= 3);
    const firstRound = hook.ids();

    // From a delivery in the log: that event and those after it.
    const log = await api.deliveries(created.id);
    const oldest = log[log.length - 1];
    expect(oldest.eventId).toBe(firstRound[0]);
    await api.replay(created.id, oldest.replayFrom);
    await waitFor(() => hook.received.length >= 6);
    expect(hook.ids().slice(3)).toEqual(firstRound);

    // From an event's cursor: the events after it.
    const { events } = await allEvents(app, tenant);
    const second = events.find((e) => e.subject.id === ids[0])!;
    await api.replay(created.id, second.cursor);
    await waitFor(() => hook.received.length >= 8);
    expect(hook.ids().slice(6)).toEqual(firstRound.slice(1));

    // From the start: the whole log the organization has.
    await api.replay(created.id, 'start');
    await waitFor(() => hook.received.length >= 8 + events.length);
    expect(hook.ids().slice(8)).toEqual(events.map((e) => e.id));

    // Now: nothing old again, the next new event only.
    await api.replay(created.id, 'now');
    const [later] = await newUsers(app, tenant, 1);
    await waitFor(() => hook.received.length >= 9 + events.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received.slice(8 + events.length).map((r) => r.event.subject.id)).toEqual([later]);

    const bad = await api.call('post', `/${created.id}/replay`).send({ after: 'bm90LWEtY3Vyc29y' });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_cursor']);
    const invalid = await api.call('post', `/${created.id}/replay`).send({ after: 'a b' });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation_failed']);
  });

  it('a slow receiver does not delay another endpoint', async () => {
    const tenant = await aScimTenant(app);
    const slow = await receiver();
    slow.answer = () => ({ status: 200, delayMs: 4_000 });
    const fast = await receiver();
    await endpoint(tenant, slow.url);
    await endpoint(tenant, fast.url);
    const started = Date.now();
    await newUsers(app, tenant, 5);
    await waitFor(() => fast.received.length >= 5, { timeoutMs: 3_500 });
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(slow.received.length).toBeLessThanOrEqual(1);
  });

  it('never writes a signing secret to the log', () => {
    expect(secrets.length).toBeGreaterThan(3);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      const leaked = logLines.filter(
        (line) => line.includes(secret) || line.includes(secret.slice(6)),
      );
      expect(leaked).toEqual([]);
    }
    expect(logLines.filter((line) => line.includes('whsec_'))).toEqual([]);
  });
});

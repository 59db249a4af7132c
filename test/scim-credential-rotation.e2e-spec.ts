import { OutboxWorker } from '@rollcall/notifications';
import { allEvents } from './events/support';
import { oktaCreateUser } from './fixtures/okta';
import { aScimTenant, type ScimTenant } from './support/factories';
import { startMailingApp, type SmtpSink } from './support/smtp-sink';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;
/** The secret part of a bearer token (or of `Bearer <token>`); it may itself contain `_`. */
const secretOf = (token: string) => token.replace(/^(Bearer )?rcscim_[A-Za-z0-9]{12}_/, '');

interface CredentialStatus {
  role: 'current' | 'previous';
  tokenPrefix: string | null;
  username: string | null;
  createdAt: string;
  expiresAt: string;
  graceEndsAt: string | null;
  lastUsedAt: string | null;
}

/** Rotation with a grace period: the replaced credentials keep working until it ends. */
describe('SCIM credential rotation without downtime', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const scimStatus = async (auth: string) =>
    (await app.http().get('/scim/v2/Users?count=1').set('Authorization', auth)).status;
  const rotate = (tenant: ScimTenant, body?: object) => {
    const request = app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth);
    return body === undefined ? request : request.send(body);
  };
  const bearer = async (tenant: ScimTenant, body?: object) =>
    `Bearer ${String((await rotate(tenant, body).expect(201)).body.token)}`;
  const status = async (tenant: ScimTenant) =>
    (await app.http().get('/api/v1/scim/integration').set('Authorization', tenant.auth).expect(200))
      .body as { graceEndsAt: string | null; credentials: CredentialStatus[] } & Record<
      string,
      unknown
    >;
  const endGrace = (tenant: ScimTenant) =>
    app
      .http()
      .delete('/api/v1/scim/integration/previous-credentials')
      .set('Authorization', tenant.auth);
  const prefixOf = (auth: string) => auth.slice('Bearer '.length).split('_').slice(0, 2).join('_');

  it('keeps the old token working for 24 hours by default, both listed with their own last use', async () => {
    const tenant = await aScimTenant(app);
    await app.http().get('/api/v1/scim/integration').set('Authorization', tenant.auth).expect(200);
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    const before = await status(tenant);
    const rotatedAt = Date.now();
    const fresh = await bearer(tenant); // no body at all: the default grace period

    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    const during = await status(tenant);
    expect(during.credentials.map((c) => c.role)).toEqual(['current', 'previous']);
    const [current, previous] = during.credentials as [CredentialStatus, CredentialStatus];
    expect(current).toMatchObject({
      tokenPrefix: prefixOf(fresh),
      username: null,
      graceEndsAt: null,
      lastUsedAt: null,
      expiringSoon: false,
      expired: false,
    });
    expect(previous).toMatchObject({
      tokenPrefix: prefixOf(tenant.scimAuth),
      createdAt: before.credentials[0].createdAt,
      expiresAt: before.expiresAt,
      lastUsedAt: expect.any(String),
    });
    const graceEndsAt = Date.parse(String(previous.graceEndsAt));
    expect(graceEndsAt - rotatedAt).toBeGreaterThanOrEqual(24 * HOUR_MS - 1_000);
    expect(graceEndsAt - rotatedAt).toBeLessThanOrEqual(24 * HOUR_MS + 5_000);
    expect(during.graceEndsAt).toBe(previous.graceEndsAt);
    expect(Date.parse(current.createdAt)).toBeGreaterThanOrEqual(rotatedAt - 1_000);

    // The new token gets its own last use; the old one's is kept apart.
    expect(await scimStatus(fresh)).toBe(200);
    const used = await status(tenant);
    expect(used.credentials[0]?.lastUsedAt).toEqual(expect.any(String));
    expect(used.lastUsedAt).toBe(used.credentials[0]?.lastUsedAt);
    expect(used.credentials[1]?.lastUsedAt).toBe(previous.lastUsedAt);

    // The event states the grace end; no secret anywhere.
    const { events } = await allEvents(app, tenant);
    const rotated = events.find((e) => e.type === 'scim_integration.credentials_rotated');
    expect(rotated?.details).toEqual({
      gracePeriodHours: 24,
      graceEndsAt: previous.graceEndsAt,
      endedGraceOf: null,
    });
    expect(rotated?.data).toMatchObject({ graceEndsAt: previous.graceEndsAt });
    const shown = JSON.stringify([during, used, events]);
    for (const auth of [tenant.scimAuth, fresh]) {
      expect(shown).not.toContain(auth.slice('Bearer '.length));
      expect(shown).not.toContain(secretOf(auth));
    }
  });

  it('with a grace period of 0 the old token stops at once', async () => {
    const tenant = await aScimTenant(app);
    const fresh = await bearer(tenant, { gracePeriodHours: 0 });
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(fresh)).toBe(200);
    const after = await status(tenant);
    expect(after.credentials.map((c) => c.role)).toEqual(['current']);
    expect(after.graceEndsAt).toBeNull();
  });

  it('refuses a grace period out of bounds with a 400 naming the field, and changes nothing', async () => {
    const tenant = await aScimTenant(app);
    const before = await status(tenant);
    for (const body of [
      { gracePeriodHours: -1 },
      { gracePeriodHours: 721 },
      { gracePeriodHours: '24' },
      { gracePeriodHours: null },
      { gracePeriodHours: 1.23456 },
      // An exponent form (class-validator's own decimal count threw on it: a 500).
      { gracePeriodHours: 5e-324 },
      { graceHours: 24 },
    ]) {
      const refused = await rotate(tenant, body).expect(400);
      expect([body, refused.body.code]).toEqual([body, 'validation_failed']);
      expect(refused.body.detail).toMatch(/gracePeriodHours|graceHours/);
    }
    expect(await status(tenant)).toEqual(before);
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    // The bounds themselves are accepted.
    await bearer(tenant, { gracePeriodHours: 720 });
    const longest = await status(tenant);
    expect(Date.parse(String(longest.graceEndsAt)) - Date.now()).toBeGreaterThan(
      720 * HOUR_MS - 60_000,
    );
  });

  it('a second rotation during the grace period ends the oldest token: at most two work', async () => {
    const tenant = await aScimTenant(app);
    const second = await bearer(tenant, { gracePeriodHours: 48 });
    const third = await bearer(tenant, { gracePeriodHours: 2 });
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(second)).toBe(200);
    expect(await scimStatus(third)).toBe(200);
    const after = await status(tenant);
    expect(after.credentials.map((c) => [c.role, c.tokenPrefix])).toEqual([
      ['current', prefixOf(third)],
      ['previous', prefixOf(second)],
    ]);
    expect(Date.parse(String(after.graceEndsAt)) - Date.now()).toBeLessThanOrEqual(2 * HOUR_MS);
    const { events } = await allEvents(app, tenant);
    const rotations = events.filter((e) => e.type === 'scim_integration.credentials_rotated');
    expect(rotations.map((e) => e.details.endedGraceOf)).toEqual([
      null,
      { credentialCreatedAt: expect.any(String) },
    ]);
    const [rows] = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM scim_previous_credentials p
       JOIN scim_integrations i ON i.id = p.integration_id WHERE i.organization_id = $1`,
      [tenant.id],
    );
    expect(rows?.n).toBe(1);
  });

  it('an admin can end the grace period early: the old token stops at once, the new one works', async () => {
    const tenant = await aScimTenant(app);
    const fresh = await bearer(tenant, { gracePeriodHours: 24 });
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    await endGrace(tenant).expect(204);
    const refused = await app
      .http()
      .get('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .expect(401);
    expect(refused.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(await scimStatus(fresh)).toBe(200);
    const after = await status(tenant);
    expect(after.credentials.map((c) => c.role)).toEqual(['current']);
    expect(after.graceEndsAt).toBeNull();
    const again = await endGrace(tenant).expect(404);
    expect(again.body.detail).toMatch(/no previous SCIM credentials/);

    const { events } = await allEvents(app, tenant);
    const revoked = events.filter(
      (e) => e.type === 'scim_integration.previous_credentials_revoked',
    );
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.details).toEqual({
      credentialCreatedAt: expect.any(String),
      plannedGraceEndsAt: expect.any(String),
    });
    expect(revoked[0]?.data).toMatchObject({ graceEndsAt: null });
  });

  it('ending a grace period needs SCIM on and a grace period in progress', async () => {
    const tenant = await aScimTenant(app);
    await endGrace(tenant).expect(404);
    await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(204);
    const off = await endGrace(tenant).expect(404);
    expect(off.body.detail).toMatch(/not enabled/);
  });

  it('disabling SCIM ends both credentials', async () => {
    const tenant = await aScimTenant(app);
    const fresh = await bearer(tenant);
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    const [integration] = await app.dataSource.query<{ id: string }[]>(
      'SELECT id FROM scim_integrations WHERE organization_id = $1',
      [tenant.id],
    );
    await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(204);
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(fresh)).toBe(401);
    const left = await app.dataSource.query<unknown[]>(
      'SELECT 1 FROM scim_previous_credentials WHERE integration_id = $1',
      [integration?.id],
    );
    expect(left).toEqual([]);
  });

  it('keeps HTTP Basic credentials working the same way', async () => {
    const tenant = await aScimTenant(app, 'basic');
    const rotated = await rotate(tenant, { gracePeriodHours: 1 }).expect(201);
    const body = rotated.body as { username: string; password: string };
    const fresh = `Basic ${Buffer.from(`${body.username}:${body.password}`).toString('base64')}`;
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    expect(await scimStatus(fresh)).toBe(200);
    const after = await status(tenant);
    const oldUsername = Buffer.from(tenant.scimAuth.slice(6), 'base64').toString().split(':')[0];
    expect(after.credentials.map((c) => [c.role, c.username, c.tokenPrefix])).toEqual([
      ['current', body.username, null],
      ['previous', oldUsername, null],
    ]);
    expect(JSON.stringify(after)).not.toContain(body.password);
  });

  it('refuses the old token once its grace period has passed, with a reason', async () => {
    const tenant = await aScimTenant(app);
    // 0.001 hours: 3.6 seconds.
    const fresh = await bearer(tenant, { gracePeriodHours: 0.001 });
    expect(await scimStatus(tenant.scimAuth)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_800));
    const refused = await app
      .http()
      .get('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .expect(401);
    expect(refused.body.detail).toMatch(/grace period ended/);
    expect(await scimStatus(fresh)).toBe(200);
    expect((await status(tenant)).credentials.map((c) => c.role)).toEqual(['current']);
    await endGrace(tenant).expect(404);
  });

  it('refuses the old token when it expires during its grace period', async () => {
    const tenant = await aScimTenant(app);
    await bearer(tenant, { gracePeriodHours: 720 });
    await app.dataSource.query(
      `UPDATE scim_previous_credentials SET expires_at = now() - interval '1 minute'
       WHERE integration_id = (SELECT id FROM scim_integrations WHERE organization_id = $1)`,
      [tenant.id],
    );
    const refused = await app
      .http()
      .get('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .expect(401);
    expect(refused.body.detail).toMatch(/expired/);
    expect((await status(tenant)).credentials[1]).toMatchObject({ expired: true });
  });
});

describe('expiry notices of both credentials', () => {
  let smtp: SmtpSink;
  let app: TestApp;
  beforeAll(async () => {
    ({ app, smtp } = await startMailingApp());
  });
  afterAll(() => app.close());

  it('warns and tells the admins about the previous token expiring before its grace ends, once each', async () => {
    const tenant = await aScimTenant(app);
    const created = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .send(oktaCreateUser('admin.rotation@example.com'))
      .expect(201);
    await app.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [created.body.id]);
    const rotated = await app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth)
      .send({ gracePeriodHours: 720 })
      .expect(201);
    const worker = app.app.get(OutboxWorker);
    // A previous token that ends with its grace period is nobody's surprise: no notice.
    expect(await worker.checkExpiries()).toBe(0);

    const setPreviousExpiry = (interval: string) =>
      app.dataSource.query(
        `UPDATE scim_previous_credentials SET expires_at = now() + $2::interval
         WHERE integration_id = (SELECT id FROM scim_integrations WHERE organization_id = $1)`,
        [tenant.id, interval],
      );
    await setPreviousExpiry('10 days');
    expect(await worker.checkExpiries()).toBe(1);
    expect(await worker.checkExpiries()).toBe(0);
    const [warning] = await smtp.waitFor(1);
    expect(warning?.to).toEqual(['admin.rotation@example.com']);
    expect(warning?.subject).toMatch(/previous SCIM token expires on/);
    expect(warning?.text).toContain('before that period ends');

    smtp.received.length = 0;
    await setPreviousExpiry('-1 minute');
    expect(await worker.checkExpiries()).toBe(1);
    expect(await worker.checkExpiries()).toBe(0);
    const [expired] = await smtp.waitFor(1);
    expect(expired?.subject).toMatch(/previous SCIM token expired/);
    expect(expired?.text).toContain('The current credentials are not affected');

    const { events } = await allEvents(app, tenant);
    const notices = events.filter((e) => /credentials_expir/.test(e.type));
    expect(notices.map((e) => [e.type, e.details.credential, e.actor])).toEqual([
      [
        'scim_integration.credentials_expiring',
        'previous',
        { type: 'system', worker: 'credential-expiry' },
      ],
      [
        'scim_integration.credentials_expired',
        'previous',
        { type: 'system', worker: 'credential-expiry' },
      ],
    ]);
    const text = JSON.stringify([events, smtp.received, warning, expired]);
    for (const secret of [
      secretOf(tenant.scimAuth),
      secretOf(String((rotated.body as { token: string }).token)),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('carries the notices already given over to the previous token', async () => {
    const tenant = await aScimTenant(app);
    const worker = app.app.get(OutboxWorker);
    await app.dataSource.query(
      `UPDATE scim_integrations SET expires_at = now() + interval '10 days' WHERE organization_id = $1`,
      [tenant.id],
    );
    await worker.checkExpiries();
    const [warned] = await app.dataSource.query<{ expiry_warning_sent_at: Date | null }[]>(
      'SELECT expiry_warning_sent_at FROM scim_integrations WHERE organization_id = $1',
      [tenant.id],
    );
    expect(warned?.expiry_warning_sent_at).toBeInstanceOf(Date);
    await app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth)
      .send({ gracePeriodHours: 720 })
      .expect(201);
    // The old token expires in 10 days, before its grace ends, but its admins were warned already.
    expect(await worker.checkExpiries()).toBe(0);
    const [carried] = await app.dataSource.query<{ expiry_warning_sent_at: Date | null }[]>(
      `SELECT p.expiry_warning_sent_at FROM scim_previous_credentials p
       JOIN scim_integrations i ON i.id = p.integration_id WHERE i.organization_id = $1`,
      [tenant.id],
    );
    expect(carried?.expiry_warning_sent_at?.getTime()).toBe(
      warned?.expiry_warning_sent_at?.getTime(),
    );
    const { events } = await allEvents(app, tenant);
    expect(events.filter((e) => e.type === 'scim_integration.credentials_expiring')).toHaveLength(
      1,
    );
  });
});

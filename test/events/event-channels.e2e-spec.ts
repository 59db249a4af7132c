import { OutboxWorker } from '@rollcall/notifications';
import { aTenant, type Tenant } from '../support/factories';
import { base64, configureSaml, postAcs, samlResponseXml, spUrls } from '../support/saml';
import { startTestApp, type TestApp } from '../support/test-app';
import { allEvents, type ApiEvent } from './support';

/**
 * Every event type, from every channel that causes it: SAML sign-ins, admin actions, the SCIM
 * integration and SSO settings, and a worker. (SCIM requests: events-api.e2e-spec.ts.)
 */
describe('events from every channel', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const admin = (tenant: Tenant) => ({
    get: (path: string) => app.http().get(`/api/v1${path}`).set('Authorization', tenant.auth),
    post: (path: string, body: object = {}) =>
      app.http().post(`/api/v1${path}`).set('Authorization', tenant.auth).send(body),
    patch: (path: string, body: object) =>
      app.http().patch(`/api/v1${path}`).set('Authorization', tenant.auth).send(body),
    delete: (path: string) => app.http().delete(`/api/v1${path}`).set('Authorization', tenant.auth),
  });

  const signIn = (tenant: Tenant, email: string, attributes: Record<string, string | string[]>) =>
    postAcs(
      app,
      tenant.slug,
      base64(samlResponseXml({ sp: spUrls(app, tenant.slug), email, attributes })),
    ).expect(303);

  const summary = (events: ApiEvent[]) => events.map((e) => [e.type, e.subject.type, e.details]);

  it('SAML sign-ins and admin actions: the user lifecycle, seats, pools, roles, groups and anonymization', async () => {
    const tenant = await aTenant(app, { totalLicenses: 10 });
    const apiKeyId = expect.any(String);
    await configureSaml(app, tenant.adminApiKey);
    const group = (await admin(tenant).post('/groups', { displayName: 'Staff' }).expect(201))
      .body as { id: string };
    const pool = (
      await admin(tenant).post('/license-pools', { name: 'Sales', capacity: 3 }).expect(201)
    ).body as { id: string };
    const { cursor } = await allEvents(app, tenant);

    // First sign-in: created just in time, in its groups, with a seat.
    await signIn(tenant, 'pat@example.com', { groups: ['Staff'] });
    const users = (await admin(tenant).get('/users').expect(200)).body as {
      data: { id: string }[];
    };
    const userId = users.data[0].id;
    const signedIn = await allEvents(app, tenant, cursor);
    expect(summary(signedIn.events)).toEqual([
      ['user.created', 'user', {}],
      [
        'user.seat_taken',
        'user',
        { pool: { id: expect.any(String), name: 'Default license pool' } },
      ],
      ['group.members_added', 'group', { userIds: [userId] }],
    ]);
    expect(signedIn.events[0]?.actor).toEqual({
      type: 'sso_sign_in',
      idpEntityId: 'https://idp.test/metadata',
      assertionId: expect.stringMatching(/^_a/),
    });
    // The assertion names a pool: the user moves (rule 6), its seat with it.
    await signIn(tenant, 'pat@example.com', { groups: ['Staff'], licensePoolName: 'Sales' });
    const moved = await allEvents(app, tenant, signedIn.cursor);
    expect(summary(moved.events)).toEqual([
      [
        'user.pool_changed',
        'user',
        {
          from: { id: expect.any(String), name: 'Default license pool' },
          to: { id: pool.id, name: 'Sales' },
          channel: 'sso_sign_in',
        },
      ],
      [
        'user.seat_released',
        'user',
        { pool: { id: expect.any(String), name: 'Default license pool' } },
      ],
      ['user.seat_taken', 'user', { pool: { id: pool.id, name: 'Sales' } }],
    ]);

    // Admin actions.
    await admin(tenant).patch(`/users/${userId}`, { role: 'admin' }).expect(200);
    await admin(tenant).post(`/users/${userId}/deactivate`).expect(200);
    await admin(tenant).post(`/users/${userId}/reactivate`).expect(200);
    await admin(tenant).post(`/users/${userId}/deactivate`).expect(200);
    await admin(tenant).post(`/users/${userId}/anonymize`).expect(200);
    const acted = await allEvents(app, tenant, moved.cursor);
    expect(summary(acted.events)).toEqual([
      ['user.role_changed', 'user', { from: 'user', to: 'admin' }],
      ['user.deactivated', 'user', {}],
      ['user.seat_released', 'user', { pool: { id: pool.id, name: 'Sales' } }],
      ['user.reactivated', 'user', {}],
      ['user.seat_taken', 'user', { pool: { id: pool.id, name: 'Sales' } }],
      ['user.deactivated', 'user', {}],
      ['user.seat_released', 'user', { pool: { id: pool.id, name: 'Sales' } }],
      ['group.members_removed', 'group', { userIds: [userId] }],
      ['user.anonymized', 'user', {}],
    ]);
    for (const event of acted.events) {
      expect(event.actor).toEqual({ type: 'admin_api_key', apiKeyId });
    }
    expect(acted.events.find((e) => e.type === 'group.members_removed')?.subject.id).toBe(group.id);

    // Anonymized: no event about the user carries its personal data any more.
    const everything = await allEvents(app, tenant);
    const aboutUser = everything.events.filter((e) => e.subject.id === userId);
    expect(aboutUser.length).toBeGreaterThan(5);
    for (const event of aboutUser) {
      expect(JSON.stringify(event)).not.toContain('pat@example.com');
      expect(event.data).toMatchObject({ userName: `anonymized-${userId}`, email: null });
    }
  });

  it('a deleted pool moves its users to the default pool: user.pool_changed on the pool_delete channel', async () => {
    const tenant = await aTenant(app, { totalLicenses: 10 });
    await configureSaml(app, tenant.adminApiKey);
    const pool = (
      await admin(tenant).post('/license-pools', { name: 'Temp', capacity: 2 }).expect(201)
    ).body as { id: string };
    await signIn(tenant, 'kim@example.com', { licensePoolName: 'Temp' });
    const { cursor } = await allEvents(app, tenant);
    await admin(tenant).delete(`/license-pools/${pool.id}`).expect(204);
    const { events } = await allEvents(app, tenant, cursor);
    expect(summary(events)).toEqual([
      [
        'user.pool_changed',
        'user',
        {
          from: { id: pool.id, name: 'Temp' },
          to: { id: expect.any(String), name: 'Default license pool' },
          channel: 'pool_delete',
        },
      ],
      ['user.seat_released', 'user', { pool: { id: pool.id, name: 'Temp' } }],
      [
        'user.seat_taken',
        'user',
        { pool: { id: expect.any(String), name: 'Default license pool' } },
      ],
    ]);
    expect(events[0]?.data).toMatchObject({ licensePool: { name: 'Default license pool' } });
  });

  it('the SCIM integration and the SSO connection, never with a secret; the expiry worker', async () => {
    const tenant = await aTenant(app, { plan: 'enterprise' });
    const enabled = await admin(tenant)
      .post('/scim/integration', { idp: 'okta', authMethod: 'bearer' })
      .expect(201);
    const rotated = await admin(tenant).post('/scim/integration/rotate').expect(201);
    // The worker finds credentials close to expiry.
    await app.dataSource.query(
      `UPDATE scim_integrations SET expires_at = now() + interval '10 days' WHERE organization_id = $1`,
      [tenant.id],
    );
    await app.app.get(OutboxWorker).checkExpiries();
    await app.dataSource.query(
      `UPDATE scim_integrations SET expires_at = now() - interval '1 day' WHERE organization_id = $1`,
      [tenant.id],
    );
    await app.app.get(OutboxWorker).checkExpiries();
    await admin(tenant).delete('/scim/integration').expect(204);
    await configureSaml(app, tenant.adminApiKey);
    await configureSaml(app, tenant.adminApiKey, { jitProvisioning: false });
    await admin(tenant).delete('/sso/saml').expect(204);

    const { events } = await allEvents(app, tenant);
    expect(events.map((e) => [e.type, e.subject.type])).toEqual([
      ['scim_integration.enabled', 'scim_integration'],
      ['scim_integration.credentials_rotated', 'scim_integration'],
      ['scim_integration.credentials_expiring', 'scim_integration'],
      ['scim_integration.credentials_expired', 'scim_integration'],
      ['scim_integration.disabled', 'scim_integration'],
      ['sso_connection.created', 'sso_connection'],
      ['sso_connection.updated', 'sso_connection'],
      ['sso_connection.deleted', 'sso_connection'],
    ]);
    expect(events[2]?.actor).toEqual({ type: 'system', worker: 'credential-expiry' });
    expect(events[3]?.data).toMatchObject({ expired: true });
    expect(events[0]?.data).toMatchObject({ enabled: true, idp: 'okta', authMethod: 'bearer' });
    expect(events[4]?.data).toMatchObject({ enabled: false });
    expect(events[6]?.data).toMatchObject({ configured: true, jitProvisioning: false });
    expect(events[7]?.data).toMatchObject({ configured: false });
    const text = JSON.stringify(events);
    const enabledToken = String((enabled.body as { token: string }).token);
    const rotatedToken = String((rotated.body as { token: string }).token);
    // rcscim_<12-character id>_<43-character secret>: the secret itself may hold a '_'.
    const enabledSecret = enabledToken.slice('rcscim_'.length + 13);
    expect(enabledSecret).toHaveLength(43);
    for (const secret of [enabledToken, rotatedToken, enabledSecret]) {
      expect(text).not.toContain(secret);
    }
  });
});

import { aScimTenant, aTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('SCIM integration settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const scimUsers = (auth?: string) => {
    const request = app.http().get('/scim/v2/Users');
    return auth ? request.set('Authorization', auth) : request;
  };

  it('is off until enabled, then shows the base URL and a two-year expiry', async () => {
    const tenant = await aTenant(app);
    const off = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(off.body).toMatchObject({ enabled: false, baseUrl: 'http://rollcall.test/scim/v2' });

    const enabled = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .send({ idp: 'entra', authMethod: 'bearer' })
      .expect(201);
    expect(enabled.body).toEqual({
      authMethod: 'bearer',
      baseUrl: 'http://rollcall.test/scim/v2',
      token: expect.stringMatching(/^rcscim_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const days = (Date.parse(enabled.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(729);
    expect(days).toBeLessThanOrEqual(730);

    const status = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(status.body).toMatchObject({
      enabled: true,
      idp: 'entra',
      authMethod: 'bearer',
      expiresAt: enabled.body.expiresAt,
      expiringSoon: false,
      expired: false,
    });
    expect(JSON.stringify(status.body)).not.toContain(enabled.body.token);

    const stored = await app.dataSource.query(
      'SELECT * FROM scim_integrations WHERE organization_id = $1',
      [tenant.id],
    );
    expect(JSON.stringify(stored)).not.toContain(enabled.body.token.split('_').slice(2).join('_'));

    await scimUsers(`Bearer ${enabled.body.token}`).expect(200);
  });

  it('issues HTTP Basic credentials when asked, and refuses them as a bearer token', async () => {
    const tenant = await aScimTenant(app, 'basic');
    await scimUsers(tenant.scimAuth).expect(200);
    const [username, password] = Buffer.from(tenant.scimAuth.slice(6), 'base64')
      .toString()
      .split(':');
    expect(username).toMatch(/^scim-/);
    await scimUsers(`Bearer ${password}`).expect(401);
    const wrong = Buffer.from(`${username}:nope`).toString('base64');
    await scimUsers(`Basic ${wrong}`).expect(401);
  });

  it('answers bad credentials with 401, a SCIM error body and WWW-Authenticate', async () => {
    for (const auth of [
      undefined,
      'Bearer nope',
      'Bearer rcscim_AAAAAAAAAAAA_' + 'a'.repeat(43),
      'Basic !!!',
    ]) {
      const response = await scimUsers(auth);
      expect([auth, response.status]).toEqual([auth, 401]);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.headers['www-authenticate']).toMatch(/Bearer/);
      expect(response.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '401',
        detail: expect.any(String),
      });
    }
  });

  it('reads the token from the Authorization header only, in any case of the scheme', async () => {
    const tenant = await aScimTenant(app);
    const token = tenant.scimAuth.slice('Bearer '.length);
    const ok = await scimUsers(`bearer ${token}`).expect(200);
    expect(ok.headers['content-type']).toMatch(/^application\/scim\+json/);
    await scimUsers(`BEARER  ${token}`).expect(200);
    // RFC 6750 allows the token in the query or a form body; a SCIM service need not, and a token
    // in a URL ends up in logs.
    const inQuery = await app.http().get(`/scim/v2/Users?access_token=${token}`);
    expect(inQuery.status).toBe(401);
    const inBody = await app
      .http()
      .post('/scim/v2/Users')
      .set('Content-Type', 'application/scim+json')
      .send({ access_token: token, userName: 'nobody@example.com' });
    expect(inBody.status).toBe(401);
    await scimUsers(`Bearer ${token} extra`).expect(401);
    await scimUsers(`Token ${token}`).expect(401);
  });

  it('refuses an admin key as SCIM credentials and SCIM credentials as an admin key', async () => {
    const tenant = await aScimTenant(app);
    await scimUsers(tenant.auth).expect(401);
    await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.scimAuth)
      .expect(401);
  });

  it('rotates with a grace period of 0: the old token stops at once, the new one works', async () => {
    const tenant = await aScimTenant(app);
    const rotated = await app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth)
      .send({ gracePeriodHours: 0 })
      .expect(201);
    await scimUsers(tenant.scimAuth).expect(401);
    await scimUsers(`Bearer ${rotated.body.token}`).expect(200);
    const status = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth);
    expect(status.body.rotatedAt).toEqual(expect.any(String));
  });

  it('disables: every SCIM call answers 401 and users keep their state', async () => {
    const tenant = await aScimTenant(app);
    const created = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .send({ userName: 'kept@example.com', active: true })
      .expect(201);
    await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(204);
    await scimUsers(tenant.scimAuth).expect(401);
    await app
      .http()
      .get(`/scim/v2/Users/${created.body.id}`)
      .set('Authorization', tenant.scimAuth)
      .expect(401);
    const [row] = await app.dataSource.query('SELECT status FROM users WHERE id = $1', [
      created.body.id,
    ]);
    expect(row.status).toBe('provisioned');
    await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(404);
    const status = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth);
    expect(status.body.enabled).toBe(false);
  });

  it('flags credentials expiring within 30 days and refuses expired ones', async () => {
    const tenant = await aScimTenant(app);
    await app.dataSource.query(
      `UPDATE scim_integrations SET expires_at = now() + interval '10 days' WHERE organization_id = $1`,
      [tenant.id],
    );
    const soon = await app.http().get('/api/v1/scim/integration').set('Authorization', tenant.auth);
    expect(soon.body).toMatchObject({ expiringSoon: true, expired: false });
    await scimUsers(tenant.scimAuth).expect(200);

    await app.dataSource.query(
      `UPDATE scim_integrations SET expires_at = now() - interval '1 minute' WHERE organization_id = $1`,
      [tenant.id],
    );
    const expired = await scimUsers(tenant.scimAuth).expect(401);
    expect(expired.body.detail).toMatch(/expired/);
    const status = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth);
    expect(status.body).toMatchObject({ expiringSoon: false, expired: true });
  });

  it('is for enterprise organizations only', async () => {
    const team = await aTenant(app, { plan: 'team' });
    const response = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', team.auth)
      .send({ idp: 'okta', authMethod: 'bearer' });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'plan_required' });
    expect(response.body.detail).toMatch(/enterprise plan/);
  });

  it('refuses a second enable and validates the request', async () => {
    const tenant = await aScimTenant(app);
    const again = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .send({ idp: 'okta', authMethod: 'bearer' });
    expect(again.status).toBe(409);
    const invalid = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .send({ idp: 'myspace', authMethod: 'oauth', extra: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'authMethod',
      'extra',
      'idp',
    ]);
  });

  it('keeps each organization’s SCIM credentials to its own users', async () => {
    const a = await aScimTenant(app);
    const b = await aScimTenant(app);
    const user = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', a.scimAuth)
      .send({ userName: 'only-a@example.com' })
      .expect(201);
    await app
      .http()
      .get(`/scim/v2/Users/${user.body.id}`)
      .set('Authorization', b.scimAuth)
      .expect(404);
    await app
      .http()
      .patch(`/scim/v2/Users/${user.body.id}`)
      .set('Authorization', b.scimAuth)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      })
      .expect(404);
    await app
      .http()
      .delete(`/scim/v2/Users/${user.body.id}`)
      .set('Authorization', b.scimAuth)
      .expect(404);
    const list = await app
      .http()
      .get('/scim/v2/Users')
      .query({ filter: 'userName eq "only-a@example.com"' })
      .set('Authorization', b.scimAuth)
      .expect(200);
    expect(list.body.totalResults).toBe(0);
    await app
      .http()
      .get(`/scim/v2/Users/${user.body.id}`)
      .set('Authorization', a.scimAuth)
      .expect(200);
  });
});

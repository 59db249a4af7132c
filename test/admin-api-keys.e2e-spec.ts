import { aTenant, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('admin API keys', () => {
  let app: TestApp;
  let tenant: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aTenant(app);
    other = await aTenant(app);
  });
  afterAll(() => app.close());

  const keys = (auth: string) =>
    app.http().get('/api/v1/admin-api-keys').set('Authorization', auth);
  const createKey = (auth: string, body: object) =>
    app.http().post('/api/v1/admin-api-keys').set('Authorization', auth).send(body);
  const revoke = (auth: string, id: string) =>
    app.http().delete(`/api/v1/admin-api-keys/${id}`).set('Authorization', auth);

  it('lists the initial key without its secret', async () => {
    const response = await keys(tenant.auth).expect(200);
    expect(response.body.data).toEqual([
      {
        id: expect.any(String),
        name: 'Initial admin key',
        prefix: tenant.adminApiKey.slice(0, 'rcak_'.length + 12),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(response.body)).not.toContain(tenant.adminApiKey.slice(18));
  });

  it('creates a key that works at once and is shown only at creation', async () => {
    const created = await createKey(tenant.auth, { name: 'CI pipeline' }).expect(201);
    expect(created.body).toMatchObject({ name: 'CI pipeline', revokedAt: null, lastUsedAt: null });
    expect(created.body.key).toMatch(/^rcak_/);
    const me = await app
      .http()
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${created.body.key}`)
      .expect(200);
    expect(me.body.id).toBe(tenant.id);
    const listed = await keys(tenant.auth).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
  });

  it('revokes a key so that it stops working immediately', async () => {
    const created = await createKey(tenant.auth, { name: 'short-lived' }).expect(201);
    const revoked = await revoke(tenant.auth, created.body.id).expect(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const refused = await app
      .http()
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${created.body.key}`);
    expect(refused.status).toBe(401);
    // Revoking again is harmless.
    await revoke(tenant.auth, created.body.id).expect(200);
  });

  it('refuses to revoke the last active key', async () => {
    const lonely = await aTenant(app);
    const [only] = (await keys(lonely.auth).expect(200)).body.data;
    const response = await revoke(lonely.auth, only.id);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('last_admin_key');
    await app.http().get('/api/v1/organization').set('Authorization', lonely.auth).expect(200);
  });

  it('keeps one active key when the last two revoke each other at the same time', async () => {
    const pair = await aTenant(app);
    const second = await createKey(pair.auth, { name: 'second' }).expect(201);
    const [first] = ((await keys(pair.auth)).body.data as { id: string }[]).filter(
      (k) => k.id !== second.body.id,
    );
    const responses = await Promise.all([
      revoke(pair.auth, second.body.id),
      revoke(`Bearer ${second.body.key}`, first.id),
    ]);
    const statuses = responses.map((r) => r.status).sort();
    // One wins; the other finds itself last (409) or already revoked (401).
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const [{ count }] = await app.dataSource.query(
      'SELECT count(*)::int AS count FROM admin_api_keys WHERE organization_id = $1 AND revoked_at IS NULL',
      [pair.id],
    );
    expect(count).toBe(1);
  });

  it('hides one organization’s keys from another (404, never 403)', async () => {
    const [theirs] = (await keys(other.auth).expect(200)).body.data;
    const response = await revoke(tenant.auth, theirs.id);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    const mine = (await keys(tenant.auth)).body.data as { id: string }[];
    expect(mine.map((k) => k.id)).not.toContain(theirs.id);
    await app.http().get('/api/v1/organization').set('Authorization', other.auth).expect(200);
  });

  it('rejects malformed, unknown and tampered keys with 401', async () => {
    for (const header of [
      'Bearer',
      'Bearer rcak_short',
      `Bearer ${tenant.adminApiKey}x`,
      `Bearer ${tenant.adminApiKey.slice(0, -1)}${tenant.adminApiKey.endsWith('A') ? 'B' : 'A'}`,
      `Basic ${Buffer.from('admin:secret').toString('base64')}`,
      tenant.adminApiKey,
    ]) {
      const response = await keys(header);
      expect([header, response.status]).toEqual([header, 401]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('validates the key name', async () => {
    const response = await createKey(tenant.auth, { name: '', scope: 'all' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'name',
      'scope',
    ]);
  });

  it('lets the operator issue a key for a locked-out organization', async () => {
    const response = await app
      .http()
      .post(`/api/v1/organizations/${tenant.id}/admin-api-keys`)
      .set('Authorization', 'Bearer rcop_test-operator-token-with-enough-length-0123456789')
      .send({ name: 'support' })
      .expect(201);
    await app
      .http()
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${response.body.key}`)
      .expect(200);
  });
});

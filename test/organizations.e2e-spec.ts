import { aTenant, operatorAuth, uniqueSlug } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('operator API: organizations', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const create = (body: unknown, auth = operatorAuth()) =>
    app
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', auth)
      .send(body as object);

  it('creates an organization with its default pool and returns a working admin key once', async () => {
    const slug = uniqueSlug('acme');
    const response = await create({ name: 'Acme', slug, plan: 'enterprise', totalLicenses: 250 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Acme',
      slug,
      plan: 'enterprise',
      totalLicenses: 250,
      proForAllUsers: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      adminApiKey: expect.stringMatching(/^rcak_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/),
    });

    const pools = await app.dataSource.query(
      'SELECT name, is_default, capacity, used FROM license_pools WHERE organization_id = $1',
      [response.body.id],
    );
    expect(pools).toEqual([
      { name: 'Default license pool', is_default: true, capacity: 250, used: 0 },
    ]);

    const me = await app
      .http()
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${response.body.adminApiKey}`)
      .expect(200);
    expect(me.body).toMatchObject({ id: response.body.id, slug });
    expect(me.body.adminApiKey).toBeUndefined();

    const fetched = await app
      .http()
      .get(`/api/v1/organizations/${response.body.id}`)
      .set('Authorization', operatorAuth())
      .expect(200);
    expect(fetched.body.adminApiKey).toBeUndefined();
  });

  it('stores the admin key only as a hash', async () => {
    const tenant = await aTenant(app);
    const rows: { secret_hash: string; key_id: string }[] = await app.dataSource.query(
      'SELECT * FROM admin_api_keys WHERE organization_id = $1',
      [tenant.id],
    );
    expect(rows).toHaveLength(1);
    const secret = tenant.adminApiKey.split('_').slice(2).join('_');
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts proForAllUsers and the team plan', async () => {
    const response = await create({
      name: 'Team',
      slug: uniqueSlug(),
      plan: 'team',
      totalLicenses: 0,
      proForAllUsers: true,
    }).expect(201);
    expect(response.body).toMatchObject({ plan: 'team', totalLicenses: 0, proForAllUsers: true });
  });

  it('refuses a taken slug with 409 and changes nothing', async () => {
    const tenant = await aTenant(app);
    const [{ count: before }] = await app.dataSource.query(
      'SELECT count(*)::int AS count FROM organizations',
    );
    const response = await create({
      name: 'Again',
      slug: tenant.slug,
      plan: 'team',
      totalLicenses: 1,
    });
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'slug_taken', status: 409 });
    const [{ count: after }] = await app.dataSource.query(
      'SELECT count(*)::int AS count FROM organizations',
    );
    expect(after).toBe(before);
  });

  it('creates exactly one organization when the same slug is sent concurrently', async () => {
    const slug = uniqueSlug('race');
    const body = { name: 'Race', slug, plan: 'team', totalLicenses: 1 };
    const statuses = (await Promise.all([1, 2, 3, 4, 5].map(() => create(body)))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    const rows = await app.dataSource.query('SELECT id FROM organizations WHERE slug = $1', [slug]);
    expect(rows).toHaveLength(1);
  });

  it('names every invalid and unknown field', async () => {
    const response = await create({
      name: '',
      slug: 'Not A Slug',
      plan: 'gold',
      totalLicenses: -3,
      proForAllUsers: 'yes',
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect([...new Set(fields)]).toEqual(
      ['colour', 'name', 'plan', 'proForAllUsers', 'slug', 'totalLicenses'].sort(),
    );
  });

  it('rejects a missing body field, a non-integer and a string number', async () => {
    const response = await create({
      name: 'X',
      slug: uniqueSlug(),
      plan: 'team',
      totalLicenses: '5',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'totalLicenses' })]);
    const missing = await create({ name: 'X', plan: 'team', totalLicenses: 1.5 });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['slug', 'totalLicenses']),
    );
  });

  it('answers malformed JSON with 400, a wrong content type with 415 and a huge body with 413', async () => {
    const malformed = await app
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', operatorAuth())
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'malformed_request' });
    expect(malformed.body.detail).toMatch(/not valid JSON/);
    expect(malformed.body.requestId).toEqual(expect.any(String));

    const text = await app
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', operatorAuth())
      .set('Content-Type', 'text/plain')
      .send('name=acme');
    expect(text.status).toBe(415);

    const huge = await app
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', operatorAuth())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ code: 'payload_too_large', status: 413 });
  });

  it('requires the operator token, and an admin key is not one', async () => {
    const body = { name: 'X', slug: uniqueSlug(), plan: 'team', totalLicenses: 1 };
    const none = await app.http().post('/api/v1/organizations').send(body);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ code: 'unauthorized' });
    expect((await create(body, 'Bearer wrong')).status).toBe(401);
    expect((await create(body, 'Basic dXNlcjpwYXNz')).status).toBe(401);
    const tenant = await aTenant(app);
    expect((await create(body, tenant.auth)).status).toBe(401);
    expect(
      (await app.http().get('/api/v1/organizations').set('Authorization', tenant.auth)).status,
    ).toBe(401);
  });

  it('answers unknown and malformed ids with 404', async () => {
    const unknown = await app
      .http()
      .get('/api/v1/organizations/6f1c2a3e-6b1f-4a43-9d56-3c1d7a6f2e10')
      .set('Authorization', operatorAuth());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const malformed = await app
      .http()
      .get('/api/v1/organizations/1%20OR%201=1')
      .set('Authorization', operatorAuth());
    expect(malformed.status).toBe(404);
  });

  it('pages through organizations with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) await aTenant(app);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { limit: 2 };
      if (cursor) query.cursor = cursor;
      const page = await app
        .http()
        .get('/api/v1/organizations')
        .query(query)
        .set('Authorization', operatorAuth())
        .expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const org of page.body.data as { id: string }[]) {
        expect(seen.has(org.id)).toBe(false);
        seen.add(org.id);
      }
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor && pages < 100);
    const [{ count }] = await app.dataSource.query(
      'SELECT count(*)::int AS count FROM organizations',
    );
    expect(seen.size).toBe(count);

    const badCursor = await app
      .http()
      .get('/api/v1/organizations?cursor=garbage&limit=500')
      .set('Authorization', operatorAuth());
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
  });

  it('answers unknown routes with a problem document, never a stack trace', async () => {
    const response = await app.http().get('/api/v1/does-not-exist');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'route_not_found' });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

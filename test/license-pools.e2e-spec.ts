import { aTenant, operatorAuth, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

interface Pool {
  id: string;
  name: string;
  isDefault: boolean;
  capacity: number;
  used: number;
  remaining: number;
}

describe('license pools', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const pools = async (tenant: Tenant): Promise<Pool[]> =>
    (await app.http().get('/api/v1/license-pools').set('Authorization', tenant.auth).expect(200))
      .body.data;
  const byName = async (tenant: Tenant, name: string) =>
    (await pools(tenant)).find((p) => p.name === name)!;
  const createPool = (tenant: Tenant, body: object) =>
    app.http().post('/api/v1/license-pools').set('Authorization', tenant.auth).send(body);
  const updatePool = (tenant: Tenant, id: string, body: object) =>
    app.http().patch(`/api/v1/license-pools/${id}`).set('Authorization', tenant.auth).send(body);

  it('starts with the default pool holding every license', async () => {
    const tenant = await aTenant(app, { totalLicenses: 100 });
    expect(await pools(tenant)).toEqual([
      expect.objectContaining({
        name: 'Default license pool',
        isDefault: true,
        capacity: 100,
        used: 0,
        remaining: 100,
      }),
    ]);
  });

  it('keeps the default pool at totalLicenses minus the custom pools through create, resize and delete', async () => {
    const tenant = await aTenant(app, { totalLicenses: 100 });
    const sales = (await createPool(tenant, { name: 'Sales', capacity: 30 }).expect(201))
      .body as Pool;
    expect(sales).toMatchObject({
      name: 'Sales',
      capacity: 30,
      used: 0,
      remaining: 30,
      isDefault: false,
    });
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(70);
    const eng = (await createPool(tenant, { name: 'Engineering', capacity: 50 }).expect(201))
      .body as Pool;
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(20);
    await updatePool(tenant, sales.id, { capacity: 40 }).expect(200);
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(10);
    await updatePool(tenant, eng.id, { name: 'R&D' }).expect(200);
    expect((await byName(tenant, 'R&D')).capacity).toBe(50);
    await app
      .http()
      .delete(`/api/v1/license-pools/${eng.id}`)
      .set('Authorization', tenant.auth)
      .expect(204);
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(60);
    const total = (await pools(tenant)).reduce((sum, p) => sum + p.capacity, 0);
    expect(total).toBe(100);
  });

  it('refuses what would over-allocate, naming the reason, and changes nothing', async () => {
    const tenant = await aTenant(app, { totalLicenses: 10 });
    const tooBig = await createPool(tenant, { name: 'Huge', capacity: 11 });
    expect(tooBig.status).toBe(409);
    expect(tooBig.body).toMatchObject({
      code: 'not_enough_licenses',
      detail: expect.stringContaining('10 licenses'),
    });
    const sales = (await createPool(tenant, { name: 'Sales', capacity: 4 }).expect(201))
      .body as Pool;
    expect((await updatePool(tenant, sales.id, { capacity: 11 })).status).toBe(409);
    await app.dataSource.query('UPDATE license_pools SET used = 3 WHERE id = $1', [sales.id]);
    const below = await updatePool(tenant, sales.id, { capacity: 2 });
    expect(below.status).toBe(409);
    expect(below.body.detail).toMatch(/3 seats in use/);
    expect(await pools(tenant)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Sales', capacity: 4, used: 3 }),
        expect.objectContaining({ name: 'Default license pool', capacity: 6 }),
      ]),
    );
  });

  it('protects the default pool and unique names in any case', async () => {
    const tenant = await aTenant(app);
    const [defaultPool] = await pools(tenant);
    expect((await updatePool(tenant, defaultPool.id, { name: 'Renamed' })).body.code).toBe(
      'default_pool_fixed',
    );
    expect((await updatePool(tenant, defaultPool.id, { capacity: 1 })).status).toBe(409);
    const deleted = await app
      .http()
      .delete(`/api/v1/license-pools/${defaultPool.id}`)
      .set('Authorization', tenant.auth);
    expect(deleted.body.code).toBe('default_pool_fixed');
    await createPool(tenant, { name: 'Sales', capacity: 1 }).expect(201);
    for (const name of ['SALES', ' sales ', 'default LICENSE pool']) {
      const response = await createPool(tenant, { name, capacity: 1 });
      expect([name, response.status, response.body.code]).toEqual([name, 409, 'pool_name_taken']);
    }
    const invalid = await createPool(tenant, { name: '  ', capacity: -1, colour: 'red' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'capacity',
      'colour',
      'name',
    ]);
  });

  it('moves users and their seats to the default pool when a pool is deleted', async () => {
    const tenant = await aTenant(app, { totalLicenses: 10 });
    const sales = (await createPool(tenant, { name: 'Sales', capacity: 5 }).expect(201))
      .body as Pool;
    await app.dataSource.query(
      `INSERT INTO users (organization_id, user_name, license_pool_id, status, emails, email_values, phone_numbers, addresses, ims, photos, enterprise, version, first_login_at)
       SELECT $1, 'u' || g || '@example.com', $2, 'active', '[]', '{}', '[]', '[]', '[]', '[]', '{}', 1, now() FROM generate_series(1, 3) g`,
      [tenant.id, sales.id],
    );
    await app.dataSource.query('UPDATE license_pools SET used = 3 WHERE id = $1', [sales.id]);
    await app
      .http()
      .delete(`/api/v1/license-pools/${sales.id}`)
      .set('Authorization', tenant.auth)
      .expect(204);
    const [only] = await pools(tenant);
    expect(only).toMatchObject({ isDefault: true, capacity: 10, used: 3 });
    const moved = await app.dataSource.query(
      'SELECT count(*)::int AS n FROM users WHERE license_pool_id = $1',
      [only.id],
    );
    expect(moved[0].n).toBe(3);
  });

  it('is enterprise-only for custom pools', async () => {
    const team = await aTenant(app, { plan: 'team' });
    const response = await createPool(team, { name: 'Sales', capacity: 1 });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('plan_required');
  });

  it('lets the operator change totalLicenses under the same arithmetic', async () => {
    const tenant = await aTenant(app, { totalLicenses: 20 });
    await createPool(tenant, { name: 'Sales', capacity: 15 }).expect(201);
    const patchOrg = (body: object) =>
      app
        .http()
        .patch(`/api/v1/organizations/${tenant.id}`)
        .set('Authorization', operatorAuth())
        .send(body);
    const grown = await patchOrg({ totalLicenses: 30 }).expect(200);
    expect(grown.body.totalLicenses).toBe(30);
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(15);
    const shrunk = await patchOrg({ totalLicenses: 10 });
    expect(shrunk.status).toBe(409);
    expect(shrunk.body.code).toBe('not_enough_licenses');
    expect((await byName(tenant, 'Default license pool')).capacity).toBe(15);
    const downgrade = await patchOrg({ plan: 'team' });
    expect(downgrade.status).toBe(409);
    await patchOrg({ name: 'Renamed Org', proForAllUsers: true }).expect(200);
    await app
      .http()
      .patch(`/api/v1/organizations/${tenant.id}`)
      .set('Authorization', tenant.auth)
      .send({ totalLicenses: 1 })
      .expect(401);
  });

  it('hides other organizations’ pools (404)', async () => {
    const a = await aTenant(app);
    const b = await aTenant(app);
    const [theirs] = await pools(b);
    await app
      .http()
      .get(`/api/v1/license-pools/${theirs.id}`)
      .set('Authorization', a.auth)
      .expect(404);
    expect((await updatePool(a, theirs.id, { name: 'x' })).status).toBe(404);
  });
});

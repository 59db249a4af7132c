import { aScimTenant, type ScimTenant } from './support/factories';
import { serverUrl } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';

const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = 200;
const CAPACITY = 20;

/**
 * Seats are counted in PostgreSQL, not in a process: 200 concurrent moves into a pool of 20, spread
 * over two API instances on one PostgreSQL database (one instance on the embedded database, which a
 * single process owns), seat exactly 20 and refuse the rest cleanly.
 */
describe('seats under concurrency', () => {
  let instances: TestApp[];
  let tenant: ScimTenant;
  let targetId: string;
  let defaultId: string;
  let userIds: string[];

  beforeAll(async () => {
    const first = await startTestApp();
    instances = serverUrl() ? [first, await startTestApp({}, first)] : [first];
    tenant = await aScimTenant(first);
    const db = first.dataSource;
    await db.query('UPDATE organizations SET total_licenses = $2 WHERE id = $1', [
      tenant.id,
      USERS + CAPACITY,
    ]);
    [{ id: defaultId }] = await db.query(
      'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
      [tenant.id],
    );
    await db.query('UPDATE license_pools SET capacity = $2, used = $3 WHERE id = $1', [
      defaultId,
      USERS,
      USERS,
    ]);
    [{ id: targetId }] = await db.query(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity, used) VALUES ($1, 'Target', false, $2, 0) RETURNING id`,
      [tenant.id, CAPACITY],
    );
    const rows: { id: string }[] = await db.query(
      `INSERT INTO users (organization_id, user_name, license_pool_id, status, scim_managed, emails, email_values, phone_numbers, addresses, ims, photos, enterprise, version, first_login_at)
       SELECT $1, 'seat' || g || '@example.com', $2, 'active', true, '[]', '{}', '[]', '[]', '[]', '[]', '{}', 1, now()
       FROM generate_series(1, $3) g RETURNING id`,
      [tenant.id, defaultId, USERS],
    );
    userIds = rows.map((r) => r.id);
  });
  afterAll(async () => {
    for (const instance of [...instances].reverse()) await instance.close();
  });

  it(`seats exactly ${CAPACITY} of ${USERS} concurrent moves, refusing the rest with a clear error`, async () => {
    const responses = await Promise.all(
      userIds.map((id, i) => {
        const app = instances[i % instances.length];
        return i % 2 === 0
          ? app
              .http()
              .patch(`/scim/v2/Users/${id}`)
              .set('Authorization', tenant.scimAuth)
              .send({
                schemas: [PATCH_OP],
                Operations: [
                  { op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'Target' },
                ],
              })
          : app
              .http()
              .patch(`/api/v1/users/${id}`)
              .set('Authorization', tenant.auth)
              .send({ licensePoolId: targetId });
      }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(CAPACITY);
    for (const refused of responses.filter((r) => r.status !== 200)) {
      expect([400, 409]).toContain(refused.status);
      expect(refused.body.detail).toMatch(/License pool 'Target' is full/);
    }
    const db = instances[0].dataSource;
    const pools: { id: string; used: number; capacity: number }[] = await db.query(
      'SELECT id, used, capacity FROM license_pools WHERE organization_id = $1',
      [tenant.id],
    );
    const seated: { license_pool_id: string; n: number }[] = await db.query(
      `SELECT license_pool_id, count(*)::int AS n FROM users WHERE organization_id = $1 AND status = 'active' GROUP BY license_pool_id`,
      [tenant.id],
    );
    const count = (poolId: string) => seated.find((s) => s.license_pool_id === poolId)?.n ?? 0;
    expect(pools.find((p) => p.id === targetId)).toMatchObject({
      used: CAPACITY,
      capacity: CAPACITY,
    });
    expect(count(targetId)).toBe(CAPACITY);
    expect(pools.find((p) => p.id === defaultId)?.used).toBe(USERS - CAPACITY);
    expect(count(defaultId)).toBe(USERS - CAPACITY);
  });
});

import { randomUUID } from 'node:crypto';
import {
  ADMIN_POLICY_CASES,
  type AdminPolicyCase,
} from '../libs/identity/src/license-pools/pool-policy.table';
import { policyOrganization } from './support/policy-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The admin rows of the policy table over HTTP: an admin moving one user (PATCH /api/v1/users/{id}
 * with licensePoolId) and an admin deleting the user's pool (DELETE /api/v1/license-pools/{id}),
 * each answered as the table says, and a refusal changing nothing.
 *
 * The fixture organization (policy-fixtures.ts): 20 licenses, the default pool 14 of them, "Sales"
 * 5 (none used) and "Full" 1 (used). Its pools' seats are real seats, so a deleted pool hands the
 * default pool the licenses its seats need: the row "more seats than the default pool has free"
 * cannot happen through the API (seats never exceed a pool's capacity, a CHECK constraint), and only
 * the unit table holds it.
 */
const UNREACHABLE_OVER_HTTP = new Set([
  'pool_delete · more seats than the default pool has free: refused',
]);

describe('the pool-assignment policy in the admin API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const snapshot = async (organizationId: string, userId: string) => ({
    user: await app.dataSource.query('SELECT license_pool_id, status FROM users WHERE id = $1', [
      userId,
    ]),
    pools: await app.dataSource.query(
      'SELECT id, name, capacity, used FROM license_pools WHERE organization_id = $1 ORDER BY id',
      [organizationId],
    ),
  });
  const poolsByName = async (organizationId: string) =>
    poolsByNameOf(
      await app.dataSource.query<{ name: string; capacity: number; used: number }[]>(
        'SELECT name, capacity, used FROM license_pools WHERE organization_id = $1',
        [organizationId],
      ),
    );

  it('runs every admin row of the table except those the API cannot reach', () => {
    expect(ADMIN_POLICY_CASES.filter((c) => UNREACHABLE_OVER_HTTP.has(c.name))).toHaveLength(
      UNREACHABLE_OVER_HTTP.size,
    );
  });

  const rows = ADMIN_POLICY_CASES.filter((c) => !UNREACHABLE_OVER_HTTP.has(c.name));

  it.each(rows.map((c) => [c.name, c] as const))('%s', async (_name, c: AdminPolicyCase) => {
    const { tenant, pools, userId } = await policyOrganization(app, c);
    const id = userId!;
    const before = await snapshot(tenant.id, id);
    const seated = before.user[0].status === 'active';
    const fromPool = (before.pools as { id: string; name: string }[]).find(
      (p) => p.id === before.user[0].license_pool_id,
    )!.name;
    const response =
      c.channel === 'admin_move'
        ? await app
            .http()
            .patch(`/api/v1/users/${id}`)
            .set('Authorization', tenant.auth)
            .send({ licensePoolId: c.target === 'Marketing' ? randomUUID() : pools[c.target] })
        : await app
            .http()
            .delete(`/api/v1/license-pools/${pools[fromPool]}`)
            .set('Authorization', tenant.auth);

    switch (c.expected.outcome) {
      case 'rejected': {
        const [status, code] =
          c.expected.reason === 'unknown_pool' ? [400, 'validation_failed'] : [409, 'pool_full'];
        expect([response.status, response.body.code]).toEqual([status, code]);
        expect(await snapshot(tenant.id, id)).toEqual(before);
        return;
      }
      case 'unchanged':
        expect(response.status).toBe(200);
        expect(await snapshot(tenant.id, id)).toEqual(before);
        return;
      case 'assigned': {
        expect(response.status).toBe(c.channel === 'admin_move' ? 200 : 204);
        const after = await snapshot(tenant.id, id);
        expect(after.user).toEqual([
          { license_pool_id: pools[c.expected.pool], status: before.user[0].status },
        ]);
        const was = poolsByNameOf(before.pools);
        const now = await poolsByName(tenant.id);
        const seat = seated ? 1 : 0;
        if (c.channel === 'admin_move') {
          expect(now[fromPool].used).toBe(was[fromPool].used - seat);
          expect(now[c.expected.pool].used).toBe(was[c.expected.pool].used + seat);
        } else {
          // The deleted pool is gone; its licenses and seats are the default pool's.
          expect(now[fromPool]).toBeUndefined();
          expect(now[c.expected.pool]).toEqual({
            name: c.expected.pool,
            capacity: was[c.expected.pool].capacity + was[fromPool].capacity,
            used: was[c.expected.pool].used + was[fromPool].used,
          });
        }
        return;
      }
    }
  });
});

function poolsByNameOf(
  pools: { name: string; capacity: number; used: number }[],
): Record<string, { name: string; capacity: number; used: number }> {
  return Object.fromEntries(
    pools.map((p) => [p.name, { name: p.name, capacity: p.capacity, used: p.used }]),
  );
}

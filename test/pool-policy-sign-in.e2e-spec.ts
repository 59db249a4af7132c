import { DomainError } from '@rollcall/common';
import { TEST_ACTOR } from './support/actors';
import { UserSignIn } from '@rollcall/identity';
import {
  POLICY_CASES,
  type PolicyCase,
} from '../libs/identity/src/license-pools/pool-policy.table';
import { aTenant } from './support/factories';
import { policyOrganization } from './support/policy-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The sign-in rows of the policy table, through the domain's sign-in (first-login activation
 * included). Rows for users not yet known belong to just-in-time provisioning, which the SAML
 * channel adds.
 */
describe('the pool-assignment policy at sign-in', () => {
  let app: TestApp;
  let lifecycle: UserSignIn;
  beforeAll(async () => {
    app = await startTestApp();
    lifecycle = app.app.get(UserSignIn);
  });
  afterAll(() => app.close());

  async function setup(
    c: PolicyCase,
  ): Promise<{ organizationId: string; userId: string; pools: Record<string, string> }> {
    const { tenant, pools, userId } = await policyOrganization(app, c);
    return { organizationId: tenant.id, userId: userId!, pools };
  }

  const rows = POLICY_CASES.filter((c) => c.channel === 'sso_sign_in' && c.user !== 'new');

  it.each(rows.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { organizationId, userId, pools } = await setup(c);
    const before = await app.dataSource.query(
      'SELECT license_pool_id, status FROM users WHERE id = $1',
      [userId],
    );
    const seatsBefore = await app.dataSource.query(
      'SELECT id, used FROM license_pools WHERE organization_id = $1 ORDER BY id',
      [organizationId],
    );
    const attempt = lifecycle.signIn(organizationId, userId, c.requested, TEST_ACTOR);
    if (c.expected.outcome === 'rejected') {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('sign_in_refused');
      expect((error as DomainError).detail).toMatch(c.expected.message);
      expect(
        await app.dataSource.query('SELECT license_pool_id, status FROM users WHERE id = $1', [
          userId,
        ]),
      ).toEqual(before);
      expect(
        await app.dataSource.query(
          'SELECT id, used FROM license_pools WHERE organization_id = $1 ORDER BY id',
          [organizationId],
        ),
      ).toEqual(seatsBefore);
      return;
    }
    const user = await attempt;
    expect(user.status).toBe('active');
    expect(user.lastLoginAt).toBeInstanceOf(Date);
    switch (c.expected.outcome) {
      case 'default':
        expect(user.licensePool.isDefault).toBe(true);
        break;
      case 'unchanged':
        expect(user.licensePool.id).toBe(before[0].license_pool_id);
        break;
      case 'assigned':
        expect(user.licensePool.id).toBe(pools[c.expected.pool]);
        break;
    }
    const [{ used }] = await app.dataSource.query('SELECT used FROM license_pools WHERE id = $1', [
      user.licensePool.id,
    ]);
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE license_pool_id = $1 AND status = 'active'`,
      [user.licensePool.id],
    );
    expect(used).toBe(c.user === 'seated_in_full' ? 1 : n);
  });

  it('activates a provisioned user on first sign-in, with Pro when the organization gives it to all', async () => {
    const tenant = await aTenant(app, { totalLicenses: 1 });
    await app.dataSource.query('UPDATE organizations SET pro_for_all_users = true WHERE id = $1', [
      tenant.id,
    ]);
    const [pool] = await app.dataSource.query(
      'SELECT id FROM license_pools WHERE organization_id = $1',
      [tenant.id],
    );
    const insert = async (name: string) =>
      (
        await app.dataSource.query(
          `INSERT INTO users (organization_id, user_name, license_pool_id, status, emails, email_values, phone_numbers, addresses, ims, photos, enterprise, version)
           VALUES ($1, $2, $3, 'provisioned', '[]', '{}', '[]', '[]', '[]', '[]', '{}', 1) RETURNING id`,
          [tenant.id, name, pool.id],
        )
      )[0].id as string;
    const first = await lifecycle.signIn(
      tenant.id,
      await insert('first@example.com'),
      {
        present: false,
      },
      TEST_ACTOR,
    );
    expect(first).toMatchObject({ status: 'active', licenseTier: 'pro' });
    expect(first.firstLoginAt).toBeInstanceOf(Date);
    const second = await insert('second@example.com');
    await expect(
      lifecycle.signIn(tenant.id, second, { present: false }, TEST_ACTOR),
    ).rejects.toThrow(/is full \(1 of 1 seats used\)/);
    const [row] = await app.dataSource.query(
      'SELECT status, first_login_at FROM users WHERE id = $1',
      [second],
    );
    expect(row).toEqual({ status: 'provisioned', first_login_at: null });
  });
});

import type { PolicyCase } from '../../libs/identity/src/license-pools/pool-policy.table';
import { aTenant, type Tenant } from './factories';
import type { TestApp } from './test-app';

/** The email (and userName) of the existing user of a sign-in row of the policy table. */
export const POLICY_SIGN_IN_EMAIL = 'signin@example.com';

export interface PolicyOrganization {
  tenant: Tenant;
  /** Pool ids by name ("Default license pool", and "Sales" and "Full" with custom pools). */
  pools: Record<string, string>;
  /** The existing user's id; undefined for rows about a new user. */
  userId: string | undefined;
}

/**
 * The organization of the pool-policy table (pool-policy.table.ts) for one row: a default pool with
 * room, with custom pools "Sales" (room) and "Full" (no seat left), and the row's existing user.
 */
export async function policyOrganization(
  app: TestApp,
  c: Pick<PolicyCase, 'customPools' | 'user'>,
): Promise<PolicyOrganization> {
  const tenant = await aTenant(app, { totalLicenses: 20 });
  const db = app.dataSource;
  if (c.customPools) {
    await db.query(
      'UPDATE license_pools SET capacity = 14 WHERE organization_id = $1 AND is_default',
      [tenant.id],
    );
    await db.query(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity, used) VALUES ($1, 'Sales', false, 5, 0), ($1, 'Full', false, 1, 1)`,
      [tenant.id],
    );
  }
  const rows: { id: string; name: string }[] = await db.query(
    'SELECT id, name FROM license_pools WHERE organization_id = $1',
    [tenant.id],
  );
  const pools = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  if (c.user === 'new') return { tenant, pools, userId: undefined };
  const [placement, status] = (
    {
      seated_in_default: ['Default license pool', 'active'],
      unseated_in_default: ['Default license pool', 'provisioned'],
      seated_in_sales: ['Sales', 'active'],
      seated_in_full: ['Full', 'active'],
      deactivated_in_full: ['Full', 'deactivated'],
    } as const
  )[c.user];
  const [user] = await db.query<{ id: string }[]>(
    `INSERT INTO users (organization_id, user_name, license_pool_id, status, emails, email_values, primary_email, phone_numbers, addresses, ims, photos, enterprise, version, first_login_at)
     VALUES ($1, $4, $2, $3::varchar, '[]', '{}', $4, '[]', '[]', '[]', '[]', '{}', 1, CASE WHEN $3::varchar = 'provisioned' THEN NULL ELSE now() END) RETURNING id`,
    [tenant.id, pools[placement], status, POLICY_SIGN_IN_EMAIL],
  );
  // "Full" already counts its one seat.
  if (status === 'active' && placement !== 'Full') {
    await db.query('UPDATE license_pools SET used = used + 1 WHERE id = $1', [pools[placement]]);
  }
  return { tenant, pools, userId: user.id };
}

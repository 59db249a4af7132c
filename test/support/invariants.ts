import { Client } from 'pg';

/** One query on a fresh connection (a server the test restarts would break a long-lived one). */
export async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * What must hold in the database whatever happened to the requests (SPEC §1–§3), as a list of
 * violations — empty when all is well:
 * - every pool's `used` is the number of its active users, within 0..capacity;
 * - every organization has one default pool and its custom pools fit in its licenses;
 * - users sit in pools of their own organization, and active users have signed in;
 * - memberships join a group and a user of the row's organization.
 */
export async function invariantViolations(url: string): Promise<string[]> {
  const checks: [string, string][] = [
    [
      'pool used differs from its active users',
      `SELECT p.id, p.name, p.used, p.capacity, count(u.id)::int AS active
       FROM license_pools p LEFT JOIN users u ON u.license_pool_id = p.id AND u.status = 'active'
       GROUP BY p.id HAVING p.used <> count(u.id) OR p.used < 0 OR p.used > p.capacity`,
    ],
    [
      'organization without exactly one default pool',
      `SELECT o.id, count(p.id)::int AS defaults FROM organizations o
       LEFT JOIN license_pools p ON p.organization_id = o.id AND p.is_default
       GROUP BY o.id HAVING count(p.id) <> 1`,
    ],
    [
      'custom pools exceed the licenses',
      `SELECT o.id, o.total_licenses, sum(p.capacity)::int AS custom FROM organizations o
       JOIN license_pools p ON p.organization_id = o.id AND NOT p.is_default
       GROUP BY o.id HAVING sum(p.capacity) > o.total_licenses`,
    ],
    [
      "user in another organization's pool",
      `SELECT u.id FROM users u JOIN license_pools p ON p.id = u.license_pool_id
       WHERE p.organization_id <> u.organization_id`,
    ],
    [
      'active user that never signed in',
      `SELECT id FROM users WHERE status = 'active' AND first_login_at IS NULL`,
    ],
    [
      'membership across organizations',
      `SELECT m.group_id, m.user_id FROM group_members m
       JOIN groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id
       WHERE g.organization_id <> m.organization_id OR u.organization_id <> m.organization_id`,
    ],
  ];
  const violations: string[] = [];
  for (const [name, query] of checks) {
    const rows = await sql(url, query);
    if (rows.length > 0) violations.push(`${name}: ${JSON.stringify(rows.slice(0, 5))}`);
  }
  return violations;
}

/**
 * Users written straight to the database, for tests that need seat holders: SCIM alone never
 * activates anyone (only a first SSO sign-in does). `active` users take seats in `poolId` (its
 * `used` grows with them); `deactivated` ones signed in before, so SCIM reactivation seats them
 * again; `provisioned` ones never signed in. All are SCIM-managed. Returns their ids in order.
 */
export async function seedUsers(
  url: string,
  seed: {
    organizationId: string;
    poolId: string;
    status: 'active' | 'deactivated' | 'provisioned';
    count: number;
    prefix: string;
  },
): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    url,
    `WITH seeded AS (
       INSERT INTO users (organization_id, user_name, license_pool_id, status, scim_managed, emails,
         email_values, phone_numbers, addresses, ims, photos, enterprise, version, first_login_at)
       SELECT $1, $4 || g || '@example.com', $2, $3::varchar, true, '[]', '{}', '[]', '[]', '[]',
         '[]', '{}', 1, CASE WHEN $3::varchar = 'provisioned' THEN NULL ELSE now() END
       FROM generate_series(1, $5::int) g ORDER BY g RETURNING id, user_name
     ), seats AS (
       UPDATE license_pools SET used = used + (SELECT count(*) FROM seeded)
       WHERE id = $2 AND $3::varchar = 'active'
     )
     SELECT id FROM seeded ORDER BY length(user_name), user_name`,
    [seed.organizationId, seed.poolId, seed.status, seed.prefix, seed.count],
  );
  return rows.map((r) => r.id);
}

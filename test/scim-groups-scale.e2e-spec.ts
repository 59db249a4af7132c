/**
 * A group of 100,000 members, built in SQL, next to a group of 10: changing one member issues the
 * same statements for both, none of them reads the member list, and the database touches a handful
 * of rows (EXPLAIN ANALYZE of the very statements the request ran). Reads that exclude members never
 * touch group_members; a read with members runs one query for all of them.
 */
import { observeStatements } from '@rollcall/common';
import { aScimTenant, type ScimTenant } from './support/factories';
import { scimClient, type ScimClient } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';

const SIZE = 100_000;

interface Logged {
  sql: string;
  params: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
}

describe('SCIM /Groups at scale', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let big: string;
  let small: string;
  let outsider: string;
  let queries: Logged[] = [];
  let stopObserving: () => void = () => undefined;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    const [pool] = await app.dataSource.query(
      'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
      [tenant.id],
    );
    // SIZE + 11 users in one statement: the members of the big group, of the small one, and one more.
    await app.dataSource.query(
      `INSERT INTO users (organization_id, user_name, emails, email_values, phone_numbers, addresses,
         ims, photos, enterprise, license_pool_id, status, scim_managed, scim_visible, version)
       SELECT $1, 'scale-' || i || '@example.com', '[]', '{}', '[]', '[]', '[]', '[]', '{}', $2,
         'provisioned', true, true, 1
       FROM generate_series(1, $3::int) AS i`,
      [tenant.id, pool.id, SIZE + 11],
    );
    big = (await scim.post('/Groups', { displayName: 'All employees' }).expect(201)).body.id;
    small = (await scim.post('/Groups', { displayName: 'Ten' }).expect(201)).body.id;
    await app.dataSource.query(
      `INSERT INTO group_members (organization_id, group_id, user_id)
       SELECT $1, CASE WHEN n <= $3 THEN $2::uuid ELSE $4::uuid END, id
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE organization_id = $1) u
       WHERE n <= $3 + 10`,
      [tenant.id, big, SIZE, small],
    );
    [{ id: outsider }] = await app.dataSource.query(
      `SELECT u.id FROM users u WHERE u.organization_id = $1
         AND NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.user_id = u.id)`,
      [tenant.id],
    );
    await app.dataSource.query('ANALYZE group_members');
    await app.dataSource.query('ANALYZE users');
    // Every statement the application sends, with its parameters (the statement seam's log).
    stopObserving = observeStatements((sql, params) => {
      queries.push({ sql, params: [...(params ?? [])] });
    });
  }, 120_000);
  afterAll(async () => {
    stopObserving();
    await app.close();
  });

  const count = async (groupId: string): Promise<number> =>
    (
      await app.dataSource.query(
        'SELECT count(*)::int AS n FROM group_members WHERE group_id = $1',
        [groupId],
      )
    )[0].n;

  /**
   * The statements one request sends, with the provisioning log's own insert left out, and the
   * heartbeat of the connection that listens for changes (libs/database's signals), which beats on
   * its own clock.
   */
  async function record(request: () => PromiseLike<unknown>): Promise<Logged[]> {
    queries = [];
    await request();
    return queries.filter(
      (q) =>
        !/scim_request_logs|scim_integrations/.test(q.sql) && !/^(SELECT 1|LISTEN )/.test(q.sql),
    );
  }

  const membership = (logged: Logged[]) =>
    logged.filter((q) => /group_members|scim_group_member_change/.test(q.sql));
  const shape = (logged: Logged[]) => logged.map((q) => q.sql.replace(/\s+/g, ' ').trim());

  /** Rows the database read or wrote to run a statement (inside a transaction rolled back). */
  async function rowsTouched(
    statement: Logged,
  ): Promise<{ rows: number; seqScans: string[]; buffers: number }> {
    const runner = app.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // Run it once first (undone): a fresh session builds its catalog cache and compiles the
      // function on first use, and how many pages that reads depends on what else the server is
      // doing (CI creates databases alongside, which invalidates the shared catalog cache).
      await runner.query('SAVEPOINT warm');
      await runner.query(statement.sql, statement.params);
      await runner.query('ROLLBACK TO SAVEPOINT warm');
      const [row] = await runner.query(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`,
        statement.params,
      );
      const plan = (
        typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN']
      )[0].Plan as PlanNode;
      let rows = 0;
      const seqScans: string[] = [];
      const visit = (node: PlanNode) => {
        const loops = node['Actual Loops'] ?? 1;
        rows +=
          ((node['Actual Rows'] ?? 0) +
            (node['Rows Removed by Filter'] ?? 0) +
            (node['Rows Removed by Index Recheck'] ?? 0)) *
          loops;
        if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'group_members') {
          seqScans.push(node['Relation Name']);
        }
        node.Plans?.forEach(visit);
      };
      visit(plan);
      // A function's own statements are not in its plan, but the pages they read are counted in
      // the buffers of the node that called it.
      const buffers = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      return { rows, seqScans, buffers };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it(`holds ${SIZE} members`, async () => {
    expect(await count(big)).toBe(SIZE);
    expect(await count(small)).toBe(10);
  });

  it('adds and removes one member with the same few statements in a group of 10 and of 100,000', async () => {
    const add = (groupId: string) => () =>
      scim
        .patch(`/Groups/${groupId}`, [{ op: 'add', path: 'members', value: [{ value: outsider }] }])
        .expect(204);
    const remove = (groupId: string) => () =>
      scim
        .patch(`/Groups/${groupId}`, [{ op: 'remove', path: `members[value eq "${outsider}"]` }])
        .expect(204);

    const addSmall = await record(add(small));
    const addBig = await record(add(big));
    expect(await count(big)).toBe(SIZE + 1);
    const removeSmall = await record(remove(small));
    const removeBig = await record(remove(big));
    expect(await count(big)).toBe(SIZE);

    // The same statements, whatever the size of the group.
    expect(shape(addBig)).toEqual(shape(addSmall));
    expect(shape(removeBig)).toEqual(shape(removeSmall));
    for (const logged of [addBig, removeBig]) {
      expect(logged.length).toBeLessThanOrEqual(10);
      // group_members is only written, through the one id: never selected as a list.
      const touching = membership(logged);
      expect(touching).toHaveLength(1);
      // One statement: the members-only PATCH function, given the one id (ScimGroupWrites).
      expect(touching[0]?.sql).toMatch(
        /scim_group_member_change\(\$1, \$2, \$3, \$4, \$5::uuid\[\], \$6::jsonb\)/,
      );
      expect(touching[0]?.params[4]).toEqual([outsider]);
    }
    // And the database reads a handful of rows to run them, through the primary key: each
    // statement is replayed (and rolled back) when it has a member to add or to remove.
    const touched = async (statement: Logged | undefined) => {
      expect(statement).toBeDefined();
      const { rows, seqScans, buffers } = await rowsTouched(statement as Logged);
      expect(seqScans).toEqual([]);
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThan(20);
      // Index and heap pages of the few rows: far fewer than the 100,000 memberships' 700-odd
      // pages that a scan would read.
      expect(buffers).toBeGreaterThan(0);
      expect(buffers).toBeLessThan(300);
    };
    await touched(membership(addBig)[0]);
    await add(big)();
    await touched(membership(removeBig)[0]);
    await remove(big)();
    expect(await count(big)).toBe(SIZE);
  });

  it('never reads members when they are excluded', async () => {
    const one = await record(() =>
      scim.get(`/Groups/${big}`, { excludedAttributes: 'members' }).expect(200),
    );
    const list = await record(() =>
      scim.get('/Groups', { excludedAttributes: 'members' }).expect(200),
    );
    const lookup = await record(() =>
      scim
        .get('/Groups', { filter: 'displayName eq "all employees"', excludedAttributes: 'members' })
        .expect(200),
    );
    for (const logged of [one, list, lookup]) expect(membership(logged)).toEqual([]);
  });

  it('reads the members of a big group with one query', async () => {
    let body: { members: { value: string; $ref: string; type: string }[] } = { members: [] };
    const logged = await record(async () => {
      body = (await scim.get(`/Groups/${big}`).expect(200)).body;
    });
    expect(membership(logged)).toHaveLength(1);
    expect(body.members).toHaveLength(SIZE);
    expect(body.members[0]).toMatchObject({
      type: 'User',
      $ref: expect.stringContaining('/Users/'),
    });
    const values = body.members.map((m) => m.value);
    expect([...values].sort()).toEqual(values);
  });
});

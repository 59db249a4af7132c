import {
  Cluster,
  createScimTenant,
  MULTI_PROCESS_SUITES,
  type HttpResult,
  type HttpTenant,
  type PlannedRequest,
} from '../support/cluster';
import { invariantViolations, seedUsers, sql } from '../support/invariants';
import { acquireMachineLock } from '../support/machine-lock';
import { describeOnPostgres } from '../support/postgres-only';
import { base64, IDP_ENTITY_ID, IDP_KEY, IDP_SSO_URL, samlResponseXml } from '../support/saml';
import { PATCH_OP, SCIM_ERROR } from '../support/scim-client';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ROLLCALL_USER = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const CAPACITY = 50;

/**
 * One kind of request in the concurrent mix. A kind that takes a seat in the contested pool when it
 * succeeds says so: those successes must add up to the pool's capacity exactly.
 */
interface RequestKind {
  name: string;
  count: number;
  takesSeat: boolean;
  /** The i-th request of this kind, 0 ≤ i < count. */
  request(i: number): PlannedRequest;
  /** Fails the test unless the answer is a success or a refusal this kind may give. */
  outcome(result: HttpResult): 'ok' | 'refused';
}

/**
 * Three API processes (the built app) on one PostgreSQL database, behind a round-robin client:
 * seats are counted in the database, so no interleaving of instances over-allocates a pool, loses a
 * group member or creates a user twice.
 */
describeOnPostgres('several instances on one database', () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let url: string;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireMachineLock(MULTI_PROCESS_SUITES, { timeoutMs: 480_000 });
    database = await createTestDatabase();
    if (database.config.kind !== 'postgres') throw new Error('needs PostgreSQL');
    url = database.config.url;
    cluster = await Cluster.start(3, url);
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    release?.();
  }, 60_000);

  /** Adds the instances' recent logs to a failure, since they run out of jest's sight. */
  async function explained<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      (error as Error).message += `\n\nAPI logs:\n${cluster.logTail(15)}`;
      throw error;
    }
  }

  it(`500 concurrent mixed requests seat exactly ${CAPACITY} in a pool of ${CAPACITY}, refuse the rest with a clear 4xx, never a 5xx`, () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'contest', 2_000);
      const target = await createPool(cluster, tenant, 'Target', CAPACITY);
      const other = await createPool(cluster, tenant, 'Other', 200);
      const [{ id: defaultPool }] = await sql<{ id: string }>(
        url,
        'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      const seated = await seedUsers(url, {
        organizationId: tenant.id,
        poolId: defaultPool,
        status: 'active',
        count: 200,
        prefix: 'seated-',
      });
      const away = await seedUsers(url, {
        organizationId: tenant.id,
        poolId: target,
        status: 'deactivated',
        count: 100,
        prefix: 'away-',
      });
      const unseated = await seedUsers(url, {
        organizationId: tenant.id,
        poolId: defaultPool,
        status: 'provisioned',
        count: 50,
        prefix: 'unseated-',
      });
      // People SCIM provisioned who have never signed in: their first SAML sign-in takes a seat.
      await seedUsers(url, {
        organizationId: tenant.id,
        poolId: defaultPool,
        status: 'provisioned',
        count: 40,
        prefix: 'signin-',
      });
      const sp = await connectSaml(cluster, tenant);

      const scim = (method: PlannedRequest['method'], path: string, body?: unknown) => ({
        method,
        path: `/scim/v2${path}`,
        headers: { Authorization: tenant.scimAuth },
        ...(body === undefined ? {} : { body }),
      });
      const movePool = (value: string) => ({
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: `${ROLLCALL_USER}:licensePoolName`, value }],
      });
      const kinds: RequestKind[] = [
        {
          name: 'SCIM create into Target (provisioned, or pending once it is full)',
          count: 100,
          takesSeat: false,
          request: (i) =>
            scim('POST', '/Users', {
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ROLLCALL_USER],
              userName: `new-${i}@example.com`,
              emails: [{ value: `new-${i}@example.com`, type: 'work', primary: true }],
              [ROLLCALL_USER]: { licensePoolName: 'target' },
            }),
          outcome: (r) => succeeded(r, 201),
        },
        {
          name: 'first SAML sign-in asserting Target (JIT-free: SCIM provisioned them)',
          count: 40,
          takesSeat: true,
          request: (i) => ({
            method: 'POST',
            path: `/sso/saml/${tenant.slug}/acs`,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              SAMLResponse: base64(
                samlResponseXml({
                  sp,
                  email: `signin-${i + 1}@example.com`,
                  attributes: { licensePoolName: 'Target' },
                }),
              ),
            }).toString(),
          }),
          outcome: signInSeatOutcome,
        },
        {
          name: 'SCIM move of a seated user into Target',
          count: 110,
          takesSeat: true,
          request: (i) => scim('PATCH', `/Users/${seated[i]}`, movePool('Target')),
          outcome: scimSeatOutcome,
        },
        {
          name: 'SCIM reactivation of a user who signed in before (seat in Target)',
          count: 100,
          takesSeat: true,
          request: (i) =>
            scim('PATCH', `/Users/${away[i]}`, {
              schemas: [PATCH_OP],
              Operations: [{ op: 'Replace', value: { active: 'True' } }],
            }),
          outcome: scimSeatOutcome,
        },
        {
          name: 'admin move of a seated user into Target',
          count: 50,
          takesSeat: true,
          request: (i) => ({
            method: 'PATCH',
            path: `/api/v1/users/${seated[150 + i]}`,
            headers: { Authorization: tenant.adminAuth },
            body: { licensePoolId: target },
          }),
          outcome: adminSeatOutcome,
        },
        {
          name: 'SCIM move of a user without a seat between pools',
          count: 50,
          takesSeat: false,
          request: (i) => scim('PATCH', `/Users/${unseated[i]}`, movePool('Other')),
          outcome: (r) => succeeded(r, 200),
        },
        {
          name: 'SCIM list',
          count: 50,
          takesSeat: false,
          request: (i) =>
            scim('GET', `/Users?filter=${encodeURIComponent(`userName sw "seated-${i}"`)}`),
          outcome: (r) => succeeded(r, 200),
        },
      ];
      const total = kinds.reduce((n, k) => n + k.count, 0);
      expect(total).toBe(500);

      const planned = interleave(kinds);
      const results = await Promise.all(
        planned.map(({ kind, i }) => cluster.send(kind.request(i))),
      );

      expect(results.filter((r) => r.status === 0 || r.status >= 500).map(show)).toEqual([]);
      const tally = new Map<string, { ok: number; refused: number }>();
      let seatsTaken = 0;
      results.forEach((result, n) => {
        const { kind } = planned[n];
        const outcome = kind.outcome(result);
        const counts = tally.get(kind.name) ?? { ok: 0, refused: 0 };
        counts[outcome] += 1;
        tally.set(kind.name, counts);
        if (kind.takesSeat && outcome === 'ok') seatsTaken += 1;
      });
      expect(seatsTaken).toBe(CAPACITY);
      // Every seat-taking kind met the full pool, so the refusals were exercised on each.
      for (const kind of kinds.filter((k) => k.takesSeat)) {
        expect(tally.get(kind.name)?.refused).toBeGreaterThan(0);
      }

      const pools = await sql<{ id: string; used: number; capacity: number }>(
        url,
        'SELECT id, used, capacity FROM license_pools WHERE organization_id = $1',
        [tenant.id],
      );
      const active = await sql<{ license_pool_id: string; n: number }>(
        url,
        `SELECT license_pool_id, count(*)::int AS n FROM users
         WHERE organization_id = $1 AND status = 'active' GROUP BY license_pool_id`,
        [tenant.id],
      );
      const activeIn = (pool: string) => active.find((a) => a.license_pool_id === pool)?.n ?? 0;
      expect(pools.find((p) => p.id === target)).toMatchObject({ used: CAPACITY });
      expect(activeIn(target)).toBe(CAPACITY);
      // Each acknowledged move took its seat out of the default pool; each reactivation came back.
      const oks = (prefix: string) =>
        [...tally].filter(([name]) => name.startsWith(prefix)).reduce((n, [, t]) => n + t.ok, 0);
      expect(200 - activeIn(defaultPool)).toBe(oks('SCIM move of a seated') + oks('admin move'));
      expect(pools.find((p) => p.id === defaultPool)?.used).toBe(activeIn(defaultPool));
      const [{ n: reactivated }] = await sql<{ n: number }>(
        url,
        `SELECT count(*)::int AS n FROM users WHERE id = ANY($1) AND status = 'active'`,
        [away],
      );
      expect(reactivated).toBe(oks('SCIM reactivation'));
      expect(activeIn(other)).toBe(0);
      const created = await sql<{ status: string; n: number }>(
        url,
        `SELECT status, count(*)::int AS n FROM users
         WHERE organization_id = $1 AND user_name LIKE 'new-%' AND license_pool_id = $2 GROUP BY status`,
        [tenant.id, target],
      );
      expect(created.reduce((n, c) => n + c.n, 0)).toBe(100);
      expect(created.every((c) => c.status === 'provisioned' || c.status === 'pending')).toBe(true);
      expect(await invariantViolations(url)).toEqual([]);
    }));

  it('50 concurrent identical SCIM creates make exactly one user; the other 49 get 409 uniqueness', () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'same', 100);
      const body = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'Twin@Example.com',
        externalId: 'twin-1',
        name: { givenName: 'Twin', familyName: 'Example' },
        emails: [{ value: 'twin@example.com', type: 'work', primary: true }],
      };
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          cluster.send({
            method: 'POST',
            path: '/scim/v2/Users',
            headers: { Authorization: tenant.scimAuth },
            body,
          }),
        ),
      );
      expect(results.filter((r) => r.status !== 201 && r.status !== 409).map(show)).toEqual([]);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const refused of results.filter((r) => r.status === 409)) {
        expect(refused.headers['content-type']).toContain('application/scim+json');
        expect(refused.body).toEqual({
          schemas: [SCIM_ERROR],
          status: '409',
          scimType: 'uniqueness',
          detail: expect.stringContaining('Twin@Example.com'),
        });
      }
      const users = await sql<{ id: string }>(
        url,
        'SELECT id FROM users WHERE organization_id = $1 AND lower(user_name) = $2',
        [tenant.id, 'twin@example.com'],
      );
      expect(users.map((u) => u.id)).toEqual([
        (results.find((r) => r.status === 201)!.body as { id: string }).id,
      ]);
    }));

  it('concurrent PATCHes on one group lose no member', () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'group', 100);
      const [{ id: defaultPool }] = await sql<{ id: string }>(
        url,
        'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      const users = await seedUsers(url, {
        organizationId: tenant.id,
        poolId: defaultPool,
        status: 'provisioned',
        count: 120,
        prefix: 'member-',
      });
      const group = await cluster.send({
        method: 'POST',
        path: '/scim/v2/Groups',
        headers: { Authorization: tenant.scimAuth },
        body: {
          schemas: [GROUP_SCHEMA],
          displayName: 'Everyone',
          members: users.slice(0, 20).map((value) => ({ value })),
        },
      });
      expect(group.status).toBe(201);
      const groupId = (group.body as { id: string }).id;

      const patch = (operation: Record<string, unknown>) =>
        cluster.send({
          method: 'PATCH',
          path: `/scim/v2/Groups/${groupId}`,
          headers: { Authorization: tenant.scimAuth },
          body: { schemas: [PATCH_OP], Operations: [operation] },
        });
      const results = await Promise.all([
        // 80 single adds (as Okta sends them), 10 adds of two at once (as Entra does)...
        ...users
          .slice(20, 100)
          .map((value) => patch({ op: 'add', path: 'members', value: [{ value }] })),
        ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) =>
          patch({
            op: 'Add',
            path: 'members',
            value: users.slice(100 + 2 * k, 102 + 2 * k).map((value) => ({ value })),
          }),
        ),
        // ...10 removals of original members by value path, and 10 re-adds of members already in.
        ...users
          .slice(0, 10)
          .map((value) => patch({ op: 'remove', path: `members[value eq "${value}"]` })),
        ...users
          .slice(10, 20)
          .map((value) => patch({ op: 'add', path: 'members', value: [{ value }] })),
      ]);
      expect(results.filter((r) => r.status !== 204).map(show)).toEqual([]);

      const expected = users.slice(10).sort();
      const stored = await sql<{ user_id: string }>(
        url,
        'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id',
        [groupId],
      );
      expect(stored.map((m) => m.user_id)).toEqual(expected);
      const read = await cluster.send({
        method: 'GET',
        path: `/scim/v2/Groups/${groupId}`,
        headers: { Authorization: tenant.scimAuth },
      });
      const members = (read.body as { members: { value: string }[] }).members;
      expect(members.map((m) => m.value).sort()).toEqual(expected);
    }));
});

async function createPool(
  cluster: Cluster,
  tenant: HttpTenant,
  name: string,
  capacity: number,
): Promise<string> {
  const result = await cluster.send({
    method: 'POST',
    path: '/api/v1/license-pools',
    headers: { Authorization: tenant.adminAuth },
    body: { name, capacity },
  });
  if (result.status !== 201)
    throw new Error(`creating pool ${name}: ${result.status} ${result.text}`);
  return (result.body as { id: string }).id;
}

/** Turns SAML on for the tenant with the test IdP; answers the SP URLs responses must name. */
async function connectSaml(
  cluster: Cluster,
  tenant: HttpTenant,
): Promise<{ entityId: string; acsUrl: string }> {
  const result = await cluster.send({
    method: 'PUT',
    path: '/api/v1/sso/saml',
    headers: { Authorization: tenant.adminAuth },
    body: { idpEntityId: IDP_ENTITY_ID, idpSsoUrl: IDP_SSO_URL, idpCertificate: IDP_KEY.cert },
  });
  if (result.status !== 200) throw new Error(`configuring SAML: ${result.status} ${result.text}`);
  return (result.body as { serviceProvider: { entityId: string; acsUrl: string } }).serviceProvider;
}

/** Signed in (303 to the home page), or the page naming the full pool: 403. */
function signInSeatOutcome(result: HttpResult): 'ok' | 'refused' {
  if (result.status === 303) return 'ok';
  expect({
    status: result.status,
    type: result.headers['content-type'],
    text: result.text.replace(/&#39;/g, "'"),
  }).toEqual({
    status: 403,
    type: expect.stringContaining('text/html'),
    text: expect.stringMatching(/License pool 'Target' is full \(50 of 50 seats used\)/),
  });
  return 'refused';
}

function succeeded(result: HttpResult, status: number): 'ok' {
  expect({ status: result.status, text: result.text }).toEqual({ status, text: expect.anything() });
  return 'ok';
}

/** Success, or the SCIM refusal for a full pool: 400 invalidValue naming the pool. */
function scimSeatOutcome(result: HttpResult): 'ok' | 'refused' {
  if (result.status === 200) return 'ok';
  expect({
    status: result.status,
    type: result.headers['content-type'],
    body: result.body,
  }).toEqual({
    status: 400,
    type: expect.stringContaining('application/scim+json'),
    body: {
      schemas: [SCIM_ERROR],
      status: '400',
      scimType: 'invalidValue',
      detail: expect.stringMatching(/License pool 'Target' is full \(50 of 50 seats used\)/),
    },
  });
  return 'refused';
}

/** Success, or the admin API's refusal for a full pool: 409 pool_full as problem+json. */
function adminSeatOutcome(result: HttpResult): 'ok' | 'refused' {
  if (result.status === 200) return 'ok';
  expect({
    status: result.status,
    type: result.headers['content-type'],
    body: result.body,
  }).toEqual({
    status: 409,
    type: expect.stringContaining('application/problem+json'),
    body: expect.objectContaining({
      status: 409,
      code: 'pool_full',
      detail: expect.stringMatching(/License pool 'Target' is full/),
    }),
  });
  return 'refused';
}

/** Every request of every kind, interleaved in a fixed pseudo-random order. */
function interleave(kinds: RequestKind[]): { kind: RequestKind; i: number }[] {
  const all = kinds.flatMap((kind) => Array.from({ length: kind.count }, (_, i) => ({ kind, i })));
  let seed = 20_240_611;
  for (let n = all.length - 1; n > 0; n--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const m = seed % (n + 1);
    [all[n], all[m]] = [all[m], all[n]];
  }
  return all;
}

function show(result: HttpResult): string {
  return `${result.request} on instance ${result.instance}: ${result.status || result.error} after ${result.ms} ms ${result.text.slice(0, 300)}`;
}

import { ApiInstance, Cluster, createScimTenant, MULTI_PROCESS_SUITES } from '../support/cluster';
import { sql } from '../support/invariants';
import { acquireMachineLock } from '../support/machine-lock';
import { describeOnPostgres } from '../support/postgres-only';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A change to SCIM credentials must be obeyed by every instance within this long. */
const WITHIN_MS = 1_000;

/**
 * Every instance answers SCIM authentication from memory (issue 17), so the proof that a change
 * reaches them all: two API processes on one PostgreSQL database, both holding the credentials in
 * their caches; one rotates, disables, or has the database change under it, and the other must
 * refuse the old credentials within a second, also when its listening connection was cut.
 */
describeOnPostgres('SCIM credentials cached on several instances', () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let url: string;
  let release: (() => void) | undefined;
  let a: ApiInstance;
  let b: ApiInstance;

  beforeAll(async () => {
    release = await acquireMachineLock(MULTI_PROCESS_SUITES, { timeoutMs: 480_000 });
    database = await createTestDatabase();
    if (database.config.kind !== 'postgres') throw new Error('needs PostgreSQL');
    url = database.config.url;
    cluster = await Cluster.start(2, url);
    [a, b] = cluster.instances as [ApiInstance, ApiInstance];
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    release?.();
  }, 60_000);

  const scimStatus = async (instance: ApiInstance, auth: string) =>
    (
      await instance.send({
        method: 'GET',
        path: '/scim/v2/Users?count=1',
        headers: { Authorization: auth },
      })
    ).status;

  /** Both instances accept `auth` several times over (so each has it cached). */
  async function warm(auth: string): Promise<void> {
    for (let i = 0; i < 5; i++) {
      expect(await scimStatus(a, auth)).toBe(200);
      expect(await scimStatus(b, auth)).toBe(200);
    }
  }

  /** Milliseconds from now until `instance` answers `auth` with 401 (polling every 20 ms). */
  async function refusedAfter(instance: ApiInstance, auth: string, since: number): Promise<number> {
    for (;;) {
      const status = await scimStatus(instance, auth);
      const elapsed = performance.now() - since;
      if (status === 401) return elapsed;
      expect(status).toBe(200);
      if (elapsed > 5_000) return elapsed;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Rotates on `instance`; without a grace period unless one is given. */
  async function rotate(
    instance: ApiInstance,
    adminAuth: string,
    gracePeriodHours = 0,
  ): Promise<string> {
    const rotated = await instance.send({
      method: 'POST',
      path: '/api/v1/scim/integration/rotate',
      headers: { Authorization: adminAuth },
      body: { gracePeriodHours },
    });
    expect(rotated.status).toBe(201);
    return `Bearer ${(rotated.body as { token: string }).token}`;
  }

  it('a rotation on one instance makes the old token fail on the other within a second', async () => {
    const tenant = await createScimTenant(a, 'cache-rotate', 100);
    await warm(tenant.scimAuth);
    const since = performance.now();
    const fresh = await rotate(a, tenant.adminAuth);
    expect(await refusedAfter(b, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    expect(await scimStatus(a, tenant.scimAuth)).toBe(401);
    expect(await scimStatus(b, fresh)).toBe(200);
  });

  it('during a grace period both tokens work on both instances; ended early, the old one stops on both within a second', async () => {
    const tenant = await createScimTenant(a, 'cache-grace', 100);
    await warm(tenant.scimAuth);
    const fresh = await rotate(a, tenant.adminAuth, 24);
    // The old token, cached on both before the rotation, read again on both after it.
    await warm(tenant.scimAuth);
    await warm(fresh);
    const since = performance.now();
    const ended = await b.send({
      method: 'DELETE',
      path: '/api/v1/scim/integration/previous-credentials',
      headers: { Authorization: tenant.adminAuth },
    });
    expect(ended.status).toBe(204);
    expect(await refusedAfter(b, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    expect(await refusedAfter(a, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    expect(await scimStatus(a, fresh)).toBe(200);
    expect(await scimStatus(b, fresh)).toBe(200);
  });

  it('a disable on one instance makes the other refuse within a second', async () => {
    const tenant = await createScimTenant(b, 'cache-disable', 100);
    await warm(tenant.scimAuth);
    const since = performance.now();
    const disabled = await b.send({
      method: 'DELETE',
      path: '/api/v1/scim/integration',
      headers: { Authorization: tenant.adminAuth },
    });
    expect(disabled.status).toBe(204);
    expect(await refusedAfter(a, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
  });

  it('credentials expired by a change in the database are refused everywhere within a second', async () => {
    const tenant = await createScimTenant(a, 'cache-expire', 100);
    await warm(tenant.scimAuth);
    const since = performance.now();
    await sql(
      url,
      `UPDATE scim_integrations SET expires_at = now() - interval '1 second' WHERE organization_id = $1`,
      [tenant.id],
    );
    expect(await refusedAfter(a, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    expect(await refusedAfter(b, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    const refused = await b.send({
      method: 'GET',
      path: '/scim/v2/Users',
      headers: { Authorization: tenant.scimAuth },
    });
    expect(refused.text).toContain('expired');
  });

  it('with its listening connection cut, an instance still refuses a rotated token within a second', async () => {
    const tenant = await createScimTenant(a, 'cache-cut', 100);
    await warm(tenant.scimAuth);
    const cut = await sql<{ cut: boolean }>(
      url,
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
       WHERE application_name = 'rollcall-signals' AND datname = current_database()`,
    );
    expect(cut.length).toBe(2);
    const since = performance.now();
    const fresh = await rotate(a, tenant.adminAuth);
    expect(await refusedAfter(b, tenant.scimAuth, since)).toBeLessThan(WITHIN_MS);
    expect(await scimStatus(b, fresh)).toBe(200);
    // And it listens again (a second later), so a later rotation is heard too.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const listening = await sql<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE application_name = 'rollcall-signals' AND datname = current_database()`,
    );
    expect(listening[0]?.n).toBe(2);
    await warm(fresh);
    const again = performance.now();
    await rotate(b, tenant.adminAuth);
    expect(await refusedAfter(a, fresh, again)).toBeLessThan(WITHIN_MS);
  });
});

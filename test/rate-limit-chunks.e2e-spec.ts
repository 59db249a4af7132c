import type { RateLimitConfig } from '@rollcall/common';
import { aScimTenant } from './support/factories';
import { scimClient } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { serverUrl } from './support/test-database';

/**
 * Large limits are counted in chunks (1% of the limit, at most 50): an instance reserves positions
 * in the shared counter and spends them locally. The budget still holds exactly: never more
 * requests than the limit in a window, on one instance or on two sharing one database.
 */
const LIMITS: RateLimitConfig = {
  windowSeconds: 60,
  scim: 300, // chunks of 3
  admin: 0,
  operatorAuthFailures: 0,
};

const itOnServer = serverUrl() ? it : it.skip;

async function counterOf(app: TestApp, organizationId: string): Promise<number> {
  const rows = await app.dataSource.query<{ hits: number }[]>(
    `SELECT c.hits FROM rate_limit_counters c
     JOIN scim_integrations i ON c.bucket = 'scim:' || i.id::text
     WHERE i.organization_id = $1`,
    [organizationId],
  );
  return rows[0]?.hits ?? 0;
}

describe('rate limits counted in chunks', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ rateLimits: LIMITS });
  });
  afterAll(() => app.close());

  it('admits exactly the limit, one statement per chunk, and refuses the rest without counting', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    await scim.get('/Users').expect(200);
    // One request reserved a chunk of three positions in the shared counter.
    expect(await counterOf(app, tenant.id)).toBe(3);
    await scim.get('/Users').expect(200);
    await scim.get('/Users').expect(200);
    expect(await counterOf(app, tenant.id)).toBe(3);
    await scim.get('/Users').expect(200);
    expect(await counterOf(app, tenant.id)).toBe(6);

    const statuses: number[] = [];
    for (let i = 4; i < LIMITS.scim + 3; i += 1) statuses.push((await scim.get('/Users')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.scim - 4);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // Positions 1…300 were reserved and spent; the instance knows the window is used up and
    // remembers it until the window ends: no further reservations.
    const counted = await counterOf(app, tenant.id);
    expect(counted).toBe(LIMITS.scim);
    const refused = await scim.get('/Users');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(LIMITS.windowSeconds);
    expect(await counterOf(app, tenant.id)).toBe(counted);
  });

  it('shares the reservations of concurrent requests on one instance', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const responses = await Promise.all(Array.from({ length: 30 }, () => scim.get('/Users')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // Thirty requests, ten chunks of three: none reserved for nothing.
    expect(await counterOf(app, tenant.id)).toBe(30);
  });

  describe('across instances', () => {
    let second: TestApp | undefined;
    beforeAll(async () => {
      if (serverUrl()) second = await startTestApp({ rateLimits: LIMITS }, app);
    });
    afterAll(() => second?.close());

    itOnServer(
      'never admits more than the limit between two instances (PostgreSQL only)',
      async () => {
        const tenant = await aScimTenant(app);
        const instances = [app, second!];
        const responses = await Promise.all(
          Array.from({ length: LIMITS.scim + 60 }, (_, i) =>
            scimClient(instances[i % 2], tenant).get('/Users'),
          ),
        );
        const admitted = responses.filter((r) => r.status === 200).length;
        expect(responses.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
        // Each instance may leave at most one chunk unspent; never more than the limit admitted.
        expect(admitted).toBeLessThanOrEqual(LIMITS.scim);
        expect(admitted).toBeGreaterThanOrEqual(LIMITS.scim - 2 * 3);
      },
    );
  });
});

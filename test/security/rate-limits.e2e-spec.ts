import type { Response } from 'supertest';
import type { RateLimitConfig } from '@rollcall/common';
import { ProvisioningLogService } from '@rollcall/integration';
import {
  aPortalSession,
  aScimTenant,
  aTenant,
  operatorAuth,
  portalSetupLink,
  type ScimTenant,
} from '../support/factories';
import { SCIM_ERROR, scimClient } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { serverUrl } from '../support/test-database';

/**
 * Rate limits per SCIM credential, per admin API key, and on failed operator-token attempts, counted
 * in PostgreSQL so that every instance shares one budget: 429 with Retry-After, in the SCIM error
 * envelope under /scim/v2 and as problem+json elsewhere.
 */
const LIMITS: RateLimitConfig = { windowSeconds: 60, scim: 5, admin: 5, operatorAuthFailures: 3 };
/** A second app whose windows are short enough to watch them end. */
const SHORT: RateLimitConfig = { windowSeconds: 2, scim: 2, admin: 2, operatorAuthFailures: 2 };

const itOnServer = serverUrl() ? it : it.skip;

function retryAfter(response: Response): number {
  const value = response.headers['retry-after'];
  expect(value).toMatch(/^\d+$/);
  return Number(value);
}

function expectScim429(response: Response, windowSeconds: number): void {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(response.body).toEqual({
    schemas: [SCIM_ERROR],
    status: '429',
    detail: expect.stringMatching(/^Too many SCIM requests with these credentials/),
  });
  const seconds = retryAfter(response);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
}

function expectProblem429(response: Response, detail: RegExp, windowSeconds: number): void {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toEqual({
    type: 'urn:rollcall:error:too_many_requests',
    title: 'Too many requests',
    status: 429,
    code: 'too_many_requests',
    detail: expect.stringMatching(detail),
    requestId: expect.any(String),
  });
  const seconds = retryAfter(response);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
}

/** Sends requests one at a time until one is refused; returns the statuses and the refusal. */
async function untilRefused(
  send: () => Promise<Response>,
  max: number,
): Promise<{ statuses: number[]; refusal: Response }> {
  const statuses: number[] = [];
  for (let i = 0; i < max; i += 1) {
    const response = await send();
    statuses.push(response.status);
    if (response.status === 429) return { statuses, refusal: response };
  }
  throw new Error(`no 429 after ${max} requests: ${statuses.join(', ')}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ rateLimits: LIMITS });
  });
  afterAll(() => app.close());

  describe('per SCIM credential', () => {
    it('answers the request over the limit 429 with Retry-After and a SCIM error body', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      for (let i = 0; i < LIMITS.scim; i += 1) await scim.get('/Users').expect(200);
      expectScim429(await scim.get('/Users'), LIMITS.windowSeconds);
      // Every SCIM route counts against the same budget, writes included.
      expectScim429(
        await scim.post('/Users', { userName: 'late@example.com' }),
        LIMITS.windowSeconds,
      );
      const [{ count }] = await app.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM users WHERE organization_id = $1`,
        [tenant.id],
      );
      expect(count).toBe(0);
    });

    it('records refused SCIM requests in the provisioning log', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      for (let i = 0; i < LIMITS.scim; i += 1) await scim.get('/Groups').expect(200);
      await scim.get('/Groups').expect(429);
      await app.app.get(ProvisioningLogService).flush();
      const rows = await app.dataSource.query<{ status: number; detail: string | null }[]>(
        `SELECT status, detail FROM scim_request_logs WHERE organization_id = $1 AND status = 429`,
        [tenant.id],
      );
      expect(rows).toEqual([
        { status: 429, detail: expect.stringMatching(/^Too many SCIM requests/) },
      ]);
    });

    it('gives every organization’s credentials a budget of their own, bearer or basic', async () => {
      const first = await aScimTenant(app, 'bearer');
      const second = await aScimTenant(app, 'basic');
      for (let i = 0; i < LIMITS.scim; i += 1) await scimClient(app, first).get('/Users');
      await scimClient(app, first).get('/Users').expect(429);
      for (let i = 0; i < LIMITS.scim; i += 1) {
        await scimClient(app, second).get('/Users').expect(200);
      }
      expectScim429(await scimClient(app, second).get('/Users'), LIMITS.windowSeconds);
    });

    it('does not charge rejected credentials to the organization, nor lock out their address', async () => {
      const tenant = await aScimTenant(app);
      const wrongSecret = tenant.scimAuth.replace(/.{4}$/, (end) =>
        end === 'AAAA' ? 'BBBB' : 'AAAA',
      );
      for (let i = 0; i < 4 * LIMITS.scim; i += 1) {
        await scimClient(app, { scimAuth: wrongSecret }).get('/Users').expect(401);
      }
      for (let i = 0; i < LIMITS.scim; i += 1) {
        await scimClient(app, tenant).get('/Users').expect(200);
      }
      await scimClient(app, tenant).get('/Users').expect(429);
    });

    it('counts concurrent requests atomically: exactly the limit succeed', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      const responses = await Promise.all(
        Array.from({ length: 4 * LIMITS.scim }, () => scim.get('/Users')),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.scim);
      expect(statuses.filter((s) => s === 429)).toHaveLength(3 * LIMITS.scim);
    });
  });

  describe('per admin API key', () => {
    const organization = (auth: string) =>
      app.http().get('/api/v1/organization').set('Authorization', auth);

    it('answers the request over the limit 429 with Retry-After and a problem document', async () => {
      const tenant = await aTenant(app);
      for (let i = 0; i < LIMITS.admin; i += 1) await organization(tenant.auth).expect(200);
      expectProblem429(
        await organization(tenant.auth),
        /^Too many requests with this admin API key/,
        LIMITS.windowSeconds,
      );
      expectProblem429(
        await app
          .http()
          .post('/api/v1/license-pools')
          .set('Authorization', tenant.auth)
          .send({ name: 'Late', capacity: 1 }),
        /admin API key/,
        LIMITS.windowSeconds,
      );
      const pools = await app.dataSource.query<unknown[]>(
        `SELECT id FROM license_pools WHERE organization_id = $1 AND name = 'Late'`,
        [tenant.id],
      );
      expect(pools).toEqual([]);
    });

    it('gives every key its own budget, within one organization and across organizations', async () => {
      const tenant = await aTenant(app);
      const other = await aTenant(app);
      const second = await app
        .http()
        .post(`/api/v1/organizations/${tenant.id}/admin-api-keys`)
        .set('Authorization', operatorAuth())
        .send({ name: 'second key' })
        .expect(201);
      const secondAuth = `Bearer ${(second.body as { key: string }).key}`;
      for (let i = 0; i < LIMITS.admin; i += 1) await organization(tenant.auth).expect(200);
      await organization(tenant.auth).expect(429);
      for (let i = 0; i < LIMITS.admin; i += 1) await organization(secondAuth).expect(200);
      for (let i = 0; i < LIMITS.admin; i += 1) await organization(other.auth).expect(200);
      await organization(secondAuth).expect(429);
      await organization(other.auth).expect(429);
    });

    it('is independent of the SCIM budget of the same organization', async () => {
      const tenant: ScimTenant = await aScimTenant(app);
      for (let i = 0; i < LIMITS.scim; i += 1) await scimClient(app, tenant).get('/Users');
      await scimClient(app, tenant).get('/Users').expect(429);
      // aScimTenant spent one request of the admin key (enabling SCIM).
      for (let i = 1; i < LIMITS.admin; i += 1) await organization(tenant.auth).expect(200);
      await organization(tenant.auth).expect(429);
    });

    it('documents the 429 on every admin and operator route of the OpenAPI document', async () => {
      const document = (await app.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      const missing = Object.entries(document.paths)
        .filter(([path]) => path.startsWith('/api/'))
        .flatMap(([path, operations]) =>
          Object.entries(operations)
            .filter(([, operation]) => !operation.responses['429'])
            .map(([method]) => `${method.toUpperCase()} ${path}`),
        );
      expect(missing).toEqual([]);
    });
  });

  describe('per admin portal session', () => {
    it('counts the session’s requests, on admin routes and its own, in one admin budget', async () => {
      const tenant = await aTenant(app);
      const session = await aPortalSession(app, tenant.id);
      let turn = 0;
      const send = () =>
        app
          .http()
          .get(turn++ % 2 === 0 ? '/api/v1/organization' : '/api/v1/portal/session')
          .set('Cookie', session.cookie);
      const { statuses, refusal } = await untilRefused(send, 4 * LIMITS.admin);
      expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.admin);
      expectProblem429(refusal, /admin portal session/, LIMITS.windowSeconds);
      // The organization's admin API key has its own budget.
      await app.http().get('/api/v1/organization').set('Authorization', tenant.auth).expect(200);
    });
  });

  describe('failed operator-token attempts', () => {
    it('does not count requests that present no token', async () => {
      for (let i = 0; i < 2 * LIMITS.operatorAuthFailures; i += 1) {
        await app.http().get('/api/v1/organizations').expect(401);
      }
      await app
        .http()
        .get('/api/v1/organizations')
        .set('Authorization', operatorAuth())
        .expect(200);
    });
  });

  describe('across instances', () => {
    let second: TestApp | undefined;
    beforeAll(async () => {
      if (serverUrl()) second = await startTestApp({ rateLimits: LIMITS }, app);
    });
    afterAll(() => second?.close());

    itOnServer(
      'shares one budget between two instances on one PostgreSQL database (PostgreSQL only: the embedded database belongs to one process)',
      async () => {
        const instances = [app, second!];
        const tenant = await aScimTenant(app);
        const statuses: number[] = [];
        for (let i = 0; i < 2 * LIMITS.scim; i += 1) {
          const response = await scimClient(instances[i % 2], tenant).get('/Users');
          statuses.push(response.status);
        }
        expect(statuses).toEqual([
          ...Array<number>(LIMITS.scim).fill(200),
          ...Array<number>(LIMITS.scim).fill(429),
        ]);
        expectScim429(await scimClient(second!, tenant).get('/Users'), LIMITS.windowSeconds);

        const admin = await aTenant(second!);
        const organization = (instance: TestApp) =>
          instance.http().get('/api/v1/organization').set('Authorization', admin.auth);
        const adminStatuses: number[] = [];
        for (let i = 0; i < LIMITS.admin + 2; i += 1) {
          adminStatuses.push((await organization(instances[i % 2])).status);
        }
        expect(adminStatuses).toEqual([...Array<number>(LIMITS.admin).fill(200), 429, 429]);
      },
    );

    itOnServer(
      'counts concurrent requests spread over two instances atomically (PostgreSQL only)',
      async () => {
        const instances = [app, second!];
        const tenant = await aScimTenant(app);
        const responses = await Promise.all(
          Array.from({ length: 6 * LIMITS.scim }, (_, i) =>
            scimClient(instances[i % 2], tenant).get('/Users'),
          ),
        );
        expect(responses.filter((r) => r.status === 200)).toHaveLength(LIMITS.scim);
        expect(responses.filter((r) => r.status === 429)).toHaveLength(5 * LIMITS.scim);
      },
    );
  });
});

describe('rate-limit windows', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ rateLimits: SHORT });
  });
  afterAll(() => app.close());

  it('lets a SCIM credential in again once the Retry-After seconds have passed', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const { statuses, refusal } = await untilRefused(() => scim.get('/Users'), 4 * SHORT.scim);
    expect(statuses.slice(-1)).toEqual([429]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(SHORT.scim);
    expectScim429(refusal, SHORT.windowSeconds);
    await sleep(retryAfter(refusal) * 1000 + 200);
    await scim.get('/Users').expect(200);
  });

  it('lets an admin API key in again once the Retry-After seconds have passed', async () => {
    const tenant = await aTenant(app);
    const send = () => app.http().get('/api/v1/organization').set('Authorization', tenant.auth);
    const { refusal } = await untilRefused(send, 4 * SHORT.admin);
    expectProblem429(refusal, /admin API key/, SHORT.windowSeconds);
    await sleep(retryAfter(refusal) * 1000 + 200);
    await send().expect(200);
  });

  it('pauses the operator API after too many wrong tokens, for everyone, until the window ends', async () => {
    const wrong = `Bearer ${'x'.repeat(40)}`;
    const organizations = (auth: string) =>
      app.http().get('/api/v1/organizations').set('Authorization', auth);
    const { statuses, refusal } = await untilRefused(
      () => organizations(wrong),
      4 * SHORT.operatorAuthFailures,
    );
    expect(statuses.slice(0, SHORT.operatorAuthFailures)).toEqual(
      Array<number>(SHORT.operatorAuthFailures).fill(401),
    );
    expectProblem429(refusal, /^Too many failed operator-token attempts/, SHORT.windowSeconds);
    // The right token waits too: that is what caps guessing.
    const paused = await organizations(operatorAuth());
    if (paused.status === 429) {
      expectProblem429(paused, /operator API is paused/, SHORT.windowSeconds);
      await sleep(retryAfter(paused) * 1000 + 200);
    } else {
      // The window ended between the two requests (a slow machine): it has reset already.
      expect(paused.status).toBe(200);
    }
    await organizations(operatorAuth()).expect(200);
  });

  it('pauses setup-link sign-in after too many wrong links, for everyone, until the window ends', async () => {
    const tenant = await aTenant(app);
    const open = (setupToken: string) =>
      app.http().post('/api/v1/portal/session').send({ setupToken });
    const wrong = `rcsl_${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}_${'x'.repeat(43)}`;
    const { statuses, refusal } = await untilRefused(
      () => open(wrong),
      4 * SHORT.operatorAuthFailures,
    );
    expect(statuses.slice(0, SHORT.operatorAuthFailures)).toEqual(
      Array<number>(SHORT.operatorAuthFailures).fill(401),
    );
    expectProblem429(refusal, /^Too many wrong setup links/, SHORT.windowSeconds);
    const url = await portalSetupLink(app, tenant.id);
    const right = url.slice(url.indexOf('#token=') + '#token='.length);
    const paused = await open(right);
    if (paused.status === 429) {
      expectProblem429(paused, /setup link is paused/, SHORT.windowSeconds);
      await sleep(retryAfter(paused) * 1000 + 200);
    } else {
      expect(paused.status).toBe(201);
      return;
    }
    await open(right).expect(201);
  });
});

describe('rate-limit headroom in the metrics', () => {
  /** The value of one series of GET /metrics, by its exact name and labels. */
  async function series(app: TestApp, name: string): Promise<number | undefined> {
    const text = (await app.http().get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  }
  const PEAK = 'rollcall_rate_limit_peak_usage_ratio{limit="scim"}';
  const REFUSALS = 'rollcall_rate_limit_refusals_total{limit="scim"}';

  it('shows the fullest SCIM credential’s share of its budget, and the refusals', async () => {
    const app = await startTestApp({ rateLimits: { ...LIMITS, scim: 10 } });
    try {
      expect(await series(app, PEAK)).toBeUndefined();
      const busy = scimClient(app, await aScimTenant(app));
      const quiet = scimClient(app, await aScimTenant(app));
      for (let i = 0; i < 4; i += 1) await busy.get('/Users').expect(200);
      await quiet.get('/Users').expect(200);
      expect(await series(app, PEAK)).toBeCloseTo(0.4);
      expect(await series(app, REFUSALS)).toBeUndefined();
      const { statuses } = await untilRefused(() => busy.get('/Users'), 10);
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      await busy.get('/Users').expect(429);
      expect(await series(app, PEAK)).toBe(1);
      expect(await series(app, REFUSALS)).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('counts a limit counted in chunks by the positions spent, not the ones reserved', async () => {
    const app = await startTestApp({ rateLimits: { ...LIMITS, scim: 400 } });
    try {
      const scim = scimClient(app, await aScimTenant(app));
      for (let i = 0; i < 6; i += 1) await scim.get('/Users').expect(200);
      expect(await series(app, PEAK)).toBeCloseTo(6 / 400);
    } finally {
      await app.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { OTHER_POOLS, SeatUsageService } from '@rollcall/identity';
import { oktaCreateUser } from './fixtures/okta';
import { aScimTenant, operatorAuth, type ScimTenant } from './support/factories';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './support/test-app';

/** The value of one series, found by its exact name and labels (in the order prom-client prints). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scimToken: string;
  let metrics: string;
  /** How long the two timed requests took, seen from here: their durations fit inside. */
  let timedSeconds: number;
  /** How old the outbox messages can be, by the database's clock, when the metrics are read. */
  let outboxAgeSeconds: number;
  const missingUser = randomUUID();
  const dbNow = async (): Promise<number> =>
    Number((await app.dataSource.query('SELECT extract(epoch FROM now())::float8 AS t'))[0].t);

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scimToken = tenant.scimAuth.replace(/^Bearer /, '');
    const db = app.dataSource;
    await db.query(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity, used) VALUES ($1, 'Sales', false, 5, 3)`,
      [tenant.id],
    );
    const seededAt = await dbNow();
    await db.query(
      `INSERT INTO outbox_messages (organization_id, kind, recipient, payload, failed_at)
       VALUES ($1, 'user_reactivated', 'a@example.com', '{}', NULL),
              ($1, 'user_reactivated', 'b@example.com', '{}', NULL),
              ($1, 'user_reactivated', 'c@example.com', '{}', now())`,
      [tenant.id],
    );

    const admin = () => app.http();
    const timedFrom = performance.now();
    await admin().get('/api/v1/license-pools').set('Authorization', tenant.auth).expect(200);
    await admin().get('/api/v1/license-pools').set('Authorization', tenant.auth).expect(200);
    timedSeconds = (performance.now() - timedFrom) / 1000;
    await admin().get(`/api/v1/users/${missingUser}`).set('Authorization', tenant.auth).expect(404);
    await admin().get('/api/v1/license-pools').expect(401);
    await admin().get(`/no/such/route/${missingUser}`).expect(404);
    const scim = () => app.http().post('/scim/v2/Users').set('Authorization', tenant.scimAuth);
    await scim().send(oktaCreateUser('metrics@example.com')).expect(201);
    await scim().send(oktaCreateUser('metrics@example.com')).expect(409);
    await app
      .http()
      .get(`/scim/v2/Users/${missingUser}`)
      .set('Authorization', tenant.scimAuth)
      .expect(404);

    const response = await app.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    metrics = response.text;
    outboxAgeSeconds = (await dbNow()) - seededAt;
  });
  afterAll(() => app.close());

  it('counts HTTP requests by route template and status, with latency histograms', () => {
    const pools = 'method="GET",route="/api/v1/license-pools"';
    expect(value(metrics, `rollcall_http_requests_total{${pools},status="200"}`)).toBe(2);
    expect(value(metrics, `rollcall_http_requests_total{${pools},status="401"}`)).toBe(1);
    expect(
      value(
        metrics,
        'rollcall_http_requests_total{method="GET",route="/api/v1/users/:id",status="404"}',
      ),
    ).toBe(1);
    expect(
      value(metrics, 'rollcall_http_requests_total{method="GET",route="(unmatched)",status="404"}'),
    ).toBe(1);
    expect(
      value(metrics, `rollcall_http_request_duration_seconds_count{${pools},status="200"}`),
    ).toBe(2);
    expect(
      value(
        metrics,
        `rollcall_http_request_duration_seconds_bucket{le="+Inf",${pools},status="200"}`,
      ),
    ).toBe(2);
    const sum = value(metrics, `rollcall_http_request_duration_seconds_sum{${pools},status="200"}`);
    expect(sum).toBeGreaterThan(0);
    // In seconds: the two requests' durations add up to no more than the time they took here.
    expect(sum).toBeLessThanOrEqual(timedSeconds);
    // Ids never become labels.
    expect(metrics).not.toContain(missingUser);
  });

  it('counts SCIM operations by resource, operation and outcome', () => {
    const scim = (labels: string) => value(metrics, `rollcall_scim_operations_total{${labels}}`);
    expect(scim('resource="Users",operation="create",outcome="success",scim_type="none"')).toBe(1);
    expect(
      scim('resource="Users",operation="create",outcome="failure",scim_type="uniqueness"'),
    ).toBe(1);
    expect(scim('resource="Users",operation="get",outcome="failure",scim_type="not_found"')).toBe(
      1,
    );
  });

  it('reports seats used and capacity per pool, and the outbox backlog', () => {
    const sales = `{organization="${tenant.slug}",pool="Sales"}`;
    expect(value(metrics, `rollcall_license_pool_seats_used${sales}`)).toBe(3);
    expect(value(metrics, `rollcall_license_pool_seats_capacity${sales}`)).toBe(5);
    expect(value(metrics, 'rollcall_outbox_messages{state="pending"}')).toBe(2);
    expect(value(metrics, 'rollcall_outbox_messages{state="failed"}')).toBe(1);
    const oldest = value(metrics, 'rollcall_outbox_oldest_pending_seconds');
    expect(oldest).toBeGreaterThanOrEqual(0);
    // In seconds, and no older than the messages are (created_at is kept to the millisecond).
    expect(oldest).toBeLessThanOrEqual(outboxAgeSeconds + 0.001);
  });

  it('includes the default process metrics', () => {
    expect(value(metrics, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(metrics, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('leaks no secret', () => {
    for (const secret of [tenant.adminApiKey, scimToken, OPERATOR_TOKEN, operatorAuth()]) {
      expect(metrics).not.toContain(secret);
    }
    expect(metrics).not.toContain('metrics@example.com');
  });

  it('keeps the pool series bounded: beyond the limit, pools are summed into one', async () => {
    const usage = await app.app.get(SeatUsageService).byPool(1);
    expect(usage).toHaveLength(2);
    const [top, rest] = [
      usage.find((u) => u.poolName !== OTHER_POOLS),
      usage.find((u) => u.poolName === OTHER_POOLS),
    ];
    expect(top).toEqual({ organizationSlug: tenant.slug, poolName: 'Sales', used: 3, capacity: 5 });
    const [all] = await app.dataSource.query<{ used: number; capacity: number }[]>(
      'SELECT sum(used)::int AS used, sum(capacity)::int AS capacity FROM license_pools',
    );
    expect(rest).toEqual({
      organizationSlug: OTHER_POOLS,
      poolName: OTHER_POOLS,
      used: all.used - 3,
      capacity: all.capacity - 5,
    });
  });
});

describe('GET /metrics with ROLLCALL_METRICS_TOKEN', () => {
  let app: TestApp;
  const token = 'metrics-token-0123456789abcdef';
  beforeAll(async () => {
    app = await startTestApp({ metricsToken: token });
  });
  afterAll(() => app.close());

  it('answers 401 without the token and 200 with it', async () => {
    const refused = await app.http().get('/metrics').expect(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await app.http().get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
    const ok = await app.http().get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.text).toContain('rollcall_http_requests_total');
  });
});

import { ScimAuthGuard } from '@rollcall/integration';
import { ScimGroupsReadLane } from '@rollcall/scim-groups';
import { ScimUsersReadLane } from '@rollcall/scim-users';
import { aScimTenant, type ScimTenant } from './support/factories';
import { provisionPerson } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

type Answer = {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  text: string;
  /** Each answer carries a request id of its own (compared as present, not by value). */
  requestId: boolean;
};

/** What may differ between two answers to the same request: the moment and the request id. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id']);

/**
 * The SCIM reads answered ahead of the router — plain successful GETs of /Users, /Groups and by id
 * by the server's own listener (apps/api/src/scim-read-listener.ts), everything else by the read
 * lane's middleware — against the controllers they stand in for: the same requests, sent with the
 * lane on and then off (`scimReadLane`, read per request), must get the same status, headers and
 * body, the same provisioning-log entries and the same metrics. With the lane on the SCIM guard
 * never runs, and only the failures, the conditional GET and HEAD reach Express.
 */
describe('SCIM read lane', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let other: ScimTenant;
  const ids: Record<string, string> = {};
  let etag: string;

  // Set before the app boots, which binds the lanes' middleware entry: a call means the request
  // went through Express to the lane's middleware, none that the server's own listener answered it.
  const throughExpress = [
    jest.spyOn(ScimUsersReadLane.prototype, 'use'),
    jest.spyOn(ScimGroupsReadLane.prototype, 'use'),
  ];
  const expressCalls = () => throughExpress.reduce((n, spy) => n + spy.mock.calls.length, 0);

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    other = await aScimTenant(app, 'basic');
    ids.ann = await provisionPerson(app, tenant, {
      userName: 'ann.lee@example.com',
      givenName: 'Ann',
      familyName: 'Lee',
      externalId: 'ext-ann',
    });
    ids.bob = await provisionPerson(app, tenant, { userName: 'bob@example.com' });
    ids.theirs = await provisionPerson(app, other, { userName: 'theirs@example.com' });
    const group = await app
      .http()
      .post('/scim/v2/Groups')
      .set('Authorization', tenant.scimAuth)
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        members: [{ value: ids.ann }, { value: ids.bob }],
      })
      .expect(201);
    ids.group = group.body.id as string;
    etag = (await app.http().get(`/scim/v2/Users/${ids.ann}`).set('Authorization', tenant.scimAuth))
      .headers.etag;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
  });

  /** Every kind of read an IdP sends, and the ways one goes wrong. */
  const requests = (): [string, () => Promise<Answer>][] => {
    const get = (path: string, auth: string | null = tenant.scimAuth) => {
      const request = app.http().get(path);
      return auth === null ? request : request.set('Authorization', auth);
    };
    const cases: [string, () => ReturnType<typeof get>][] = [
      ['a user', () => get(`/scim/v2/Users/${ids.ann}`)],
      ['a user, upper-case id', () => get(`/scim/v2/Users/${ids.ann.toUpperCase()}`)],
      ['a user, attributes', () => get(`/scim/v2/Users/${ids.ann}?attributes=userName,emails`)],
      ['a user, excluded groups', () => get(`/scim/v2/Users/${ids.ann}?excludedAttributes=groups`)],
      ['a user, bad attributes', () => get(`/scim/v2/Users/${ids.ann}?attributes=name[[`)],
      ['another tenant’s user', () => get(`/scim/v2/Users/${ids.theirs}`)],
      ['no such user', () => get('/scim/v2/Users/00000000-0000-4000-8000-000000000000')],
      ['not an id', () => get('/scim/v2/Users/not-an-id')],
      ['by userName', () => get('/scim/v2/Users?filter=userName%20eq%20%22ann.lee@example.com%22')],
      ['by externalId', () => get('/scim/v2/Users?filter=externalId%20eq%20%22ext-ann%22')],
      ['nobody by userName', () => get('/scim/v2/Users?filter=userName%20eq%20%22x@y.z%22')],
      ['a bad filter', () => get('/scim/v2/Users?filter=userName%20eq')],
      ['a page', () => get('/scim/v2/Users?startIndex=2&count=1&sortBy=userName')],
      ['a cursor page', () => get('/scim/v2/Users?cursor=&count=1')],
      ['a repeated parameter', () => get('/scim/v2/Users?count=1&count=2')],
      ['too many', () => get('/scim/v2/Users?count=500')],
      ['no credentials', () => get(`/scim/v2/Users/${ids.ann}`, null)],
      ['wrong credentials', () => get(`/scim/v2/Users/${ids.ann}`, 'Bearer rcscim_nope')],
      ['the other tenant’s list', () => get('/scim/v2/Users', other.scimAuth)],
      ['a group', () => get(`/scim/v2/Groups/${ids.group}`)],
      [
        'a group without members',
        () => get(`/scim/v2/Groups/${ids.group}?excludedAttributes=members`),
      ],
      ['groups by name', () => get('/scim/v2/Groups?filter=displayName%20eq%20%22Sales%22')],
      ['unchanged since', () => get(`/scim/v2/Users/${ids.ann}`).set('If-None-Match', etag)],
      [
        'a HEAD',
        () => app.http().head(`/scim/v2/Users/${ids.ann}`).set('Authorization', tenant.scimAuth),
      ],
    ];
    return cases.map(([name, send]) => [
      name,
      async () => {
        const response = await send();
        const headers = Object.fromEntries(
          Object.entries(response.headers).filter(([key]) => !PER_REQUEST_HEADERS.has(key)),
        );
        return {
          status: response.status,
          headers,
          body: response.body,
          text: response.text,
          requestId: /^[0-9a-f-]{36}$/.test(String(response.headers['x-request-id'])),
        };
      },
    ]);
  };

  /** The SCIM series of /metrics, by name and labels. */
  async function scimMetrics(): Promise<Map<string, number>> {
    const text = (await app.http().get('/metrics').expect(200)).text;
    const series = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!/route="\/scim\/v2|^rollcall_scim_operations_total/.test(line)) continue;
      if (line.includes('_bucket{') || line.includes('_sum{')) continue;
      const space = line.lastIndexOf(' ');
      series.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return series;
  }

  const growth = (before: Map<string, number>, after: Map<string, number>) =>
    Object.fromEntries(
      [...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)]).filter(([, n]) => n !== 0),
    );

  /** The provisioning log, oldest first, without what differs from one request to the next. */
  const LOG = `SELECT organization_id, method, path, resource_type, resource_id, user_name, status,
                      outcome, scim_type, detail, reason
                 FROM scim_request_logs ORDER BY occurred_at, id`;
  const logRows = () => app.dataSource.query<Record<string, unknown>[]>(LOG);
  /** Waits until the log holds `n` entries (they are written just after each response). */
  const logHolds = (n: number) =>
    waitFor(async () => (await logRows()).length >= n, { what: `${n} provisioning-log entries` });
  const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

  it('answers every read as the controllers do: status, headers, body, log and metrics', async () => {
    const guard = jest.spyOn(ScimAuthGuard.prototype, 'canActivate');
    const cases = requests();
    // The fixtures' five writes are logged before the first pass starts.
    await logHolds(5);
    const before = (await logRows()).length;
    // Each request with credentials that name a tenant is logged: all but the two without.
    const logged = cases.length - 2;

    const pass = async (lane: boolean) => {
      app.config.scimReadLane = lane;
      guard.mockClear();
      const metricsBefore = await scimMetrics();
      const answers: Record<string, Answer> = {};
      const viaExpress = new Set<string>();
      for (const [name, send] of cases) {
        const before = expressCalls();
        answers[name] = await send();
        if (expressCalls() > before) viaExpress.add(name);
      }
      const metrics = growth(metricsBefore, await scimMetrics());
      return { answers, metrics, viaExpress, guardCalls: guard.mock.calls.length };
    };
    const withLane = await pass(true);
    await logHolds(before + logged);
    const withoutLane = await pass(false);
    app.config.scimReadLane = true;
    await logHolds(before + 2 * logged);
    const rows = await logRows();

    // The lane answered every request (the controllers' guard never ran); without it, they did.
    expect(withLane.guardCalls).toBe(0);
    expect(withoutLane.guardCalls).toBe(cases.length);
    for (const [name] of cases) {
      expect({ name, requestId: withLane.answers[name].requestId }).toEqual({
        name,
        requestId: true,
      });
      expect({ name, ...withLane.answers[name] }).toEqual({ name, ...withoutLane.answers[name] });
    }
    // The server's listener answered every plain successful read; the rest (failures, the
    // conditional GET, HEAD) went on to Express, whose lane answered them; without the lane, all.
    const handedOn = cases
      .map(([name]) => name)
      .filter((name) => withLane.answers[name].status !== 200 || name === 'a HEAD');
    expect([...withLane.viaExpress].sort()).toEqual(handedOn.sort());
    expect(handedOn.length).toBeLessThan(cases.length / 2);
    expect(withoutLane.viaExpress.size).toBe(cases.length);
    // The matrix covers successes and every kind of failure.
    const statuses = new Set(Object.values(withLane.answers).map((a) => a.status));
    expect([...statuses].sort()).toEqual([200, 304, 400, 401, 404]);
    expect(Object.keys(withLane.metrics).length).toBeGreaterThan(0);
    expect(withLane.metrics).toEqual(withoutLane.metrics);
    expect(rows).toHaveLength(before + 2 * logged);
    const laneRows = rows.slice(before, before + logged);
    const controllerRows = rows.slice(before + logged);
    expect(sorted(laneRows)).toEqual(sorted(controllerRows));
  });
});

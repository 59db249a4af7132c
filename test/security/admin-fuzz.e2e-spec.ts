import fc from 'fast-check';
import type { Response } from 'supertest';
import { hostileString, refusedByHeaderLimit, SQL_INJECTIONS } from '../support/hostile';
import {
  fetchOpenApi,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  resolve,
  type Schema,
} from '../support/openapi';
import {
  aPopulatedTenant,
  authorizationFor,
  pathFor,
  type PopulatedTenant,
} from '../support/security-fixtures';
import { REJECTION_SNAPSHOT, snapshotDifference, TenantSnapshot } from '../support/tenant-snapshot';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Property-based fuzzing of the admin API from its own OpenAPI document: every POST, PATCH and PUT
 * body of /api/v1 is generated from its DTO's schema (values in and out of each field's rules,
 * hostile strings, unknown fields, arbitrary JSON), and every query parameter of its GET routes the
 * same way. Never a 5xx; a refusal is a problem document with the status it is answered with, and
 * changes nothing.
 *
 * The SAML connection (/api/v1/sso/…) is left to the SAML suite's own fuzzing.
 */

/** Runs per body route and for all list routes together; FUZZ_SCALE multiplies them. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS_PER_BODY_ROUTE = Math.ceil(120 * SCALE);
const QUERY_RUNS = Math.ceil(1200 * SCALE);
/** Generous: two cores shared with other suites. */
const TIMEOUT_MS = 300_000 * SCALE;

const RANDOM_UUID = '6f1c0b8e-3d5a-4c8b-9a7e-2b4d6f8a0c1e';

describe('admin API under generated input', () => {
  let app: TestApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let tenant: PopulatedTenant;
  let snapshot: TenantSnapshot;

  beforeAll(async () => {
    app = await startTestApp();
    document = await fetchOpenApi(app);
    operations = operationsOf(document).filter(
      (o) => o.path.startsWith('/api/v1/') && !o.path.startsWith('/api/v1/sso/'),
    );
    tenant = await aPopulatedTenant(app);
    snapshot = await TenantSnapshot.prepare(app.dataSource, REJECTION_SNAPSHOT);
  });

  afterAll(() => app?.close());

  /** The tenant's rows; for the operator's routes, also their organization's and the count. */
  async function state(operator = true): Promise<string> {
    if (!operator) return snapshot.take(tenant.id);
    const [{ n }] = await app.dataSource.query('SELECT count(*)::int AS n FROM organizations');
    return JSON.stringify([
      n,
      await snapshot.take(tenant.id),
      await snapshot.take(tenant.operatorTarget),
    ]);
  }

  /** Anything JSON can hold, hostile strings included. */
  const junk = (): fc.Arbitrary<unknown> =>
    fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      hostileString(),
      fc.constantFrom(null, '', 0, -1, true, [], {}, 1e308, 2 ** 31, 2 ** 53 + 1),
    );

  const allIds = () => Object.values(tenant.ids).flat();

  /** Values for a schema: mostly near its rules (both sides of each bound), sometimes anything. */
  function arbitraryFor(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(document, raw);
    const near: fc.Arbitrary<unknown>[] = [];
    if (schema.example !== undefined) near.push(fc.constant(schema.example));
    if (schema.enum?.length) {
      near.push(fc.constantFrom(...schema.enum));
      near.push(fc.constantFrom(...schema.enum.map((v) => String(v).toUpperCase())));
    } else if (schema.type === 'string') {
      if (schema.format === 'uuid') {
        near.push(
          fc.constantFrom(...allIds(), RANDOM_UUID, RANDOM_UUID.toUpperCase(), 'not-a-uuid'),
        );
        near.push(fc.uuid());
      }
      if (schema.pattern) near.push(fc.stringMatching(new RegExp(schema.pattern)));
      const max = schema.maxLength ?? 300;
      near.push(fc.string({ maxLength: Math.min(max + 2, 400) }));
      near.push(fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), ' ', ''));
      near.push(hostileString());
    } else if (schema.type === 'number' || schema.type === 'integer') {
      const min = schema.minimum ?? -5;
      near.push(fc.integer({ min: min - 2, max: min + 1000 }));
      near.push(fc.constantFrom(min - 1, min, 0.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e21, -0));
      near.push(fc.double({ noNaN: true }));
    } else if (schema.type === 'boolean') {
      near.push(fc.boolean(), fc.constantFrom('true', 'false', 0, 1));
    } else if (schema.type === 'array' && schema.items && depth < 3) {
      near.push(fc.array(arbitraryFor(schema.items, depth + 1), { maxLength: 5 }));
      near.push(fc.constant([]));
    } else if (schema.properties && depth < 3) {
      near.push(objectFor(schema, depth));
    }
    return near.length === 0
      ? junk()
      : fc.oneof({ weight: 5, arbitrary: fc.oneof(...near) }, { weight: 1, arbitrary: junk() });
  }

  function objectFor(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, property]) => [
        name,
        arbitraryFor(property, depth + 1),
      ]),
    );
    const required = (schema.required ?? []).filter((name) => name in properties);
    return fc
      .tuple(
        fc.record(properties, { requiredKeys: required }),
        fc.record(properties, { requiredKeys: [] }),
        fc.dictionary(
          fc.constantFrom('admin', 'organizationId', 'id', 'role', 'extra', 'Name'),
          junk(),
          {
            maxKeys: 2,
          },
        ),
        fc.nat(9),
      )
      .map(([complete, partial, extra, shape]) =>
        // Mostly the required fields and some optional ones; now and then unknown ones too.
        shape < 6 ? complete : shape < 8 ? partial : { ...complete, ...extra },
      );
  }

  /**
   * One request and what must hold for it: no 5xx; a refusal is a problem document with its own
   * status and changes nothing.
   */
  async function expectSafe(
    label: unknown,
    before: string,
    response: Response,
    operator: boolean,
  ): Promise<string> {
    expect([label, response.status < 500]).toEqual([label, true]);
    const after = await state(operator);
    if (response.status >= 400) {
      expect([label, response.headers['content-type']]).toEqual([
        label,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      expect([label, response.body.status, typeof response.body.code]).toEqual([
        label,
        response.status,
        'string',
      ]);
      expect([label, snapshotDifference(before, after)]).toEqual([label, undefined]);
    }
    return after;
  }

  it(
    'answers every generated body of every POST, PATCH and PUT with 2xx or 4xx, and a refusal changes nothing',
    async () => {
      const routes = operations.filter(
        (o) =>
          o.body?.contentType === 'application/json' && ['post', 'patch', 'put'].includes(o.method),
      );
      expect(routes.length).toBeGreaterThanOrEqual(10);
      for (const operation of routes) {
        const operator = operation.security.includes('operatorToken');
        let before = await state(operator);
        const schema = operation.body?.schema ?? {};
        const bodies = fc.oneof(
          {
            weight: 8,
            arbitrary: objectFor(resolve(document, schema), 0),
          },
          { weight: 1, arbitrary: junk() },
        );
        await fc.assert(
          fc.asyncProperty(bodies, fc.nat(), fc.nat(19), async (body, pick, stranger) => {
            const path =
              stranger === 0
                ? operation.path.replace(/\{[^}]+\}/g, RANDOM_UUID)
                : pathFor(operation, tenant, (ids) => ids[pick % Math.max(ids.length, 1)] ?? '');
            if (!path) return;
            const auth = authorizationFor(operation, tenant);
            let request = app
              .http()
              [operation.method](path)
              .set('Content-Type', 'application/json');
            if (auth) request = request.set('Authorization', auth);
            const response = await request.send(JSON.stringify(body));
            before = await expectSafe(
              { route: operation.name, path, body },
              before,
              response,
              operator,
            );
          }),
          { numRuns: RUNS_PER_BODY_ROUTE },
        );
      }
    },
    TIMEOUT_MS,
  );

  it(
    'answers every generated query of every list with 200 or 400, and finds text as text',
    async () => {
      const lists = operations.filter(
        (o) =>
          o.method === 'get' && o.queryParameters.length > 0 && pathFor(o, tenant) !== undefined,
      );
      expect(lists.length).toBeGreaterThanOrEqual(4);
      // Real cursors of each list, to replay as they are and mangled.
      const cursors: string[] = [];
      for (const list of lists) {
        const page = await app
          .http()
          .get(`${pathFor(list, tenant)}?limit=1`)
          .set('Authorization', authorizationFor(list, tenant) ?? '');
        if (typeof page.body?.nextCursor === 'string') cursors.push(page.body.nextCursor);
      }
      const forged = [
        ['createdAt', '-271821-04-20T00:00:00.000Z', RANDOM_UUID],
        ['userName', "x' OR 1=1 --", RANDOM_UUID],
        ['lastLoginAt', '-infinity', RANDOM_UUID],
        ['userName', 'a', "' OR 1=1 --"],
        ['createdAt', '2026-01-01', RANDOM_UUID],
      ].map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url'));
      const cursor = fc.oneof(
        fc.constantFrom(...cursors, ...forged, `${'-271821-04-20T00:00:00.000Z'}|${RANDOM_UUID}`),
        fc
          .tuple(
            fc.constantFrom(...(cursors.length ? cursors : ['AAAA'])),
            fc.nat(),
            fc.string({ minLength: 1, maxLength: 1 }),
          )
          .map(([c, at, ch]) => c.slice(0, at % c.length) + ch + c.slice((at % c.length) + 1)),
        fc.constantFrom(...SQL_INJECTIONS),
      );
      const before = await state();
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...lists)
            .chain((list) =>
              fc.tuple(
                fc.constant(list),
                fc.record(
                  Object.fromEntries([
                    ...list.queryParameters.map((p) => [
                      p.name,
                      p.name === 'cursor' ? cursor : arbitraryFor(p.schema ?? {}),
                    ]),
                    ['unknownParameter', junk()],
                  ]),
                  { requiredKeys: [] },
                ),
              ),
            ),
          async ([list, query]) => {
            const search = new URLSearchParams();
            for (const [name, value] of Object.entries(query)) {
              for (const item of Array.isArray(value) ? value : [value]) {
                search.append(name, typeof item === 'string' ? item : (JSON.stringify(item) ?? ''));
              }
            }
            const path = `${pathFor(list, tenant)}?${search.toString()}`;
            const response = await app
              .http()
              .get(path)
              .set('Authorization', authorizationFor(list, tenant) ?? '');
            const answered = [200, 400].includes(response.status) || refusedByHeaderLimit(response);
            expect([path, response.status, answered]).toEqual([path, response.status, true]);
            const q = (query as Record<string, unknown>).q;
            if (
              response.status === 200 &&
              typeof q === 'string' &&
              Array.isArray(response.body?.data)
            ) {
              for (const item of response.body.data as unknown[]) {
                expect([path, showsText(item, q)]).toEqual([path, true]);
              }
            }
          },
        ),
        { numRuns: QUERY_RUNS },
      );
      expect(snapshotDifference(before, await state())).toBeUndefined();
    },
    TIMEOUT_MS,
  );
});

/** Whether some text field of a JSON value contains `text`, in any case. */
function showsText(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(text.toLowerCase());
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((item) => showsText(item, text));
  }
  return false;
}

import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import {
  deepJson,
  hostileString,
  httpRequest,
  listen,
  rawExchange,
  rawRequest,
  SQL_INJECTIONS,
} from '../support/hostile';
import {
  exampleOf,
  fetchOpenApi,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from '../support/openapi';
import {
  aPopulatedTenant,
  authorizationFor,
  pathFor,
  type PopulatedTenant,
} from '../support/security-fixtures';
import { REJECTION_SNAPSHOT, snapshotDifference, TenantSnapshot } from '../support/tenant-snapshot';
import { startTestApp, type TestApp } from '../support/test-app';

/** Longer than this for one request is a hang (see `check`). */
const HANG_MS = 15_000;

/**
 * Hostile input on every route of the OpenAPI document: bodies nested 10,000 levels deep, bodies near
 * and over the 1 MB limit, bytes that are not UTF-8, text PostgreSQL cannot store, prototype-pollution
 * keys, duplicate keys, wrong content types and encodings, hostile path parameters and query strings,
 * raw bytes in the request line, and SQL injection through filters, sort keys, search text and
 * cursors. Never a 5xx, and a refused request changes nothing.
 */

const ONE_MB = 1024 * 1024;

// Thousands of requests per test, on two cores shared with the other suites.
jest.setTimeout(300_000);

/** What the body routes answer to what they must refuse. */
const REFUSED = (status: number) => status >= 400 && status < 500;

describe('hostile input on every route', () => {
  let app: TestApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let tenant: PopulatedTenant;
  let snapshot: TenantSnapshot;
  let port: number;

  /** JSON routes with a body, with their path filled with the tenant's ids. */
  let bodyRoutes: { operation: Operation; path: string; auth?: string; example: unknown }[];

  beforeAll(async () => {
    app = await startTestApp();
    port = await listen(app);
    document = await fetchOpenApi(app);
    operations = operationsOf(document);
    tenant = await aPopulatedTenant(app);
    snapshot = await TenantSnapshot.prepare(app.dataSource, REJECTION_SNAPSHOT);
    bodyRoutes = operations.flatMap((operation) => {
      const path = pathFor(operation, tenant);
      const auth = authorizationFor(operation, tenant);
      if (operation.body?.contentType !== 'application/json' || !path || !auth) return [];
      // A mangled body that still reads as a rotation would end the SCIM credentials the later
      // tests use (a second rotation ends the first one's grace); rotations have suites of their own.
      if (operation.path === '/api/v1/scim/integration/rotate') return [];
      return [{ operation, path, auth, example: exampleOf(document, operation.body.schema) }];
    });
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(15);
  });

  afterAll(() => app?.close());

  /** Every row of the tenant's, of the operator routes' organization, and how many there are. */
  async function state(): Promise<string> {
    const [{ n }] = await app.dataSource.query('SELECT count(*)::int AS n FROM organizations');
    return JSON.stringify([
      n,
      await snapshot.take(tenant.id),
      await snapshot.take(tenant.operatorTarget),
    ]);
  }

  const findings: string[] = [];
  /** The state after the last checked request, while nothing else has changed it. */
  let baseline: string | undefined;
  beforeEach(() => {
    findings.length = 0;
    baseline = undefined;
  });

  /**
   * Sends a request and checks it: never a 5xx, the expected status, and when refused, no change.
   * Findings are collected so that one test reports every route that fails.
   */
  async function check(
    label: string,
    send: () => Promise<Response>,
    expected: (status: number) => boolean = REFUSED,
    compareState = true,
  ): Promise<Response> {
    const before = compareState ? (baseline ?? (await state())) : '';
    const t0 = Date.now();
    const response = await send();
    // A hang guard, not a speed target (those live in `npm run bench`): seconds of blocked event
    // loop on a hostile body are the bug this catches, far above any slowness of a busy machine.
    if (Date.now() - t0 > HANG_MS)
      findings.push(`HANG ${label.slice(0, 100)}: ${Date.now() - t0} ms`);
    if (response.status >= 500 && response.status !== 501) {
      findings.push(`${label}: ${response.status} ${response.text?.slice(0, 300)}`);
    } else if (!expected(response.status)) {
      findings.push(`${label}: unexpected ${response.status} ${response.text?.slice(0, 300)}`);
    }
    if (compareState) {
      baseline = await state();
      const difference = response.status >= 400 && snapshotDifference(before, baseline);
      if (difference) findings.push(`${label}: refused with ${response.status}, yet ${difference}`);
    } else {
      baseline = undefined;
    }
    return response;
  }

  /** A body route's request with a raw body and headers of the test's choosing. */
  function rawBody(
    route: (typeof bodyRoutes)[number],
    body: Buffer | string,
    headers: Record<string, string> = { 'Content-Type': 'application/json' },
  ): Promise<Response> {
    let request = app.http()[route.operation.method](route.path);
    if (route.auth) request = request.set('Authorization', route.auth);
    for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
    // Sent as the bytes given: superagent would otherwise serialize a Buffer as JSON.
    return request
      .serialize((data: Buffer) => data as unknown as string)
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body));
  }

  /** The route's example with one more field, written as raw JSON text. */
  function exampleWith(route: (typeof bodyRoutes)[number], key: string, rawValue: string): string {
    const example = JSON.stringify(route.example ?? {});
    const inner = example.startsWith('{') && example !== '{}' ? `${example.slice(1, -1)},` : '';
    return `{${inner}${JSON.stringify(key)}:${rawValue}}`;
  }

  /** The route's example with raw bytes inside its first string value (or a new field). */
  function exampleWithBytes(route: (typeof bodyRoutes)[number], bytes: Buffer): Buffer {
    const text = JSON.stringify(route.example ?? {});
    const match = /:"((?:[^"\\]|\\.)*)"/.exec(text);
    const at = match ? match.index + 2 : -1;
    const [head, tail] =
      at >= 0
        ? [text.slice(0, at), text.slice(at)]
        : (exampleWith(route, 'text', '"@@"').split('@@') as [string, string]);
    return Buffer.concat([Buffer.from(head), Buffer.from('ok'), bytes, Buffer.from(tail)]);
  }

  it('refuses bodies nested too deep before any code walks them', async () => {
    for (const route of bodyRoutes) {
      const bodies: [string, string][] = [
        ['arrays 10,000 deep', deepJson(10_000, 'array')],
        ['objects 10,000 deep', deepJson(10_000, 'object')],
        ['arrays 200,000 deep', deepJson(200_000, 'array')],
        ['a field 10,000 deep', exampleWith(route, 'nested', deepJson(10_000, 'object'))],
        ['a field 40 deep', exampleWith(route, 'nested', deepJson(40, 'array'))],
      ];
      for (const [what, body] of bodies) {
        await check(
          `${route.operation.name} with ${what}`,
          () => rawBody(route, body),
          (s) => s === 400,
        );
      }
      // Deep, but within the limit: whatever the route makes of it, never a 5xx.
      await check(
        `${route.operation.name} with a field 20 deep`,
        () => rawBody(route, exampleWith(route, 'nested', deepJson(20, 'object'))),
        () => true,
      );
    }
    expect(findings).toEqual([]);
  });

  it('answers 413 over 1 MB, and never a 5xx to huge bodies under it', async () => {
    for (const route of bodyRoutes) {
      const pad = (size: number) => {
        const head = exampleWith(route, 'padding', '""');
        return exampleWith(route, 'padding', JSON.stringify('x'.repeat(size - head.length)));
      };
      await check(
        `${route.operation.name} with 1 MB + 1 byte`,
        () => rawBody(route, pad(ONE_MB + 1)),
        (s) => s === 413,
      );
      await check(
        `${route.operation.name} with 1 MB - 1 byte`,
        () => rawBody(route, pad(ONE_MB - 1)),
        () => true,
      );
      const keys = (n: number) =>
        `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
      await check(
        `${route.operation.name} with 60,000 keys`,
        () => rawBody(route, keys(60_000)),
        (s) => s === 400,
      );
      await check(
        `${route.operation.name} with 1,000 keys`,
        () => rawBody(route, keys(1000)),
        () => true,
      );
      // Every array field of the example, 100,000 items long.
      const example = (route.example ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(example)) {
        if (!Array.isArray(value)) continue;
        const item = JSON.stringify(value[0] ?? 'x');
        const long = `[${Array.from({ length: Math.floor((ONE_MB - 4096) / (item.length + 1)) }, () => item).join(',')}]`;
        const started = Date.now();
        await check(
          `${route.operation.name} with ${key} of ${long.length} bytes`,
          () => rawBody(route, JSON.stringify({ ...example, [key]: '@@' }).replace('"@@"', long)),
          () => true,
        );
        // A guard against work quadratic in the body's size (seconds, not milliseconds, apart).
        if (Date.now() - started > 30_000) {
          findings.push(
            `${route.operation.name} took ${Date.now() - started} ms over a long ${key}`,
          );
        }
      }
    }
    expect(findings).toEqual([]);
  });

  it('refuses bytes that are not UTF-8, NUL, and unpaired surrogates', async () => {
    const invalid: [string, Buffer][] = [
      ['0xFF', Buffer.from([0xff])],
      ['an overlong "/"', Buffer.from([0xc0, 0xaf])],
      ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
      ['a 5-byte sequence', Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])],
      ['a code point above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
      ['latin-1 é', Buffer.from([0xe9])],
    ];
    const escaped: [string, string][] = [
      ['NUL', '"a\\u0000b"'],
      ['a lone high surrogate', '"\\ud800"'],
      ['a lone low surrogate', '"x\\udc00"'],
      ['a reversed pair', '"\\udc00\\ud800"'],
    ];
    for (const route of bodyRoutes) {
      for (const [what, bytes] of invalid) {
        await check(
          `${route.operation.name} with ${what}`,
          () => rawBody(route, exampleWithBytes(route, bytes)),
          (s) => s === 400,
        );
      }
      for (const [what, value] of escaped) {
        await check(
          `${route.operation.name} with ${what} in a value`,
          () => rawBody(route, exampleWith(route, 'text', value)),
          (s) => s === 400,
        );
        await check(
          `${route.operation.name} with ${what} in a key`,
          () => rawBody(route, exampleWith(route, JSON.parse(value) as string, '1')),
          (s) => s === 400,
        );
      }
      // Well-formed but unusual: an escaped surrogate pair, a BOM inside a string, emoji.
      await check(
        `${route.operation.name} with a surrogate pair`,
        () => rawBody(route, exampleWith(route, 'text', '"\\ud83d\\ude00 \ufeff 👩‍👩‍👧"')),
        () => true,
      );
    }
    expect(findings).toEqual([]);
  });

  it('refuses prototype-pollution keys and leaves Object.prototype alone', async () => {
    const attacks: [string, string][] = [
      ['__proto__', '"__proto__":{"polluted":"yes","isAdmin":true}'],
      ['constructor.prototype', '"constructor":{"prototype":{"polluted":"yes"}}'],
      ['a nested __proto__', '"name":{"__proto__":{"polluted":"yes"}}'],
      ['__proto__ in an array', '"items":[{"__proto__":{"polluted":"yes"}}]'],
    ];
    for (const route of bodyRoutes) {
      for (const [what, member] of attacks) {
        const example = JSON.stringify(route.example ?? {});
        // Last, so that a duplicate key of the example cannot hide it.
        const body = example === '{}' ? `{${member}}` : `${example.slice(0, -1)},${member}}`;
        await check(
          `${route.operation.name} with ${what}`,
          () => rawBody(route, body),
          (s) => s === 400,
        );
      }
      await check(
        `${route.operation.name} with "constructor": "x"`,
        () => rawBody(route, exampleWith(route, 'constructor', '"x"')),
        () => true,
      );
    }
    expect(findings).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reads duplicate keys as JSON does (the last one wins) and never fails on them', async () => {
    const created = await app
      .http()
      .post('/api/v1/license-pools')
      .set('Authorization', tenant.auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"First","name":"Duplicated","capacity":"x","capacity":0}')
      .expect(201);
    expect(created.body).toMatchObject({ name: 'Duplicated', capacity: 0 });
    for (const route of bodyRoutes) {
      const text = JSON.stringify(route.example ?? {});
      if (!text.startsWith('{') || text === '{}') continue;
      const doubled = `{${text.slice(1, -1)},${text.slice(1, -1)}}`;
      await check(
        `${route.operation.name} with every key twice`,
        () => rawBody(route, doubled),
        () => true,
      );
    }
    expect(findings).toEqual([]);
  });

  it('answers 415 to bodies that are not JSON and 4xx to bodies it cannot read', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * ONE_MB, 0x20));
    for (const route of bodyRoutes) {
      const example = JSON.stringify(route.example ?? {});
      const types = [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/octet-stream',
      ];
      for (const type of types) {
        await check(
          `${route.operation.name} as ${type}`,
          () => rawBody(route, example, { 'Content-Type': type }),
          (s) => s === 415,
        );
      }
      const untyped = await rawRequest(
        port,
        httpRequest(
          route.operation.method.toUpperCase(),
          route.path,
          route.auth ? { Authorization: route.auth } : {},
          example,
        ),
      );
      if (untyped !== 415)
        findings.push(`${route.operation.name} without a content type: ${untyped}`);
      // [what, body, headers, whether it must be refused]: UTF-16 with its charset, a BOM, and an
      // array (which /.search reads as an empty SearchRequest) may be accepted.
      const garbled: [string, Buffer | string, Record<string, string>, boolean?][] = [
        ['gzip garbage', 'not gzip at all', { 'Content-Encoding': 'gzip' }],
        ['brotli garbage', 'not brotli', { 'Content-Encoding': 'br' }],
        ['deflate garbage', 'not deflate', { 'Content-Encoding': 'deflate' }],
        ['an unknown encoding', example, { 'Content-Encoding': 'rot13' }],
        ['an 8 MB gzip bomb', bomb, { 'Content-Encoding': 'gzip' }],
        [
          'UTF-16',
          Buffer.from(example, 'utf16le'),
          { 'Content-Type': 'application/json; charset=utf-16' },
          false,
        ],
        ['a bare string', '"just a string"', {}],
        ['a number', '42', {}],
        ['null', 'null', {}],
        ['true', 'true', {}],
        ['an array', '[1,2,3]', {}, false],
        ['truncated JSON', example.slice(0, Math.max(1, example.length - 1)), {}],
        ['trailing garbage', `${example}xyz`, {}],
        ['two documents', `${example}${example}`, {}],
        ['single quotes', example.replace(/"/g, "'"), {}],
        ['a comment', `/* hi */${example}`, {}],
        ['NaN', '{"n":NaN}', {}],
        ['a BOM', `\ufeff${example}`, {}, false],
      ];
      for (const [what, body, headers, refused = true] of garbled) {
        await check(
          `${route.operation.name} with ${what}`,
          () => rawBody(route, body, { 'Content-Type': 'application/json', ...headers }),
          refused ? REFUSED : () => true,
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it('never answers 5xx to hostile path parameters and query strings', async () => {
    const pathValues = [
      '%FF',
      '%C0%AF',
      '%ED%A0%80',
      '%00',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..',
      'x'.repeat(4000),
      '00000000-0000-0000-0000-000000000000',
      ` ${tenant.ids.user[0]}`,
      (tenant.ids.user[0] ?? '').toUpperCase(),
      ...SQL_INJECTIONS.slice(0, 3).map(encodeURIComponent),
    ];
    // The most telling values on every parameter; the whole corpora in the property below.
    const queryValues = [
      "' OR 1=1 --",
      '%',
      '\\',
      "'||pg_sleep(20)||'",
      'a'.repeat(10_000),
      '\u202e',
      'true',
      '-1',
      '0',
      '1e400',
      '99999999999999999999',
      '2026-02-30T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      '0000-01-01T00:00:00Z',
    ].map(encodeURIComponent);
    const rawQueryValues = ['%FF', '%C3%28', '%00', '%E2%80%AE', '%', '%%', '%zz'];
    for (const operation of operations) {
      const path = pathFor(operation, tenant);
      if (!path) continue;
      const auth = authorizationFor(operation, tenant);
      const body =
        operation.body?.contentType === 'application/json'
          ? exampleOf(document, operation.body.schema)
          : undefined;
      const send = (url: string) => {
        let request = app.http()[operation.method](url);
        if (auth) request = request.set('Authorization', auth);
        return body === undefined
          ? request
          : request.set('Content-Type', 'application/json').send(body as object);
      };
      const notServerError = (s: number) => s < 500 || s === 501;
      if (operation.pathParameters.length > 0) {
        for (const value of pathValues) {
          const url = operation.path
            .replace(/\{[^}]+\}/, value)
            .replace(/\{[^}]+\}/g, encodeURIComponent(tenant.ids.user[0] ?? ''));
          await check(
            `${operation.method.toUpperCase()} ${url.slice(0, 120)}`,
            () => send(url),
            notServerError,
            operation.method !== 'get',
          );
        }
      }
      if (operation.method !== 'get') continue;
      // Every value on the declared parameters (and SCIM's); a few on an unknown one.
      const declared = operation.queryParameters.map((p) => p.name);
      const scimList = /^\/scim\/v2\/(Users|Groups)$/.test(operation.path);
      const names = [...declared, ...(scimList ? ['filter', 'sortBy', 'attributes'] : [])];
      const few = ['%FF', '%00', encodeURIComponent("' OR 1=1 --")];
      for (const name of [...names, 'unknown']) {
        for (const value of names.includes(name) ? [...queryValues, ...rawQueryValues] : few) {
          await check(
            `GET ${path}?${name}=${value.slice(0, 60)}`,
            () => send(`${path}?${name}=${value}`),
            notServerError,
            false,
          );
        }
        await check(
          `GET ${path} with ${name} twice`,
          () => send(`${path}?${name}=a&${name}=b`),
          notServerError,
          false,
        );
        await check(
          `GET ${path} with ${name}[x]`,
          () => send(`${path}?${name}[x]=a&${name}[]=b`),
          notServerError,
          false,
        );
      }
      for (const pollution of [
        '__proto__[polluted]=yes',
        'constructor[prototype][polluted]=yes',
        '__proto__.polluted=yes',
      ]) {
        await check(
          `GET ${path}?${pollution}`,
          () => send(`${path}?${pollution}`),
          notServerError,
          false,
        );
      }
    }
    expect(findings).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never answers 5xx to hostile query parameters (property)', async () => {
    const targets = operations.flatMap((operation) => {
      const path = pathFor(operation, tenant);
      if (operation.method !== 'get' || !path) return [];
      const names = [...operation.queryParameters.map((p) => p.name), 'filter', 'sortBy', 'q'];
      return [{ path, auth: authorizationFor(operation, tenant), names }];
    });
    const junk = fc.constantFrom(
      '%FF',
      '%C3%28',
      '%00',
      '%ED%A0%80',
      '%',
      '%zz',
      '%2',
      '+',
      '&&',
      '==',
    );
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...targets)
          .chain((target) =>
            fc.tuple(
              fc.constant(target),
              fc.array(
                fc.tuple(
                  fc.constantFrom(...target.names),
                  fc.oneof(hostileString().map(encodeURIComponent), junk),
                ),
                { minLength: 1, maxLength: 3 },
              ),
            ),
          ),
        async ([target, pairs]) => {
          const query = pairs.map(([name, value]) => `${name}=${value}`).join('&');
          let request = app.http().get(`${target.path}?${query}`);
          if (target.auth) request = request.set('Authorization', target.auth);
          const response = await request;
          const ok = response.status < 500 || response.status === 501;
          expect([target.path, query, ok]).toEqual([target.path, query, true]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('answers malformed request lines and headers with a 4xx, never a 5xx or a hang', async () => {
    const targets = operations
      .filter((o) => o.method === 'get')
      .flatMap((o) => {
        const path = pathFor(o, tenant);
        return path ? [{ path, auth: authorizationFor(o, tenant) }] : [];
      });
    const byteStrings = [
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0x00]),
      Buffer.from([0x7f]),
      Buffer.from('\u00e9', 'latin1'),
    ];
    for (const { path, auth } of targets) {
      for (const bytes of byteStrings) {
        for (const target of [
          Buffer.concat([Buffer.from(`${path}/`), bytes]),
          Buffer.concat([
            Buffer.from(`${path}?q=`),
            bytes,
            Buffer.from('&filter=userName eq "'),
            bytes,
            Buffer.from('"'),
          ]),
        ]) {
          const status = await rawRequest(
            port,
            httpRequest('GET', target, auth ? { Authorization: auth } : {}),
          );
          if (status >= 500 || status === 0)
            findings.push(`GET ${target.toString('latin1')}: ${status}`);
        }
      }
    }
    const route = bodyRoutes[0];
    if (route) {
      const weird: Record<string, string>[] = [
        { Authorization: 'Bearer \u00ff\u00fe' },
        { Authorization: `Bearer ${'a'.repeat(8000)}` },
        { Authorization: 'Basic \u00ff\u00fe' },
        { Authorization: `Basic ${Buffer.from('\u0000:\u0000').toString('base64')}` },
        { Authorization: `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}` },
        { Authorization: 'Bearer rcak_\u00ff_\u00fe' },
        { Authorization: `Bearer rcak_${'x'.repeat(200)}_y` },
        { Authorization: `Bearer rcscim_${'x'.repeat(200)}_y` },
        { 'If-Match': '\u00ff"' },
        { 'X-Request-Id': '\u00ff'.repeat(200) },
        { 'Content-Type': 'application/json; charset="utf-8' },
        { 'Content-Type': 'application/json;;;;' },
        { 'Content-Length': '-1' },
        { 'Transfer-Encoding': 'chunked', 'Content-Length': '5' },
      ];
      for (const headers of weird) {
        const status = await rawRequest(
          port,
          httpRequest(
            route.operation.method.toUpperCase(),
            route.path,
            {
              'Content-Type': 'application/json',
              ...(route.auth ? { Authorization: route.auth } : {}),
              ...headers,
            },
            JSON.stringify(route.example ?? {}),
          ),
        );
        if (status >= 500 || status === 0)
          findings.push(
            `${route.operation.name} with ${JSON.stringify(headers).slice(0, 100)}: ${status}`,
          );
      }
    }
    expect(findings).toEqual([]);
  });

  it('answers what the HTTP parser refuses in the format of the path, naming the reason', async () => {
    const long = 'a'.repeat(20_000);
    const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
    // Over Node's 16 KB limit for the request line and headers, the head in one write: the path
    // is known, so SCIM gets its envelope and the admin API problem+json.
    const scim = await rawExchange(port, [
      httpRequest('GET', `/scim/v2/Users?filter=userName%20eq%20%22${long}%22`, {}),
    ]);
    expect(scim.status).toBe(431);
    expect(scim.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(json(scim.body)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '431',
      detail: expect.stringContaining('POST /scim/v2/Users/.search'),
    });
    const admin = await rawExchange(port, [httpRequest('GET', `/api/v1/users?q=${long}`, {})]);
    expect(admin.status).toBe(431);
    expect(admin.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(json(admin.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
    // A header that is not HTTP: 400, and the parser's words for what is wrong.
    const malformed = await rawExchange(port, [
      Buffer.from('GET /scim/v2/Users HTTP/1.1\r\nHost: rollcall.test\r\nBad Header\r\n\r\n'),
    ]);
    expect(malformed.status).toBe(400);
    expect(json(malformed.body)).toMatchObject({
      status: '400',
      detail: 'The request is not valid HTTP/1.1: Invalid header token.',
    });
    // The head in two writes: the refused bytes no longer hold the request line, so the answer is
    // problem+json, still naming the reason.
    const split = await rawExchange(port, [
      Buffer.from('GET /scim/v2/Users?filter='),
      Buffer.from(`${long} HTTP/1.1\r\nHost: rollcall.test\r\n\r\n`),
    ]);
    expect(split.status).toBe(431);
    expect(json(split.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('never answers 5xx to random bytes in the request target (property)', async () => {
    const targets = [
      '/api/v1/users',
      '/scim/v2/Users',
      '/api/v1/groups',
      '/scim/v2/Groups',
      '/api/v1/scim/logs',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (target, bytes, inPath) => {
          const auth = target.startsWith('/scim') ? tenant.scimAuth : tenant.auth;
          const request = httpRequest(
            'GET',
            Buffer.concat([
              Buffer.from(inPath ? `${target}/` : `${target}?q=`),
              Buffer.from(bytes),
            ]),
            { Authorization: auth },
          );
          const status = await rawRequest(port, request);
          expect([Buffer.from(bytes).toString('hex'), status > 0 && status < 500]).toEqual([
            Buffer.from(bytes).toString('hex'),
            true,
          ]);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('never answers 5xx to mangled JSON, and a refused body changes nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodyRoutes),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(
              fc.string({ maxLength: 3 }),
              fc.constantFrom('{', '[', '"', '\\', ':', ',', '}', ']', '\\u0000', '\\ud800'),
            ),
            fc.nat(3),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (route, edits) => {
          let text = JSON.stringify(route.example ?? {});
          for (const [at, insert, remove] of edits) {
            const position = at % (text.length + 1);
            text = text.slice(0, position) + insert + text.slice(position + remove);
          }
          await check(
            `${route.operation.name} with ${text}`,
            () => rawBody(route, text),
            () => true,
          );
          expect(findings).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  /** How many of the tenant's SCIM-visible users (or groups) have a name containing `text`. */
  async function containing(table: 'users' | 'groups', text: string): Promise<number> {
    const [row] = await app.dataSource.query<{ n: number }[]>(
      table === 'users'
        ? 'SELECT count(*)::int AS n FROM users WHERE organization_id = $1 AND scim_visible AND strpos(lower(user_name), lower($2)) > 0'
        : 'SELECT count(*)::int AS n FROM groups WHERE organization_id = $1 AND strpos(lower(display_name), lower($2)) > 0',
      [tenant.id, text],
    );
    return row?.n ?? 0;
  }

  /** Whether some text field of a JSON value contains `text`, in any case. */
  function showsText(value: unknown, text: string): boolean {
    if (typeof value === 'string') return value.toLowerCase().includes(text.toLowerCase());
    if (typeof value === 'object' && value !== null) {
      return Object.values(value).some((item) => showsText(item, text));
    }
    return false;
  }

  it('finds nothing and breaks nothing with SQL injection through filters, sort, search text and cursors', async () => {
    const [{ before }] = await app.dataSource.query('SELECT count(*)::int AS before FROM users');
    const stateBefore = await state();
    // Reads only: the state is compared once, at the end.
    const read = (label: string, send: () => Promise<Response>, expected: (s: number) => boolean) =>
      check(label, send, expected, false);
    const scim = (path: string, query: Record<string, string>) =>
      app.http().get(path).query(query).set('Authorization', tenant.scimAuth);
    const admin = (path: string, query: Record<string, string>) =>
      app.http().get(path).query(query).set('Authorization', tenant.auth);
    for (const injection of SQL_INJECTIONS) {
      const quoted = JSON.stringify(injection);
      for (const resource of ['/scim/v2/Users', '/scim/v2/Groups']) {
        const attribute = resource.endsWith('Users') ? 'userName' : 'displayName';
        for (const operator of ['eq', 'co', 'sw', 'ew', 'gt', 'le']) {
          const started = Date.now();
          const response = await read(
            `${resource} ${attribute} ${operator} ${quoted}`,
            () => scim(resource, { filter: `${attribute} ${operator} ${quoted}` }),
            (s) => s === 200 || s === 400,
          );
          // pg_sleep(20) executed would take 20 s: far beyond a loaded machine's worst answer.
          if (Date.now() - started > 15_000)
            findings.push(`${resource} ${operator} ${quoted} took ${Date.now() - started} ms`);
          // The text is a literal: "co" matches exactly the names that contain it, and the other
          // text operators match no more than that.
          const literal = await containing(
            resource.endsWith('Users') ? 'users' : 'groups',
            injection,
          );
          const total = response.status === 200 ? (response.body.totalResults as number) : 0;
          if (
            operator === 'co'
              ? total !== literal
              : ['eq', 'sw', 'ew'].includes(operator) && total > literal
          ) {
            findings.push(
              `${resource} ${attribute} ${operator} ${quoted} matched ${total}, not ${literal}`,
            );
          }
        }
        await read(
          `${resource} sortBy=${injection}`,
          () => scim(resource, { sortBy: injection }),
          (s) => s === 400,
        );
        await read(
          `${resource} sortOrder=${injection}`,
          () => scim(resource, { sortOrder: injection }),
          (s) => s === 400,
        );
        await read(
          `${resource} attributes=${injection}`,
          () => scim(resource, { attributes: injection }),
          (s) => s === 200 || s === 400,
        );
        await read(
          `${resource} raw filter ${injection}`,
          () => scim(resource, { filter: injection }),
          (s) => s === 400,
        );
      }
      const search = await read(
        `users q=${injection}`,
        () => admin('/api/v1/users', { q: injection }),
        (s) => s === 200,
      );
      // Every user found shows the text somewhere (a name, the email): it was searched as text.
      for (const user of search.status === 200 ? (search.body.data as unknown[]) : []) {
        if (!showsText(user, injection)) {
          findings.push(`users q=${injection} found ${JSON.stringify(user).slice(0, 200)}`);
        }
      }
      await read(
        `users sort=${injection}`,
        () => admin('/api/v1/users', { sort: injection }),
        (s) => s === 400,
      );
      await read(
        `users cursor=${injection}`,
        () => admin('/api/v1/users', { cursor: injection }),
        (s) => s === 400,
      );
      await read(
        `users export q=${injection}`,
        () => admin('/api/v1/users/export.csv', { q: injection }),
        (s) => s === 200,
      );
      for (const sort of ['userName', 'createdAt', 'lastLoginAt']) {
        // A forged cursor: well-formed JSON in base64url, with the injection as the sort key.
        const cursor = Buffer.from(JSON.stringify([sort, injection, tenant.ids.user[0]])).toString(
          'base64url',
        );
        await read(
          `users sort=${sort} forged cursor ${injection}`,
          () => admin('/api/v1/users', { sort, cursor }),
          (s) => s === 200 || s === 400,
        );
      }
      const groupsCursor = Buffer.from(`${injection}|${tenant.ids.group[0]}`).toString('base64url');
      await read(
        `groups forged cursor ${injection}`,
        () => admin('/api/v1/groups', { cursor: groupsCursor }),
        (s) => s === 400,
      );
      await read(
        `scim logs resourceType=${injection}`,
        () => admin('/api/v1/scim/logs', { resourceType: injection }),
        (s) => s === 400,
      );
    }
    expect(findings).toEqual([]);
    expect(snapshotDifference(stateBefore, await state())).toBeUndefined();
    const [{ after }] = await app.dataSource.query('SELECT count(*)::int AS after FROM users');
    expect(after).toBe(before);
    const tables: { n: number }[] = await app.dataSource.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('users', 'license_pools', 'admin_api_keys')",
    );
    expect(tables[0]?.n).toBe(3);
  });
});

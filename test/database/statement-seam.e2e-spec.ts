import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { driverPool, observeStatements } from '@rollcall/common';
import { ProvisioningLogService } from '@rollcall/integration';
import { OutboxWorker } from '@rollcall/notifications';
import { aScimTenant, aTenant, operatorAuth } from '../support/factories';
import { fetchOpenApi, operationsOf } from '../support/openapi';
import {
  base64,
  configureSaml,
  postAcs,
  samlResponseXml,
  sessionCookie,
  spUrls,
} from '../support/saml';
import { scimClient, scimUsers } from '../support/scim-client';
import { aPopulatedTenant, authorizationFor, pathFor } from '../support/security-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Every statement the application sends is reported to the statement log (`noteStatement`):
 * `runStatement` reports its own before it takes a connection, and TypeORM's logger
 * (`StatementLogger`) reports everything TypeORM sends. Nothing checks that no code path talks to
 * the database some third way (`pool.query` on the driver's pool, a `pg.Client` of its own,
 * PGlite's own query API), and such a statement would escape every observer (tests, diagnostics).
 *
 * This suite listens where the statements leave the process: for PostgreSQL, pg's `Connection`,
 * which serializes every message a pg client sends (`_send`); for the embedded database, PGlite's
 * `execProtocolRawSync`, through which every message reaches its backend, whether the pg adapter
 * sent it or PGlite's own `query`/`exec`. It reads the SQL text of each Query and Parse message
 * and requires that the statement log announced that very text first. From the app's boot (its
 * migration check, TypeORM's version queries) through SCIM, admin, SAML, metrics and background
 * work (the outbox worker, the provisioning log) to its shutdown (which flushes that log), no
 * exception is needed: TypeORM runs BEGIN, COMMIT, ROLLBACK, SAVEPOINT and SET through its query
 * runner's `query`, so its logger reports them too. The only messages left out are PGlite's own
 * catalogue read when it starts (`_initArrayTypes`, which loads its client-side array parsers):
 * the engine's, not the application's.
 *
 * On the embedded database by default and on PostgreSQL when DATABASE_URL is set.
 */
describe('the statement seam', () => {
  let database: TestDatabase;
  let tap: DriverTap;
  let app: TestApp;

  beforeAll(async () => {
    // The database exists before the tap, and is dropped after it: every statement the tap
    // sees is the app's (or this suite's own, through the app's data source).
    database = await createTestDatabase();
    tap = tapDriver();
    app = await startTestApp(
      // The worker on, so that its rounds are watched too (mail goes to the log: no SMTP_URL).
      { outbox: { worker: true, pollIntervalMs: 20, maxAttempts: 3 } },
      // startTestApp's way to boot on a database that already exists: only its config is read.
      { config: testConfig(database.config) } as TestApp,
    );
  });
  afterAll(async () => {
    try {
      await app?.close();
      // What the app sent while shutting down (the provisioning log's last flush) counts too.
      expect({ unannouncedAtShutdown: tap.takeUnannounced() }).toEqual({
        unannouncedAtShutdown: [],
      });
    } finally {
      tap?.restore();
      await database?.drop();
    }
  });

  it('announced every statement of the boot', () => {
    // TypeORM's reads of the migrations table, before the app serves anything.
    expect(tap.sent.some((text) => /\bFROM "migrations"/.test(text))).toBe(true);
    expect(tap.takeUnannounced()).toEqual([]);
  });

  it('announces every statement of SCIM, admin, SAML, metrics and background work', async () => {
    const tenant = await aScimTenant(app, 'bearer');
    const admin = (method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string) =>
      app.http()[method](path).set('Authorization', tenant.auth);
    const scim = scimClient(app, tenant);

    // Pools, and SCIM users (the hand-written INSERT), read, searched, replaced, patched.
    const sales = (
      await admin('post', '/api/v1/license-pools').send({ name: 'Sales', capacity: 3 }).expect(201)
    ).body as { id: string };
    await admin('patch', `/api/v1/license-pools/${sales.id}`).send({ capacity: 4 }).expect(200);
    const [ann, bob, cid] = await scimUsers(
      scim,
      ['ann@example.com', 'bob@example.com', 'cid@example.com'],
      { emails: [{ value: 'work@example.com', type: 'work', primary: true }] },
    );
    await scim.get('/Users', { filter: 'userName eq "ann@example.com"' }).expect(200);
    await scim.post('/Users/.search', { filter: 'emails.value eq "work@example.com"' }).expect(200);
    await scim.get(`/Users/${bob}`).expect(200);
    await scim
      .put(`/Users/${bob}`, { userName: 'bob@example.com', name: { givenName: 'Bob' } })
      .expect(200);
    await scim
      .patch(`/Users/${cid}`, [{ op: 'replace', path: 'active', value: false }])
      .expect(200);

    // SCIM groups: created with members, members added and removed by PATCH.
    const engineering = (
      await scim
        .post('/Groups', { displayName: 'Engineering', members: [{ value: ann }] })
        .expect(201)
    ).body as { id: string };
    await scim
      .patch(`/Groups/${engineering.id}`, [
        { op: 'add', path: 'members', value: [{ value: bob }, { value: cid }] },
      ])
      .expect((r) => expect(r.status).toBeLessThan(300));
    await scim
      .patch(`/Groups/${engineering.id}`, [{ op: 'remove', path: `members[value eq "${cid}"]` }])
      .expect((r) => expect(r.status).toBeLessThan(300));
    await scim.get('/Groups', { filter: 'displayName eq "Engineering"' }).expect(200);

    // Admin: the user list (filters, sorts, pages), the export, a pool move, the lifecycle.
    await admin('get', '/api/v1/users').expect(200);
    await admin('get', '/api/v1/users')
      .query({ q: 'example', sort: '-lastLoginAt', limit: 1, status: 'active' })
      .expect(200);
    await admin('get', '/api/v1/users')
      .query({ groupId: engineering.id, sort: 'userName' })
      .expect(200);
    await admin('get', '/api/v1/users/export.csv').expect(200);
    await admin('patch', `/api/v1/users/${ann}`).send({ licensePoolId: sales.id }).expect(200);
    await admin('get', `/api/v1/users/${ann}`).expect(200);
    // Deleting a pool moves its users to the default pool (UsersRepository.moveAllToPool).
    await admin('delete', `/api/v1/license-pools/${sales.id}`).expect(204);

    // Admin groups, API keys, the organization, the SCIM integration and its log.
    const cohort = (
      await admin('post', '/api/v1/groups').send({ displayName: 'Cohort' }).expect(201)
    ).body as { id: string };
    await admin('post', `/api/v1/groups/${cohort.id}/members`)
      .send({ userIds: [ann, bob] })
      .expect((r) => expect(r.status).toBeLessThan(300));
    await admin('delete', `/api/v1/groups/${cohort.id}/members/${bob}`).expect(204);
    await admin('get', `/api/v1/groups/${cohort.id}`).expect(200);
    const key = (
      await admin('post', '/api/v1/admin-api-keys').send({ name: 'terraform' }).expect(201)
    ).body as { id: string };
    await admin('delete', `/api/v1/admin-api-keys/${key.id}`).expect((r) =>
      expect(r.status).toBeLessThan(300),
    );
    await admin('patch', '/api/v1/organization').send({ name: 'Renamed' }).expect(200);
    await app.app.get(ProvisioningLogService).flush();
    await admin('get', '/api/v1/scim/logs').expect(200);
    await admin('post', '/api/v1/scim/integration/rotate').expect((r) =>
      expect(r.status).toBeLessThan(300),
    );

    // SAML: settings, the metadata, SP-initiated login, a just-in-time sign-in, home, logout.
    const saml = await aTenant(app);
    await configureSaml(app, saml.adminApiKey);
    await app.http().get(`/sso/saml/${saml.slug}/metadata`).expect(200);
    await app.http().get(`/sso/saml/${saml.slug}/login`).expect(302);
    const signedIn = await postAcs(
      app,
      saml.slug,
      base64(samlResponseXml({ sp: spUrls(app, saml.slug), email: 'jit@example.com' })),
    ).expect(303);
    const cookie = sessionCookie(signedIn);
    await app.http().get('/home').set('Cookie', cookie).expect(200);
    await app.http().post('/sso/logout').set('Cookie', cookie).expect(200);
    await app.http().get('/api/v1/sso/sign-ins').set('Authorization', saml.auth).expect(200);
    // The admin lifecycle, on the person SSO created (SCIM's users are the IdP's to change).
    const [jit] = (
      await app.http().get('/api/v1/users').set('Authorization', saml.auth).expect(200)
    ).body.data as { id: string }[];
    for (const action of ['deactivate', 'reactivate', 'deactivate', 'anonymize']) {
      await app
        .http()
        .post(`/api/v1/users/${jit?.id}/${action}`)
        .set('Authorization', saml.auth)
        .expect(200);
    }

    // The operator, probes, metrics, and a round of the outbox worker by hand.
    await app.http().get('/api/v1/organizations').set('Authorization', operatorAuth()).expect(200);
    await app.http().get('/health/ready').expect(200);
    await app.http().get('/metrics').expect(200);
    await app.app.get(OutboxWorker).drainOnce();

    // The requests did reach both paths of the seam: runStatement's own (the SCIM INSERT, the pool
    // move) and TypeORM's (its query builders, its transactions).
    expect(tap.sent.some((text) => /^\s*WITH u AS \(INSERT INTO users \(/.test(text))).toBe(true);
    expect(
      tap.sent.some((text) =>
        text.startsWith('UPDATE users SET license_pool_id = $1 WHERE license_pool_id = $2'),
      ),
    ).toBe(true);
    expect(tap.sent).toContain('START TRANSACTION');
    expect(tap.takeUnannounced()).toEqual([]);
  });

  it('announces every statement of every documented GET route', async () => {
    const tenant = await aPopulatedTenant(app);
    const document = await fetchOpenApi(app);
    const called: string[] = [];
    // (501: /scim/v2/Me, not implemented for anyone.)
    for (const operation of operationsOf(document).filter((o) => o.method === 'get')) {
      const path = pathFor(operation, tenant);
      if (!path) continue;
      const authorization = authorizationFor(operation, tenant);
      const request = app.http().get(path);
      if (authorization) request.set('Authorization', authorization);
      const response = await request;
      expect({
        route: operation.name,
        serverError: response.status >= 500 && response.status !== 501,
      }).toEqual({
        route: operation.name,
        serverError: false,
      });
      called.push(operation.name);
    }
    expect(called.length).toBeGreaterThan(20);
    expect(tap.takeUnannounced()).toEqual([]);
  });

  it('notices a statement sent past the seam (the check itself works)', async () => {
    const pool = driverPool(app.dataSource);
    await pool.query('SELECT 1 AS sent_past_the_seam');
    const client = await pool.connect();
    try {
      await client.query('SELECT $1::int AS also_past_the_seam', [2]);
    } finally {
      client.release();
    }
    const expected = ['SELECT 1 AS sent_past_the_seam', 'SELECT $1::int AS also_past_the_seam'];
    // On the embedded database, PGlite's own API as well.
    const embedded = (pool as { embedded?: { pglite: PGlite } }).embedded;
    if (embedded) {
      await embedded.pglite.query('SELECT 3 AS straight_to_pglite');
      expected.push('SELECT 3 AS straight_to_pglite');
    }
    expect(tap.takeUnannounced()).toEqual(expected);
  });
});

interface DriverTap {
  /** The SQL text of every Query and Parse message sent since the tap went on, in order. */
  readonly sent: string[];
  /** Statements sent that the statement log had not announced, since the last call. */
  takeUnannounced(): string[];
  restore(): void;
}

/**
 * Listens to what this process sends to a database (see the suite's comment for where), and to
 * the statement log; a statement sent is announced when the log saw the same text before it and
 * that announcement has not been used up by another statement sent.
 */
function tapDriver(): DriverTap {
  const announced = new Map<string, number>();
  const sent: string[] = [];
  let unannounced: string[] = [];
  const stopObserving = observeStatements((text) =>
    announced.set(text, (announced.get(text) ?? 0) + 1),
  );
  const reached = (message: Uint8Array) => {
    for (const text of sqlTexts(message)) {
      sent.push(text);
      const pending = announced.get(text) ?? 0;
      if (pending > 0) announced.set(text, pending - 1);
      else unannounced.push(text);
    }
  };

  const restores: (() => void)[] = [stopObserving];
  // PostgreSQL: every message a pg client sends is serialized by its Connection and written by
  // `_send` (only the startup, SSL and flush messages, none with SQL, go to the socket directly).
  const connection = pg.Connection.prototype as unknown as { _send(buffer: Buffer): boolean };
  restores.push(
    replace(
      connection,
      '_send',
      (original) =>
        function (this: unknown, buffer: Buffer) {
          reached(buffer);
          return original.call(this, buffer);
        },
    ),
  );
  // Embedded: PGlite hands every message to its backend through execProtocolRawSync, except its
  // own catalogue read as it starts (`_initArrayTypes`, awaited before it answers anything else).
  let engineOwn = 0;
  const engine = PGlite.prototype as unknown as {
    execProtocolRawSync(message: Uint8Array): Uint8Array;
    _initArrayTypes(options?: { force?: boolean }): Promise<void>;
  };
  restores.push(
    replace(
      engine,
      '_initArrayTypes',
      (original) =>
        async function (this: unknown, options?: { force?: boolean }) {
          engineOwn += 1;
          try {
            return await original.call(this, options);
          } finally {
            engineOwn -= 1;
          }
        },
    ),
    replace(
      engine,
      'execProtocolRawSync',
      (original) =>
        function (this: unknown, message: Uint8Array) {
          if (engineOwn === 0) reached(message);
          return original.call(this, message);
        },
    ),
  );
  return {
    sent,
    takeUnannounced() {
      const taken = unannounced;
      unannounced = [];
      return taken;
    },
    restore() {
      for (const restore of restores.splice(0).reverse()) restore();
    },
  };
}

/** Replaces a method for as long as the answer is not called, then puts the original back. */
function replace<T extends object, K extends keyof T>(
  target: T,
  key: K,
  make: (original: T[K]) => T[K],
): () => void {
  const own = Object.getOwnPropertyDescriptor(target, key);
  target[key] = make(target[key]);
  return () => {
    if (own) Object.defineProperty(target, key, own);
    else Reflect.deleteProperty(target, key);
  };
}

const QUERY = 'Q'.charCodeAt(0);
const PARSE = 'P'.charCodeAt(0);

/**
 * The SQL text of the Query (simple protocol) and Parse (extended protocol) messages among
 * PostgreSQL frontend messages: each a type byte, an int32 length that counts itself, the body.
 */
function sqlTexts(message: Uint8Array): string[] {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  // A startup or cancel request has no type byte: it starts with its int32 length (< 2^24).
  if (bytes[0] === 0) return [];
  const texts: string[] = [];
  for (let at = 0; at + 5 <= bytes.length;) {
    const type = bytes[at];
    const length = bytes.readInt32BE(at + 1);
    const body = bytes.subarray(at + 5, at + 1 + length);
    if (type === QUERY) texts.push(cString(body, 0).text);
    // Parse: the statement's name, then its text.
    else if (type === PARSE) texts.push(cString(body, cString(body, 0).next).text);
    at += 1 + length;
  }
  return texts;
}

function cString(body: Buffer, from: number): { text: string; next: number } {
  const end = body.indexOf(0, from);
  return { text: body.toString('utf8', from, end), next: end + 1 };
}

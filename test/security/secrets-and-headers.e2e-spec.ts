import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Response } from 'supertest';
import { OutboxWorker } from '@rollcall/notifications';
import { ProvisioningLogService } from '@rollcall/integration';
import { operatorAuth, uniqueSlug } from '../support/factories';
import {
  base64,
  configureSaml,
  postAcs,
  samlResponseXml,
  sessionCookie,
  spUrls,
} from '../support/saml';
import { scimClient } from '../support/scim-client';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from '../support/test-app';

/**
 * Secrets never reach the log or the database in the clear, every secret is compared in constant
 * time, and every response carries helmet's headers and no CORS grant.
 */
const ROOT = join(__dirname, '..', '..');
const METRICS_TOKEN = 'metrics-token-for-the-secrets-test-0123456789';
const USER_PASSWORD = 'Correct-Horse-Battery-Staple-42!';
const OPERATOR_FAILURES = 3;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
/** A presented secret of the right shape with its last characters changed. */
const tampered = (secret: string) =>
  secret.replace(/.{4}$/, (end) => (end === 'AAAA' ? 'BBBB' : 'AAAA'));
/** The random part of an issued key or token (`rcak_<keyId>_<secret>`, `rcscim_<id>_<secret>`). */
const secretPart = (key: string) => /^rc(?:ak|scim)_[A-Za-z0-9]{12}_(.+)$/.exec(key)?.[1] ?? key;

describe('secrets in logs and at rest', () => {
  let app: TestApp;
  const lines: string[] = [];
  /** Every secret value the flow handled (issued, presented, or wrong), with a label for failures. */
  const secrets = new Map<string, string>();
  const remember = (label: string, value: string) => {
    secrets.set(value, label);
    const part = secretPart(value);
    if (part !== value) secrets.set(part, `${label} (random part)`);
  };
  /** Issued secrets and the keys they belong to, to check what the database holds. */
  const adminKeys: string[] = [];
  const scimSecrets: { organizationId: string; secret: string; current: boolean }[] = [];
  const sessions: string[] = [];
  /** What web_sessions held while the session was open (signing out deletes the row). */
  const storedSessionHashes: string[] = [];
  const statuses = new Set<number>();
  const track = async (request: Promise<Response>): Promise<Response> => {
    const response = await request;
    statuses.add(response.status);
    return response;
  };

  beforeAll(async () => {
    app = await startTestApp({
      logLevel: 'trace',
      logSink: { write: (line: string) => void lines.push(line) },
      metricsToken: METRICS_TOKEN,
      rateLimits: {
        windowSeconds: 60,
        scim: 1_000,
        admin: 1_000,
        operatorAuthFailures: OPERATOR_FAILURES,
      },
    });
    remember('operator token', OPERATOR_TOKEN);
    remember('metrics token', METRICS_TOKEN);
    remember('SCIM user password attribute', USER_PASSWORD);
    await runBroadFlow();
  }, 180_000); // some 80 requests and a SAML sign-in, on two cores shared with another test file
  afterAll(() => app.close());

  const http = () => app.http();
  const createOrganization = async () => {
    const slug = uniqueSlug('sec');
    const response = await track(
      http()
        .post('/api/v1/organizations')
        .set('Authorization', operatorAuth())
        .send({ name: `Org ${slug}`, slug, plan: 'enterprise', totalLicenses: 20 }),
    );
    expect(response.status).toBe(201);
    const body = response.body as { id: string; adminApiKey: string };
    remember('admin API key', body.adminApiKey);
    adminKeys.push(body.adminApiKey);
    return { id: body.id, slug, auth: `Bearer ${body.adminApiKey}`, key: body.adminApiKey };
  };
  const enableScim = async (
    organization: { id: string; auth: string },
    authMethod: 'bearer' | 'basic',
  ) => {
    const response = await track(
      http()
        .post('/api/v1/scim/integration')
        .set('Authorization', organization.auth)
        .send({ idp: 'okta', authMethod }),
    );
    expect(response.status).toBe(201);
    return credentialsOf(organization.id, response.body as ScimCredentialsBody);
  };
  const rotateScim = async (organization: { id: string; auth: string }, gracePeriodHours = 0) => {
    const response = await track(
      http()
        .post('/api/v1/scim/integration/rotate')
        .set('Authorization', organization.auth)
        .send({ gracePeriodHours }),
    );
    expect(response.status).toBe(201);
    return credentialsOf(organization.id, response.body as ScimCredentialsBody);
  };
  interface ScimCredentialsBody {
    token?: string;
    username?: string;
    password?: string;
  }
  const credentialsOf = (organizationId: string, body: ScimCredentialsBody): string => {
    for (const entry of scimSecrets) {
      if (entry.organizationId === organizationId) entry.current = false;
    }
    if (body.token) {
      remember('SCIM bearer token', body.token);
      scimSecrets.push({ organizationId, secret: secretPart(body.token), current: true });
      return `Bearer ${body.token}`;
    }
    remember('SCIM basic password', body.password!);
    const header = basic(body.username!, body.password!);
    remember('SCIM basic Authorization header', header.slice('Basic '.length));
    scimSecrets.push({ organizationId, secret: body.password!, current: true });
    return header;
  };

  /** Organizations, admin keys, SCIM on/rotate/off in both auth methods, failures and errors. */
  async function runBroadFlow(): Promise<void> {
    const acme = await createOrganization();
    const other = await createOrganization();

    // A second admin key, used, revoked, and refused afterwards.
    const created = await track(
      http().post('/api/v1/admin-api-keys').set('Authorization', acme.auth).send({ name: 'ci' }),
    );
    const second = (created.body as { id: string; key: string }).key;
    remember('second admin API key', second);
    adminKeys.push(second);
    const support = await track(
      http()
        .post(`/api/v1/organizations/${acme.id}/admin-api-keys`)
        .set('Authorization', operatorAuth())
        .send({ name: 'support' }),
    );
    const supportKey = (support.body as { key: string }).key;
    remember('operator-issued admin API key', supportKey);
    adminKeys.push(supportKey);
    await track(http().get('/api/v1/organization').set('Authorization', `Bearer ${second}`));
    await track(
      http()
        .delete(`/api/v1/admin-api-keys/${(created.body as { id: string }).id}`)
        .set('Authorization', acme.auth),
    );
    expect(
      (await track(http().get('/api/v1/organization').set('Authorization', `Bearer ${second}`)))
        .status,
    ).toBe(401);

    // Wrong admin secrets of every shape, and secrets where they do not belong.
    for (const wrong of [tampered(acme.key), `${acme.key}x`, 'rcak_nonsense']) {
      remember('wrong admin API key', wrong);
      const response = await track(
        http().get('/api/v1/license-pools').set('Authorization', `Bearer ${wrong}`),
      );
      expect(response.status).toBe(401);
    }
    await track(http().get('/api/v1/users').set('X-Api-Key', acme.key));
    await track(http().get(`/api/v1/users?access_token=${acme.key}`));
    await track(
      http()
        .post('/api/v1/license-pools')
        .set('Authorization', acme.auth)
        .set('Content-Type', 'application/json')
        .send(`{"name": "${acme.key}", "capacity": `),
    );
    await track(
      http()
        .post('/api/v1/license-pools')
        .set('Authorization', acme.auth)
        .send({ name: 'Pool', capacity: 2, password: acme.key }),
    );

    // SCIM over a bearer token: provisioning, rotation (the old token stops), disabling.
    let scimAuth = await enableScim(acme, 'bearer');
    let scim = scimClient(app, { scimAuth });
    const alice = await track(
      scim.post('/Users', {
        userName: 'alice@acme.example',
        password: USER_PASSWORD,
        emails: [{ value: 'alice@acme.example', type: 'work', primary: true }],
      }),
    );
    expect(alice.status).toBe(201);
    const aliceId = (alice.body as { id: string }).id;
    await track(scim.get('/Users', { filter: 'userName eq "alice@acme.example"' }));
    await track(scim.post('/Groups', { displayName: 'Readers', members: [{ value: aliceId }] }));
    await track(scim.patch(`/Users/${aliceId}`, [{ op: 'replace', path: 'title', value: 'CTO' }]));
    await track(scim.patch(`/Users/${aliceId}`, [{ op: 'replace', value: { active: false } }]));
    await track(scim.patch(`/Users/${aliceId}`, [{ op: 'replace', value: { active: true } }]));
    const oldBearer = scimAuth;
    scimAuth = await rotateScim(acme);
    expect((await track(scimClient(app, { scimAuth: oldBearer }).get('/Users'))).status).toBe(401);
    const tamperedBearer = tampered(scimAuth);
    remember('wrong SCIM bearer token', tamperedBearer.slice('Bearer '.length));
    expect((await track(scimClient(app, { scimAuth: tamperedBearer }).get('/Users'))).status).toBe(
      401,
    );
    scim = scimClient(app, { scimAuth });
    expect((await track(scim.get(`/Users/${aliceId}`))).status).toBe(200);
    await track(http().delete('/api/v1/scim/integration').set('Authorization', acme.auth));
    expect((await track(scim.get('/Users'))).status).toBe(401);

    // SCIM over HTTP Basic: wrong password, the password as a bearer token, rotation.
    scimAuth = await enableScim(acme, 'basic');
    scim = scimClient(app, { scimAuth });
    expect((await track(scim.get(`/Users/${aliceId}`))).status).toBe(200);
    const [username, password] = Buffer.from(scimAuth.slice('Basic '.length), 'base64')
      .toString('utf8')
      .split(':') as [string, string];
    const wrongPassword = tampered(password);
    remember('wrong SCIM basic password', wrongPassword);
    expect(
      (await track(scimClient(app, { scimAuth: basic(username, wrongPassword) }).get('/Users')))
        .status,
    ).toBe(401);
    expect(
      (await track(scimClient(app, { scimAuth: `Bearer ${password}` }).get('/Users'))).status,
    ).toBe(401);
    await track(
      http()
        .get('/scim/v2/Users')
        .set('Authorization', `Basic ${Buffer.from(password).toString('base64')}`),
    );
    const oldBasic = scimAuth;
    // With a grace period: the old credentials keep working (and are kept as a digest, below).
    scimAuth = await rotateScim(acme, 24);
    expect((await track(scimClient(app, { scimAuth: oldBasic }).get('/Users'))).status).toBe(200);
    scim = scimClient(app, { scimAuth });
    await track(scim.put(`/Users/${aliceId}`, { userName: 'alice@acme.example', active: true }));
    await track(scim.post('/Users', { userName: 'alice@acme.example', password: USER_PASSWORD }));
    await track(scim.get('/Users', { filter: `userName eq "${password}"` }));

    // Another tenant's SCIM credentials on acme's ids.
    const otherScim = scimClient(app, { scimAuth: await enableScim(other, 'bearer') });
    expect((await track(otherScim.get(`/Users/${aliceId}`))).status).toBe(404);

    // SAML SSO: a signed assertion (a bearer credential) opens a session held in a cookie.
    const sso = await createOrganization();
    await configureSaml(app, sso.key);
    const assertion = base64(
      samlResponseXml({ sp: spUrls(app, sso.slug), email: 'sso.person@example.com' }),
    );
    remember('signed SAML response', assertion);
    const signedIn = await track(postAcs(app, sso.slug, assertion, '/home'));
    expect(signedIn.status).toBe(303);
    const cookie = sessionCookie(signedIn);
    const sessionToken = cookie.slice(cookie.indexOf('=') + 1);
    remember('session token', sessionToken);
    sessions.push(sessionToken);
    expect((await track(http().get('/home').set('Cookie', cookie))).status).toBe(200);
    storedSessionHashes.push(
      ...(
        await app.dataSource.query<{ token_hash: string }[]>('SELECT token_hash FROM web_sessions')
      ).map((row) => row.token_hash),
    );
    const replayed = await track(postAcs(app, sso.slug, assertion, '/home'));
    expect(replayed.status).toBe(400);
    const wrongSession = `rollcall_session=${tampered(sessionToken)}`;
    remember('wrong session token', tampered(sessionToken));
    expect((await track(http().get('/home').set('Cookie', wrongSession))).status).toBe(401);
    await track(http().post('/sso/logout').set('Cookie', cookie));
    expect((await track(http().get('/home').set('Cookie', cookie))).status).toBe(401);

    // The reactivation email, delivered to the log (recipient and text at debug level).
    expect(await app.app.get(OutboxWorker).drainOnce()).toBeGreaterThanOrEqual(1);

    // /metrics with a wrong and with the right token.
    remember('wrong metrics token', tampered(METRICS_TOKEN));
    await track(
      http()
        .get('/metrics')
        .set('Authorization', `Bearer ${tampered(METRICS_TOKEN)}`),
    );
    await track(http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`));

    // Unexpected errors while authenticating (a table gone), logged with their cause.
    await app.dataSource.query('ALTER TABLE admin_api_keys RENAME TO admin_api_keys_away');
    await app.dataSource.query('ALTER TABLE scim_integrations RENAME TO scim_integrations_away');
    // SCIM credentials are cached; a signal makes every instance forget them (and read again), and
    // within a second it has reached this one (libs/integration's ScimCredentialCache).
    await app.dataSource.query(`SELECT pg_notify('rollcall_scim_credentials', '')`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      expect(
        (await track(http().get('/api/v1/users').set('Authorization', acme.auth))).status,
      ).toBe(500);
      expect((await track(scim.get('/Users'))).status).toBe(500);
    } finally {
      await app.dataSource.query('ALTER TABLE admin_api_keys_away RENAME TO admin_api_keys');
      await app.dataSource.query('ALTER TABLE scim_integrations_away RENAME TO scim_integrations');
    }
    expect((await track(scim.get('/Users'))).status).toBe(200);

    // Guessing the operator token until the operator API pauses.
    for (let i = 0; i <= OPERATOR_FAILURES; i += 1) {
      const guess = `rcop_${tampered(OPERATOR_TOKEN.slice(5))}${i}`;
      remember('wrong operator token', guess);
      await track(http().get('/api/v1/organizations').set('Authorization', `Bearer ${guess}`));
    }
    await app.app.get(ProvisioningLogService).flush();
  }

  it('captured a broad log: every level down to debug, failures and unexpected errors', () => {
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining([200, 201, 204, 400, 401, 404, 409, 429, 500]),
    );
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(60);
    const levels = new Set(entries.map((entry) => entry.level));
    expect([...levels]).toEqual(expect.arrayContaining([20, 30, 50]));
    expect(entries.some((e) => e.msg === 'request failed' && e.err !== undefined)).toBe(true);
    expect(entries.some((e) => e.msg === 'email' && e.level === 20)).toBe(true);
    const logged = (status: number) =>
      entries.some((e) => (e.res as { statusCode?: number } | undefined)?.statusCode === status);
    for (const status of [401, 429, 500]) expect([status, logged(status)]).toEqual([status, true]);
  });

  it('never writes a secret, or the digest of one, to the log', () => {
    const log = lines.join('');
    expect(secrets.size).toBeGreaterThan(20);
    const leaked = [...secrets]
      .filter(([value]) => log.includes(value) || log.includes(sha256(value)))
      .map(([, label]) => label);
    expect(leaked).toEqual([]);
  });

  it('stores issued secrets only as SHA-256 digests', async () => {
    const keys = await app.dataSource.query<{ key_id: string; secret_hash: string }[]>(
      'SELECT key_id, secret_hash FROM admin_api_keys',
    );
    for (const key of adminKeys) {
      const [, keyId, secret] = /^rcak_([A-Za-z0-9]{12})_(.+)$/.exec(key) ?? [];
      expect(keys.find((row) => row.key_id === keyId)?.secret_hash).toBe(sha256(secret));
    }
    const integrations = await app.dataSource.query<
      { organization_id: string; secret_hash: string }[]
    >('SELECT organization_id, secret_hash FROM scim_integrations');
    const current = scimSecrets.filter((s) => s.current);
    expect(current).toHaveLength(2);
    for (const { organizationId, secret } of current) {
      expect(integrations.find((r) => r.organization_id === organizationId)?.secret_hash).toBe(
        sha256(secret),
      );
    }
    // The credentials a rotation replaced, working during its grace period.
    const previous = await app.dataSource.query<{ secret_hash: string }[]>(
      'SELECT secret_hash FROM scim_previous_credentials',
    );
    expect(previous).toHaveLength(1);
    const replaced = scimSecrets.filter((s) => !s.current).map((s) => sha256(s.secret));
    expect(replaced).toContain(previous[0]?.secret_hash);
    expect(sessions).toHaveLength(1);
    expect(storedSessionHashes).toEqual(sessions.map(sha256));
  });

  it('keeps no secret in the clear in any row of any table', async () => {
    const tables = await app.dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.length).toBeGreaterThan(8);
    const leaks: string[] = [];
    for (const { table_name: table } of tables) {
      const rows = await app.dataSource.query<{ row: string }[]>(
        `SELECT t::text AS row FROM "${table}" t`,
      );
      for (const { row } of rows) {
        for (const [value, label] of secrets) {
          if (row.includes(value)) leaks.push(`${label} in ${table}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('constant-time secret comparisons', () => {
  /** Application source: apps/ and libs/, without tests. */
  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
      return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
    });
  }
  const files = [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))].map(
    (path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }),
  );
  const HELPER = 'libs/common/src/security/secrets.ts';

  it('compares bytes with timingSafeEqual in one helper only', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => f.text.includes('timingSafeEqual')).map((f) => f.path)).toEqual([
      HELPER,
    ]);
  });

  it('checks every presented secret through the helper', () => {
    const callers = files
      .filter((f) => /\b(secretMatchesHash|secretsEqual)\(/.test(f.text) && f.path !== HELPER)
      .map((f) => f.path);
    expect(callers).toEqual(
      expect.arrayContaining([
        'libs/tenancy/src/admin-api-keys/admin-api-keys.service.ts', // admin API keys
        'libs/tenancy/src/auth/strategies.ts', // the operator token
        'libs/integration/src/settings/scim-integration.service.ts', // SCIM bearer and basic
        'libs/operations/src/metrics/metrics.controller.ts', // the metrics token
      ]),
    );
  });

  it('never compares a secret, token, password or hash with an ordinary operator', () => {
    const secretName = String.raw`[\w.]*(?:secret|token|password|hash)\w*`;
    const operator = String.raw`\s*(?:===|!==|==|!=)\s*`;
    const harmless = /^(?:undefined|null|''|""|\d+)$/;
    const offences: string[] = [];
    for (const { path, text } of files) {
      text.split('\n').forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, '');
        const pattern = new RegExp(
          `(${secretName})${operator}([\\w.'"]+)|([\\w.'"]+)${operator}(${secretName})`,
          'gi',
        );
        for (const match of code.matchAll(pattern)) {
          const [name, other] = match[1] ? [match[1], match[2]] : [match[4], match[3]];
          if (harmless.test(other) || /\.length$/i.test(name)) continue;
          offences.push(`${path}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offences).toEqual([]);
  });

  it('never looks a credential up by its secret digest in SQL', () => {
    const lookups = files
      .filter((f) => /secret_hash\s*(?:=|IN\b)/i.test(f.text))
      .map((f) => f.path);
    expect(lookups).toEqual([]);
  });
});

describe('security headers and CORS', () => {
  let app: TestApp;
  let adminAuth: string;
  let scimAuth: string;
  beforeAll(async () => {
    app = await startTestApp();
    const slug = uniqueSlug('hdr');
    const org = await app
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', operatorAuth())
      .send({ name: 'Headers', slug, plan: 'enterprise', totalLicenses: 5 })
      .expect(201);
    adminAuth = `Bearer ${(org.body as { adminApiKey: string }).adminApiKey}`;
    const scim = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', adminAuth)
      .send({ idp: 'entra', authMethod: 'bearer' })
      .expect(201);
    scimAuth = `Bearer ${(scim.body as { token: string }).token}`;
  });
  afterAll(() => app.close());

  const responses = () => ({
    'admin API (200)': app.http().get('/api/v1/organization').set('Authorization', adminAuth),
    'admin API (401)': app.http().get('/api/v1/organization'),
    'operator API (200)': app
      .http()
      .get('/api/v1/organizations')
      .set('Authorization', operatorAuth()),
    'SCIM (200)': app.http().get('/scim/v2/Users').set('Authorization', scimAuth),
    'SCIM (401)': app.http().get('/scim/v2/Users').set('Authorization', 'Bearer nope'),
    'SCIM discovery (200)': app.http().get('/scim/v2/ServiceProviderConfig'),
    'unknown route (404)': app.http().get('/nothing-here'),
    'Swagger UI (200)': app.http().get('/docs'),
    'OpenAPI JSON (200)': app.http().get('/docs-json'),
    'health (200)': app.http().get('/health/live'),
    'SAML page (404)': app.http().get('/sso/saml/no-such-organization/metadata'),
    'home page (401)': app.http().get('/home'),
  });

  it('sends helmet’s headers on every kind of response, and no X-Powered-By', async () => {
    for (const [name, request] of Object.entries(responses())) {
      const response = await request;
      expect([name, response.status]).toEqual([name, Number(/\((\d+)\)/.exec(name)![1])]);
      const headers = response.headers as Record<string, string | undefined>;
      expect([name, headers]).toEqual([
        name,
        expect.objectContaining({
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'strict-transport-security': expect.stringMatching(/^max-age=\d{7,}; includeSubDomains$/),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'x-dns-prefetch-control': 'off',
          'x-permitted-cross-domain-policies': 'none',
          'x-xss-protection': '0',
        }),
      ]);
      expect([name, headers['content-security-policy']]).toEqual([
        name,
        expect.stringContaining("frame-ancestors 'self'"),
      ]);
      expect([name, headers['content-security-policy']]).toEqual([
        name,
        expect.stringContaining("script-src 'self'"),
      ]);
      expect([name, headers['x-powered-by']]).toEqual([name, undefined]);
    }
  });

  it('grants no cross-origin access: no CORS headers on preflights or on requests', async () => {
    const origin = 'https://attacker.example';
    const preflights = [
      ['OPTIONS /api/v1/organization', '/api/v1/organization', 'GET'],
      ['OPTIONS /api/v1/license-pools', '/api/v1/license-pools', 'POST'],
      ['OPTIONS /scim/v2/Users', '/scim/v2/Users', 'POST'],
      ['OPTIONS /api/v1/organizations', '/api/v1/organizations', 'POST'],
    ] as const;
    for (const [name, path, method] of preflights) {
      const response = await app
        .http()
        .options(path)
        .set('Origin', origin)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      const cors = Object.keys(response.headers).filter((h) => h.startsWith('access-control-'));
      expect([name, cors]).toEqual([name, []]);
    }
    for (const [name, request] of Object.entries(responses())) {
      const response = await request.set('Origin', origin);
      const cors = Object.keys(response.headers).filter((h) => h.startsWith('access-control-'));
      expect([name, cors]).toEqual([name, []]);
    }
  });
});

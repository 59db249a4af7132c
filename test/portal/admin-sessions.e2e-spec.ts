import { createHash } from 'node:crypto';
import { aTenant, operatorAuth, setRoleOf, type Tenant, userIdOf } from '../support/factories';
import { base64, configureSaml, postAcs, samlResponseXml, spUrls } from '../support/saml';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Admin portal sessions (docs/admin-portal.md, "Sessions and sign-in"): the operator's one-time setup
 * link, the HttpOnly SameSite=Strict cookie, CSRF on unsafe methods, idle and absolute timeouts,
 * the group_admin role's routes, and the SAML sign-in that opens a session for admins.
 */
describe('admin portal sessions', () => {
  let app: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    // https, as in production: the cookie is Secure (libs/common's cookies.spec.ts: not over http).
    app = await startTestApp({ publicUrl: 'https://rollcall.test' });
    tenant = await aTenant(app);
  });
  afterAll(() => app.close());

  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  async function setupToken(organizationId = tenant.id): Promise<string> {
    const response = await app
      .http()
      .post(`/api/v1/organizations/${organizationId}/setup-link`)
      .set('Authorization', operatorAuth())
      .expect(201);
    const match = /^https:\/\/rollcall\.test\/admin\/setup#token=(rcsl_\S+)$/.exec(
      response.body.url,
    );
    expect(match).not.toBeNull();
    return match![1];
  }

  interface Session {
    /** The Cookie header value. */
    cookie: string;
    csrf: string;
    sessionId: string;
    setCookie: string;
    body: Record<string, unknown>;
  }

  function portalCookieOf(response: { headers: Record<string, unknown> }): string | undefined {
    const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
    return cookies.find((c) => c.startsWith('rollcall_portal='));
  }

  function sessionOf(response: {
    headers: Record<string, unknown>;
    body: Record<string, unknown>;
  }): Session {
    const setCookie = portalCookieOf(response);
    if (!setCookie) throw new Error('no portal cookie was set');
    const cookie = setCookie.split(';')[0];
    const sessionId = /^rollcall_portal=rcps_([0-9a-f-]{36})_/.exec(cookie)![1];
    return {
      cookie,
      csrf: response.body.csrfToken as string,
      sessionId,
      setCookie,
      body: response.body,
    };
  }

  async function openSession(organizationId = tenant.id): Promise<Session> {
    const response = await app
      .http()
      .post('/api/v1/portal/session')
      .send({ setupToken: await setupToken(organizationId) })
      .expect(201);
    return sessionOf(response);
  }

  describe('setup links', () => {
    it('open an admin session once, and never again', async () => {
      const token = await setupToken();
      const first = await app.http().post('/api/v1/portal/session').send({ setupToken: token });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        organization: { id: tenant.id, slug: tenant.slug, name: `Org ${tenant.slug}` },
        role: 'admin',
        user: null,
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const again = await app.http().post('/api/v1/portal/session').send({ setupToken: token });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('invalid_setup_link');
      expect(portalCookieOf(again)).toBeUndefined();
    });

    it('expire after 24 hours, and a tampered token is refused', async () => {
      const token = await setupToken();
      const id = /^rcsl_([0-9a-f-]{36})_/.exec(token)![1];
      const [row] = await app.dataSource.query(
        "SELECT expires_at - created_at BETWEEN interval '23 hours 59 minutes' AND interval '24 hours 1 minute' AS day FROM admin_setup_links WHERE id = $1",
        [id],
      );
      expect(row.day).toBe(true);
      const tampered = token.replace(/.{4}$/, (end) => (end === 'AAAA' ? 'BBBB' : 'AAAA'));
      const wrong = await app.http().post('/api/v1/portal/session').send({ setupToken: tampered });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('invalid_setup_link');

      await app.dataSource.query(
        "UPDATE admin_setup_links SET expires_at = now() - interval '1 second' WHERE id = $1",
        [id],
      );
      const late = await app.http().post('/api/v1/portal/session').send({ setupToken: token });
      expect(late.status).toBe(401);
      expect(late.body.code).toBe('invalid_setup_link');
    });

    it('are the operator’s to issue, for an organization that exists', async () => {
      await app
        .http()
        .post(`/api/v1/organizations/${tenant.id}/setup-link`)
        .set('Authorization', tenant.auth)
        .expect(401);
      await app
        .http()
        .post('/api/v1/organizations/00000000-0000-4000-8000-000000000000/setup-link')
        .set('Authorization', operatorAuth())
        .expect(404);
    });
  });

  describe('the session cookie', () => {
    it('is HttpOnly, SameSite=Strict, on the whole site, and Secure over https', async () => {
      const session = await openSession();
      const attributes = session.setCookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
      expect(attributes).toContain('secure');
    });

    it('reads the session with GET, and DELETE (with the CSRF token) signs out', async () => {
      const session = await openSession();
      const read = await app
        .http()
        .get('/api/v1/portal/session')
        .set('Cookie', session.cookie)
        .expect(200);
      expect(read.body).toMatchObject({ role: 'admin', csrfToken: session.csrf, user: null });
      expect(new Date(read.body.expiresAt).getTime()).toBeGreaterThan(
        new Date(read.body.idleExpiresAt).getTime(),
      );

      await app.http().delete('/api/v1/portal/session').set('Cookie', session.cookie).expect(403);
      const out = await app
        .http()
        .delete('/api/v1/portal/session')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .expect(204);
      expect(portalCookieOf(out)).toMatch(/^rollcall_portal=;/);
      const rows = await app.dataSource.query('SELECT 1 FROM admin_sessions WHERE id = $1', [
        session.sessionId,
      ]);
      expect(rows).toEqual([]);
      const after = await app.http().get('/api/v1/portal/session').set('Cookie', session.cookie);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('unauthorized');
      const none = await app.http().get('/api/v1/portal/session');
      expect(none.status).toBe(401);
    });

    it('keeps only the SHA-256 of its secret', async () => {
      const session = await openSession();
      const secret = /_([A-Za-z0-9_-]{43})$/.exec(session.cookie)![1];
      const [row] = await app.dataSource.query(
        'SELECT secret_hash FROM admin_sessions WHERE id = $1',
        [session.sessionId],
      );
      expect(row.secret_hash).toBe(sha256(secret));
    });
  });

  describe('admin routes with the cookie', () => {
    it('answer as with the admin API key', async () => {
      const session = await openSession();
      const users = await app.http().get('/api/v1/users').set('Cookie', session.cookie).expect(200);
      expect(users.body).toHaveProperty('data');
      const created = await app
        .http()
        .post('/api/v1/license-pools')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ name: 'Portal pool', capacity: 1 })
        .expect(201);
      expect(created.body.name).toBe('Portal pool');
    });

    it('refuse an unsafe method without or with a wrong CSRF token, and change nothing', async () => {
      const session = await openSession();
      const pools = async () =>
        (await app.http().get('/api/v1/license-pools').set('Authorization', tenant.auth)).body;
      const before = await pools();
      for (const csrf of [
        undefined,
        'wrong',
        session.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ]) {
        let call = app
          .http()
          .post('/api/v1/license-pools')
          .set('Cookie', session.cookie)
          .send({ name: 'Forged pool', capacity: 1 });
        if (csrf) call = call.set('X-CSRF-Token', csrf);
        const response = await call;
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('csrf_failed');
      }
      expect(await pools()).toEqual(before);
    });

    it('use the bearer when both come, and refuse a wrong cookie', async () => {
      const session = await openSession();
      // A bearer decides: no CSRF token needed, the key's own rules apply.
      await app
        .http()
        .post('/api/v1/license-pools')
        .set('Authorization', tenant.auth)
        .set('Cookie', session.cookie)
        .send({ name: 'Bearer pool', capacity: 0 })
        .expect(201);
      const forged = session.cookie.replace(/.{4}$/, (end) => (end === 'AAAA' ? 'BBBB' : 'AAAA'));
      const response = await app.http().get('/api/v1/users').set('Cookie', forged);
      expect(response.status).toBe(401);
    });

    it('write events whose actor is the session', async () => {
      const session = await openSession();
      const created = await app
        .http()
        .post('/api/v1/groups')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrf)
        .send({ displayName: 'Portal group' })
        .expect(201);
      // A long poll: an event is readable once every transaction before it has ended (docs/events.md).
      const events = await app
        .http()
        .get('/api/v1/events')
        .query({ types: 'group.created', wait: '10s' })
        .set('Authorization', tenant.auth)
        .expect(200);
      const event = (events.body.data as { subject: { id: string }; actor: unknown }[]).find(
        (e) => e.subject.id === created.body.id,
      );
      expect(event?.actor).toEqual({
        type: 'admin_session',
        sessionId: session.sessionId,
        userId: null,
      });
    });
  });

  describe('timeouts', () => {
    it('end a session idle for 30 minutes, and GET restarts the idle timer', async () => {
      const session = await openSession();
      await app.dataSource.query(
        "UPDATE admin_sessions SET last_seen_at = now() - interval '29 minutes' WHERE id = $1",
        [session.sessionId],
      );
      await app.http().get('/api/v1/portal/session').set('Cookie', session.cookie).expect(200);
      const [row] = await app.dataSource.query(
        "SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM admin_sessions WHERE id = $1",
        [session.sessionId],
      );
      expect(row.fresh).toBe(true);

      await app.dataSource.query(
        "UPDATE admin_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = $1",
        [session.sessionId],
      );
      const expired = await app.http().get('/api/v1/users').set('Cookie', session.cookie);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('session_expired');
      const gone = await app.http().get('/api/v1/portal/session').set('Cookie', session.cookie);
      expect(gone.status).toBe(401);
    });

    it('end a session at its absolute end, however busy', async () => {
      const session = await openSession();
      const [row] = await app.dataSource.query(
        "SELECT expires_at - created_at BETWEEN interval '11 hours 59 minutes' AND interval '12 hours 1 minute' AS twelve FROM admin_sessions WHERE id = $1",
        [session.sessionId],
      );
      expect(row.twelve).toBe(true);
      await app.dataSource.query(
        "UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
        [session.sessionId],
      );
      const expired = await app.http().get('/api/v1/portal/session').set('Cookie', session.cookie);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('session_expired');
    });
  });

  describe('SAML sign-in for the portal', () => {
    let samlTenant: Tenant;
    let sp: ReturnType<typeof spUrls>;

    beforeAll(async () => {
      samlTenant = await aTenant(app);
      await configureSaml(app, samlTenant.adminApiKey);
      sp = spUrls(app, samlTenant.slug);
    });

    const signIn = (email: string, relayState = '/admin') =>
      postAcs(app, samlTenant.slug, base64(samlResponseXml({ sp, email })), relayState);

    const userId = (email: string) => userIdOf(app, samlTenant, email);
    const setRole = (email: string, role: string) => setRoleOf(app, samlTenant, email, role);

    it('sends a user to the denied page without a portal cookie', async () => {
      const response = await signIn('learner@example.com');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/admin/#/denied');
      expect(portalCookieOf(response)).toBeUndefined();
    });

    it('opens a session for an admin and a group_admin, with their user', async () => {
      await signIn('boss@example.com');
      await signIn('lead@example.com');
      const bossId = await setRole('boss@example.com', 'admin');
      const leadId = await setRole('lead@example.com', 'group_admin');

      for (const [email, role, id] of [
        ['boss@example.com', 'admin', bossId],
        ['lead@example.com', 'group_admin', leadId],
      ] as const) {
        const response = await signIn(email, '/admin/users');
        expect(response.status).toBe(303);
        expect(response.headers.location).toBe('/admin/users');
        const cookie = portalCookieOf(response)!;
        expect(cookie).toMatch(/HttpOnly/i);
        expect(cookie).toMatch(/SameSite=Strict/i);
        const read = await app
          .http()
          .get('/api/v1/portal/session')
          .set('Cookie', cookie.split(';')[0])
          .expect(200);
        expect(read.body).toMatchObject({
          role,
          organization: { id: samlTenant.id },
          user: { id, userName: email },
        });
      }
    });

    it('signs an admin in without a portal session when RelayState is elsewhere', async () => {
      const response = await signIn('boss@example.com', '/home');
      expect(response.headers.location).toBe('/home');
      expect(portalCookieOf(response)).toBeUndefined();
    });

    it("ends a signed-in admin's session at their next request once demoted or deactivated", async () => {
      const openFor = async (email: string) => {
        const response = await signIn(email);
        return portalCookieOf(response)!.split(';')[0];
      };
      await signIn('demoted@example.com');
      await signIn('leaver@example.com');
      await setRole('demoted@example.com', 'admin');
      const leaverId = await setRole('leaver@example.com', 'group_admin');
      const demoted = await openFor('demoted@example.com');
      const leaver = await openFor('leaver@example.com');
      await app.http().get('/api/v1/users').set('Cookie', demoted).expect(200);
      await app.http().get('/api/v1/users').set('Cookie', leaver).expect(200);

      await setRole('demoted@example.com', 'group_admin');
      const downgraded = await app.http().get('/api/v1/license-pools').set('Cookie', demoted);
      expect(downgraded.status).toBe(200);
      const keys = await app.http().get('/api/v1/admin-api-keys').set('Cookie', demoted);
      expect({ status: keys.status, code: keys.body.code }).toEqual({
        status: 403,
        code: 'forbidden',
      });

      await setRole('demoted@example.com', 'user');
      await app
        .http()
        .post(`/api/v1/users/${leaverId}/deactivate`)
        .set('Authorization', samlTenant.auth)
        .expect(200);
      for (const [cookie, says] of [
        [demoted, 'role'],
        [leaver, 'no longer active'],
      ] as const) {
        const refused = await app.http().get('/api/v1/users').set('Cookie', cookie);
        expect({ status: refused.status, code: refused.body.code }).toEqual({
          status: 401,
          code: 'unauthorized',
        });
        expect(refused.body.detail).toContain(says);
        await app.http().get('/api/v1/portal/session').set('Cookie', cookie).expect(401);
      }
    });

    describe('a group_admin', () => {
      let lead: Session;
      let pool: string;
      let learner: string;

      beforeAll(async () => {
        const response = await signIn('lead@example.com');
        const setCookie = portalCookieOf(response)!;
        const cookie = setCookie.split(';')[0];
        const read = await app.http().get('/api/v1/portal/session').set('Cookie', cookie);
        lead = sessionOf({ headers: response.headers, body: read.body });
        pool = (
          await app
            .http()
            .post('/api/v1/license-pools')
            .set('Authorization', samlTenant.auth)
            .send({ name: 'Leads', capacity: 5 })
            .expect(201)
        ).body.id;
        learner = await userId('learner@example.com');
      });

      const as = (method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: unknown) => {
        const call = app
          .http()
          [method](url)
          .set('Cookie', lead.cookie)
          .set('X-CSRF-Token', lead.csrf);
        return body === undefined ? call : call.send(body as object);
      };

      it('reads users, groups, pools, the provisioning log and sign-ins', async () => {
        for (const url of [
          '/api/v1/users',
          `/api/v1/users/${learner}`,
          '/api/v1/groups',
          '/api/v1/license-pools',
          `/api/v1/license-pools/${pool}`,
          '/api/v1/scim/logs',
          '/api/v1/sso/sign-ins',
        ]) {
          const response = await as('get', url);
          expect({ url, status: response.status }).toEqual({ url, status: 200 });
        }
      });

      it('moves, deactivates and reactivates users and manages groups', async () => {
        await as('patch', `/api/v1/users/${learner}`, { licensePoolId: pool }).expect(200);
        await as('post', `/api/v1/users/${learner}/deactivate`).expect(200);
        await as('post', `/api/v1/users/${learner}/reactivate`).expect(200);
        await as('post', '/api/v1/groups', { displayName: 'Lead group' }).expect(201);
      });

      it('may not change roles, anonymize, or touch pools, keys, SSO or SCIM settings', async () => {
        const refused = [
          await as('patch', `/api/v1/users/${learner}`, { role: 'admin' }),
          await as('post', `/api/v1/users/${learner}/anonymize`),
          await as('post', '/api/v1/license-pools', { name: 'Nope', capacity: 1 }),
          await as('delete', `/api/v1/license-pools/${pool}`),
          await as('get', '/api/v1/admin-api-keys'),
          await as('get', '/api/v1/sso/saml'),
          await as('get', '/api/v1/scim/integration'),
          await as('get', '/api/v1/events'),
          await as('get', '/api/v1/organization'),
        ];
        for (const response of refused) {
          expect({ status: response.status, code: response.body.code }).toEqual({
            status: 403,
            code: 'forbidden',
          });
          expect(response.body.detail).toContain('group_admin');
        }
        const user = await app
          .http()
          .get(`/api/v1/users/${learner}`)
          .set('Authorization', samlTenant.auth)
          .expect(200);
        expect(user.body).toMatchObject({ role: 'user', status: 'active' });
        const pools = await app
          .http()
          .get('/api/v1/license-pools')
          .set('Authorization', samlTenant.auth)
          .expect(200);
        expect((pools.body.data as { name: string }[]).map((p) => p.name)).not.toContain('Nope');
      });
    });
  });
});

import { aPool, aScimTenant, aTenant, type Tenant } from '../support/factories';
import {
  authnRequestId,
  base64,
  configureSaml,
  IDP_ENTITY_ID,
  IDP_KEY,
  IDP_SSO_URL,
  idpMetadataXml,
  postAcs,
  samlResponseXml,
  sessionCookie,
  spUrls,
  type AssertionOptions,
} from '../support/saml';
import { startTestApp, type TestApp } from '../support/test-app';

describe('SAML SSO sign-in', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function samlTenant(overrides: Parameters<typeof aTenant>[1] = {}): Promise<Tenant> {
    const tenant = await aTenant(app, overrides);
    await configureSaml(app, tenant.adminApiKey);
    return tenant;
  }

  const respond = (tenant: Tenant, options: Partial<AssertionOptions> = {}) =>
    base64(samlResponseXml({ sp: spUrls(app, tenant.slug), ...options }));

  const signIns = async (tenant: Tenant) =>
    (await app.http().get('/api/v1/sso/sign-ins').set('Authorization', tenant.auth).expect(200))
      .body.data as { outcome: string; reason: string; detail: string; subject: string | null }[];

  describe('configuration', () => {
    it('reports the service provider URLs before and after configuration', async () => {
      const tenant = await aTenant(app);
      const before = await app
        .http()
        .get('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .expect(200);
      expect(before.body).toMatchObject({
        configured: false,
        serviceProvider: {
          entityId: `http://rollcall.test/sso/saml/${tenant.slug}/metadata`,
          acsUrl: `http://rollcall.test/sso/saml/${tenant.slug}/acs`,
          loginUrl: `http://rollcall.test/sso/saml/${tenant.slug}/login`,
        },
      });
      await configureSaml(app, tenant.adminApiKey, { attributeNames: { email: 'mail' } });
      const after = await app
        .http()
        .get('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .expect(200);
      expect(after.body).toMatchObject({
        configured: true,
        idpEntityId: IDP_ENTITY_ID,
        idpSsoUrl: IDP_SSO_URL,
        jitProvisioning: true,
        attributeNames: {
          email: 'mail',
          firstName: 'firstName',
          licensePoolName: 'licensePoolName',
        },
      });
      expect(after.body.idpCertificates).toEqual([
        expect.objectContaining({ subject: 'CN=rollcall-test-idp' }),
      ]);
    });

    it('accepts IdP metadata XML', async () => {
      const tenant = await aTenant(app);
      const metadata = idpMetadataXml();
      const response = await app
        .http()
        .put('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .send({ idpMetadataXml: metadata })
        .expect(200);
      expect(response.body).toMatchObject({
        configured: true,
        idpEntityId: IDP_ENTITY_ID,
        idpSsoUrl: IDP_SSO_URL,
      });
      const signIn = await postAcs(app, tenant.slug, respond(tenant));
      expect(signIn.status).toBe(303);
    });

    it.each([
      [{ idpEntityId: 'x', idpSsoUrl: 'https://idp.test/sso' }, /idpCertificate/],
      [
        { idpEntityId: 'x', idpSsoUrl: 'http://idp.example.com/sso', idpCertificate: IDP_KEY.cert },
        /https/,
      ],
      [
        {
          idpEntityId: 'x',
          idpSsoUrl: 'https://idp.test/sso',
          idpCertificate: 'not a certificate',
        },
        /idpCertificate/,
      ],
      [{ idpMetadataXml: '<nope' }, /well-formed/],
      [{ idpMetadataXml: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>' }, /DOCTYPE/],
      [{ idpMetadataXml: '<x/>', idpEntityId: 'x' }, /either/],
      [
        {
          idpEntityId: 'x',
          idpSsoUrl: 'https://idp.test/sso',
          idpCertificate: IDP_KEY.cert,
          extra: 1,
        },
        /extra/,
      ],
    ])('refuses a bad configuration %#', async (body, message) => {
      const tenant = await aTenant(app);
      const response = await app
        .http()
        .put('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .send(body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(JSON.stringify(response.body)).toMatch(message);
      const status = await app.http().get('/api/v1/sso/saml').set('Authorization', tenant.auth);
      expect(status.body.configured).toBe(false);
    });

    it('serves SP metadata per organization, and 404 for an unknown one', async () => {
      const tenant = await aTenant(app);
      const response = await app.http().get(`/sso/saml/${tenant.slug}/metadata`).expect(200);
      expect(response.headers['content-type']).toMatch(/samlmetadata\+xml/);
      expect(response.text).toContain(
        `entityID="http://rollcall.test/sso/saml/${tenant.slug}/metadata"`,
      );
      expect(response.text).toContain(
        `Location="http://rollcall.test/sso/saml/${tenant.slug}/acs"`,
      );
      await app.http().get('/sso/saml/no-such-org/metadata').expect(404);
    });

    it('turns SAML off', async () => {
      const tenant = await samlTenant();
      await app.http().delete('/api/v1/sso/saml').set('Authorization', tenant.auth).expect(204);
      const response = await postAcs(app, tenant.slug, respond(tenant));
      expect(response.status).toBe(404);
      expect(response.text).toContain('Single sign-on is not configured');
    });
  });

  describe('sign-in', () => {
    it('SP-initiated: redirects with an AuthnRequest, accepts the answer once, opens a session', async () => {
      const tenant = await samlTenant();
      const start = await app
        .http()
        .get(`/sso/saml/${tenant.slug}/login?RelayState=/home?tab=1`)
        .expect(302);
      const location = start.headers.location;
      expect(location.startsWith(`${IDP_SSO_URL}?SAMLRequest=`)).toBe(true);
      expect(new URL(location).searchParams.get('RelayState')).toBe('/home?tab=1');
      const requestId = await authnRequestId(location);
      const answer = respond(tenant, { inResponseTo: requestId, email: 'sp@example.com' });
      const signedIn = await postAcs(app, tenant.slug, answer, '/home?tab=1').expect(303);
      expect(signedIn.headers.location).toBe('/home?tab=1');
      const cookie = (signedIn.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(
        /rollcall_session=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/; Expires=.*; HttpOnly; SameSite=Lax/,
      );
      const home = await app.http().get('/home').set('Cookie', sessionCookie(signedIn)).expect(200);
      expect(home.text).toContain('sp@example.com');
      expect(home.text).toContain('Default license pool');
      expect(home.text).toContain('Licensed');
      // The same request id cannot be answered twice, even by a fresh assertion.
      const again = await postAcs(app, tenant.slug, respond(tenant, { inResponseTo: requestId }));
      expect(again.status).toBe(400);
      expect(again.text).toContain('InResponseTo');
      expect((await signIns(tenant)).map((a) => a.reason)).toEqual([
        'unknown_request',
        'signed_in',
      ]);
    });

    it('IdP-initiated: creates the person just in time, with the assertion’s profile', async () => {
      const tenant = await samlTenant();
      const response = await postAcs(
        app,
        tenant.slug,
        respond(tenant, {
          email: 'Jit.Person@Example.com',
          attributes: { firstName: 'Jit', lastName: 'Person', externalID: 'ext-1' },
        }),
      ).expect(303);
      expect(response.headers.location).toBe('/home');
      const users = await app
        .http()
        .get('/api/v1/users')
        .set('Authorization', tenant.auth)
        .expect(200);
      expect(users.body.data).toEqual([
        expect.objectContaining({
          userName: 'Jit.Person@Example.com',
          status: 'active',
          scimManaged: false,
          givenName: 'Jit',
          familyName: 'Person',
        }),
      ]);
    });

    it('sends RelayState only to paths of this site', async () => {
      const tenant = await samlTenant();
      for (const target of [
        'https://evil.example/x',
        '//evil.example/x',
        '/\\evil.example',
        'javascript:alert(1)',
      ]) {
        const response = await postAcs(app, tenant.slug, respond(tenant), target).expect(303);
        expect(response.headers.location).toBe('/home');
      }
    });

    it('refuses unknown people when JIT is off, and deactivated people', async () => {
      const tenant = await aTenant(app);
      await configureSaml(app, tenant.adminApiKey, { jitProvisioning: false });
      const unknown = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'who@example.com' }),
      );
      expect(unknown.status).toBe(403);
      expect(unknown.text).toContain('There is no account for who@example.com');
      await app.dataSource.query(
        `INSERT INTO users (organization_id, user_name, license_pool_id, status, emails, email_values, primary_email, phone_numbers, addresses, ims, photos, enterprise, version)
         SELECT $1, 'gone@example.com', id, 'deactivated', '[]', '{}', 'gone@example.com', '[]', '[]', '[]', '[]', '{}', 1 FROM license_pools WHERE organization_id = $1`,
        [tenant.id],
      );
      const gone = await postAcs(app, tenant.slug, respond(tenant, { email: 'gone@example.com' }));
      expect(gone.status).toBe(403);
      expect(gone.text).toContain('This account is deactivated');
      expect((await signIns(tenant)).map((a) => a.reason)).toEqual([
        'account_deactivated',
        'unknown_user',
      ]);
    });

    it('lists the sign-ins of a time range: from inclusive, to exclusive', async () => {
      const tenant = await aTenant(app);
      await configureSaml(app, tenant.adminApiKey, { jitProvisioning: false });
      for (const email of ['early@example.com', 'late@example.com']) {
        expect((await postAcs(app, tenant.slug, respond(tenant, { email }))).status).toBe(403);
      }
      // The first attempt happened an hour ago.
      const hourAgo = new Date(Date.now() - 3_600_000);
      await app.dataSource.query(
        `UPDATE sign_in_attempts SET created_at = $2 WHERE organization_id = $1 AND subject = 'early@example.com'`,
        [tenant.id, hourAgo],
      );
      const subjects = async (query: Record<string, string>) =>
        (
          (
            await app
              .http()
              .get('/api/v1/sso/sign-ins')
              .query(query)
              .set('Authorization', tenant.auth)
              .expect(200)
          ).body.data as { subject: string }[]
        ).map((a) => a.subject);
      const halfHourAgo = new Date(Date.now() - 1_800_000).toISOString();
      expect(await subjects({ from: halfHourAgo })).toEqual(['late@example.com']);
      expect(await subjects({ to: halfHourAgo })).toEqual(['early@example.com']);
      expect(await subjects({ from: hourAgo.toISOString() })).toEqual([
        'late@example.com',
        'early@example.com',
      ]);
      expect(await subjects({ to: hourAgo.toISOString() })).toEqual([]);
      const bad = await app
        .http()
        .get('/api/v1/sso/sign-ins')
        .query({ from: 'yesterday' })
        .set('Authorization', tenant.auth);
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    });

    it('names an unknown pool and a full pool on the error page, changing nothing', async () => {
      const tenant = await samlTenant({ totalLicenses: 3 });
      await aPool(app, tenant, 'Sales', 1);
      const unknown = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { attributes: { licensePoolName: 'Marketing' } }),
      );
      expect(unknown.status).toBe(403);
      expect(unknown.text).toContain('License pool &#39;Marketing&#39; does not exist');
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'a@example.com', attributes: { licensePoolName: 'sales' } }),
      ).expect(303);
      const full = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'b@example.com', attributes: { licensePoolName: 'Sales' } }),
      );
      expect(full.status).toBe(403);
      expect(full.text).toContain('License pool &#39;Sales&#39; is full (1 of 1 seats used)');
      const [{ n }] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM users WHERE organization_id = $1`,
        [tenant.id],
      );
      expect(n).toBe(1);
    });

    it('with SCIM on: keeps SCIM’s profile, ignores SAML groups, refuses people SCIM has not provisioned', async () => {
      const tenant = await aScimTenant(app);
      await configureSaml(app, tenant.adminApiKey);
      await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', tenant.scimAuth)
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'scim.person@example.com',
          name: { givenName: 'Scim', familyName: 'Person' },
          emails: [{ value: 'scim.person@example.com', type: 'work', primary: true }],
        })
        .expect(201);
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, {
          email: 'scim.person@example.com',
          attributes: { firstName: 'Other', groups: ['Team'] },
        }),
      ).expect(303);
      const [user] = (await app.http().get('/api/v1/users').set('Authorization', tenant.auth)).body
        .data;
      expect(user).toMatchObject({ givenName: 'Scim', status: 'active', scimManaged: true });
      const stranger = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'stranger@example.com' }),
      );
      expect(stranger.status).toBe(403);
      expect(stranger.text).toContain('provisions accounts from its identity provider');
    });

    it('with SCIM off: updates the profile and group memberships at every sign-in', async () => {
      const tenant = await samlTenant();
      for (const name of ['Team A', 'Team B']) {
        await app
          .http()
          .post('/api/v1/groups')
          .set('Authorization', tenant.auth)
          .send({ displayName: name })
          .expect(201);
      }
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, {
          email: 'g@example.com',
          attributes: { firstName: 'One', groups: ['team a', 'Nope'] },
        }),
      ).expect(303);
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, {
          email: 'g@example.com',
          attributes: { firstName: 'Two', groups: ['Team B'] },
        }),
      ).expect(303);
      const rows = await app.dataSource.query(
        `SELECT g.display_name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.organization_id = $1`,
        [tenant.id],
      );
      expect(rows).toEqual([{ display_name: 'Team B' }]);
      const [user] = (await app.http().get('/api/v1/users').set('Authorization', tenant.auth)).body
        .data;
      expect(user.givenName).toBe('Two');
      expect((await signIns(tenant))[1].detail).toContain('groups not found and ignored: Nope');
    });

    it('gives Pro on first sign-in when the organization gives it to all', async () => {
      const tenant = await samlTenant();
      await app
        .http()
        .patch('/api/v1/organization')
        .set('Authorization', tenant.auth)
        .send({ proForAllUsers: true })
        .expect(200);
      const response = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'pro@example.com' }),
      ).expect(303);
      const home = await app.http().get('/home').set('Cookie', sessionCookie(response)).expect(200);
      expect(home.text).toContain('<dd data-field="tier">Pro</dd>');
    });

    it('SSO reverts an admin’s pool move at the next sign-in (rule 6)', async () => {
      const tenant = await samlTenant({ totalLicenses: 5 });
      const salesId = await aPool(app, tenant, 'Sales', 2);
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'r@example.com', attributes: { licensePoolName: 'Sales' } }),
      ).expect(303);
      const [user] = (await app.http().get('/api/v1/users').set('Authorization', tenant.auth)).body
        .data;
      const pools = (
        await app.http().get('/api/v1/license-pools').set('Authorization', tenant.auth)
      ).body.data as { id: string; isDefault: boolean }[];
      const defaultPool = pools.find((p) => p.isDefault)!;
      await app
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', tenant.auth)
        .send({ licensePoolId: defaultPool.id })
        .expect(200);
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'r@example.com', attributes: { licensePoolName: 'Sales' } }),
      ).expect(303);
      const after = (
        await app.http().get(`/api/v1/users/${user.id}`).set('Authorization', tenant.auth)
      ).body;
      expect(after.licensePool.id).toBe(salesId);
    });

    it('signs out, and a deactivated person’s session stops working', async () => {
      const tenant = await samlTenant();
      const response = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'out@example.com' }),
      ).expect(303);
      const cookie = sessionCookie(response);
      await app.http().get('/home').set('Cookie', cookie).expect(200);
      await app.http().post('/sso/logout').set('Cookie', cookie).expect(200);
      const after = await app.http().get('/home').set('Cookie', cookie);
      expect(after.status).toBe(401);
      expect(after.headers['content-type']).toMatch(/text\/html/);
      const again = sessionCookie(
        await postAcs(app, tenant.slug, respond(tenant, { email: 'out@example.com' })).expect(303),
      );
      const [user] = (await app.http().get('/api/v1/users').set('Authorization', tenant.auth)).body
        .data;
      await app
        .http()
        .post(`/api/v1/users/${user.id}/deactivate`)
        .set('Authorization', tenant.auth)
        .expect(200);
      await app.http().get('/home').set('Cookie', again).expect(401);
    });

    it('counts sign-ins in /metrics by outcome and reason', async () => {
      const tenant = await samlTenant();
      await postAcs(app, tenant.slug, respond(tenant, { email: 'm@example.com' })).expect(303);
      await postAcs(app, tenant.slug, respond(tenant, { sign: 'none' })).expect(400);
      const metrics = (await app.http().get('/metrics').expect(200)).text;
      const count = (labels: string) =>
        Number(
          new RegExp(`rollcall_sso_sign_ins_total\\{${labels}\\} (\\d+)`).exec(metrics)?.[1] ?? 0,
        );
      expect(count('outcome="success",reason="signed_in"')).toBeGreaterThanOrEqual(1);
      expect(count('outcome="rejected",reason="invalid_signature"')).toBeGreaterThanOrEqual(1);
    });

    it('answers an unknown organization with a 404 page', async () => {
      const response = await app.http().get('/sso/saml/nobody-here/login');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toContain('Single sign-on is not configured for &#39;nobody-here&#39;');
    });

    it('seats exactly the remaining capacity in a burst of first sign-ins', async () => {
      const tenant = await samlTenant({ totalLicenses: 40 });
      await aPool(app, tenant, 'Burst', 8);
      await postAcs(
        app,
        tenant.slug,
        respond(tenant, { email: 'early@example.com', attributes: { licensePoolName: 'Burst' } }),
      ).expect(303);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          postAcs(
            app,
            tenant.slug,
            respond(tenant, {
              email: `burst${i}@example.com`,
              attributes: { licensePoolName: 'Burst' },
            }),
          ),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 303)).toHaveLength(7);
      expect(statuses.filter((s) => s === 403)).toHaveLength(23);
      const [pool] = await app.dataSource.query(
        `SELECT used, (SELECT count(*)::int FROM users u WHERE u.license_pool_id = p.id AND u.status = 'active') AS active FROM license_pools p WHERE organization_id = $1 AND name = 'Burst'`,
        [tenant.id],
      );
      expect(pool).toEqual({ used: 8, active: 8 });
    });
  });
});

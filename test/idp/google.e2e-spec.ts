import { googleSamlAssertion, type GooglePerson } from '../fixtures/google';
import { aPool, aTenant, type Tenant } from '../support/factories';
import { adminUsers, idpSignIn, lastSignIn, seats } from '../support/idp-sequence';
import { configureSaml, sessionCookie } from '../support/saml';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Google Workspace (docs/idp/google.md): a custom SAML app, no SCIM. Accounts come from
 * just-in-time provisioning at the first sign-in; later sign-ins keep names and groups current.
 */
describe('Google Workspace', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const group = async (tenant: Tenant, displayName: string): Promise<string> =>
    (
      await app
        .http()
        .post('/api/v1/groups')
        .set('Authorization', tenant.auth)
        .send({ displayName })
        .expect(201)
    ).body.id;
  const groupIdsOf = async (tenant: Tenant, userId: string, groups: Record<string, string>) => {
    const names: string[] = [];
    for (const [name, id] of Object.entries(groups)) {
      const users = await adminUsers(app, tenant, { groupId: id });
      if (users.some((u) => u.id === userId)) names.push(name);
    }
    return names;
  };
  const byEmail = async (tenant: Tenant, email: string) =>
    (await adminUsers(app, tenant, { q: email })).filter((u) => u.userName === email);

  it('works without SCIM: the organization has no SCIM integration and needs none', async () => {
    const tenant = await aTenant(app, { plan: 'enterprise' });
    await configureSaml(app, tenant.adminApiKey, { jitProvisioning: true });
    const integration = await app
      .http()
      .get('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(integration.body).toMatchObject({ enabled: false });
    await app.http().get('/scim/v2/Users').expect(401);

    const person = { primaryEmail: 'sam@google-example.com', firstName: 'Sam', lastName: 'Ng' };
    const signedIn = await idpSignIn(app, tenant, googleSamlAssertion(person));
    expect(signedIn.status).toBe(303);
    expect(sessionCookie(signedIn)).toMatch(/^rollcall_session=/);
    expect(await byEmail(tenant, person.primaryEmail)).toEqual([
      expect.objectContaining({ status: 'active', scimManaged: false }),
    ]);
  });

  it('first sign-in creates the user, pools by licensePoolName, refuses a full pool, updates a returning user', async () => {
    const tenant = await aTenant(app, { plan: 'enterprise', totalLicenses: 10 });
    await configureSaml(app, tenant.adminApiKey, { jitProvisioning: true });
    await aPool(app, tenant, 'Sales', 1);
    const groups = {
      'Sales Team': await group(tenant, 'Sales Team'),
      Engineering: await group(tenant, 'Engineering'),
    };

    // First sign-in of someone unknown: created, active, a seat in the default pool.
    const ada: GooglePerson = {
      primaryEmail: 'ada@google-example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      groups: ['sales team', 'Not In Rollcall'],
    };
    expect(await byEmail(tenant, ada.primaryEmail)).toEqual([]);
    expect((await idpSignIn(app, tenant, googleSamlAssertion(ada))).status).toBe(303);
    const [created] = await byEmail(tenant, ada.primaryEmail);
    expect(created).toMatchObject({
      userName: ada.primaryEmail,
      email: ada.primaryEmail,
      givenName: 'Ada',
      familyName: 'Lovelace',
      status: 'active',
      scimManaged: false,
      licensePool: { name: 'Default license pool' },
    });
    expect(created.firstLoginAt).not.toBeNull();
    expect((await seats(app, tenant))['Default license pool'].used).toBe(1);
    expect(await lastSignIn(app, tenant)).toMatchObject({
      outcome: 'success',
      userId: created.id,
    });
    // Group attributes: memberships of the named groups that exist; unknown names create nothing.
    expect(await groupIdsOf(tenant, created.id, groups)).toEqual(['Sales Team']);
    const allGroups = await app
      .http()
      .get('/api/v1/groups')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(allGroups.body.data).toHaveLength(2);

    // licensePoolName names a custom pool (any case): the new user takes its seat there.
    const bo: GooglePerson = {
      primaryEmail: 'bo@google-example.com',
      firstName: 'Bo',
      lastName: 'Diaz',
      licensePoolName: ' sales ',
    };
    expect((await idpSignIn(app, tenant, googleSamlAssertion(bo))).status).toBe(303);
    expect((await byEmail(tenant, bo.primaryEmail))[0]).toMatchObject({
      status: 'active',
      licensePool: { name: 'Sales' },
    });
    expect((await seats(app, tenant)).Sales).toMatchObject({ used: 1, remaining: 0 });

    // The pool is full: refused, and no account is created.
    const cy: GooglePerson = {
      primaryEmail: 'cy@google-example.com',
      firstName: 'Cy',
      lastName: 'Full',
      licensePoolName: 'Sales',
    };
    const before = await seats(app, tenant);
    const full = await idpSignIn(app, tenant, googleSamlAssertion(cy));
    expect(full.status).toBe(403);
    expect(full.text).toContain('Sales');
    expect(await lastSignIn(app, tenant)).toMatchObject({
      outcome: 'refused',
      reason: 'pool_full',
    });
    expect(await byEmail(tenant, cy.primaryEmail)).toEqual([]);
    expect(await seats(app, tenant)).toEqual(before);

    // An unknown pool name: refused the same way.
    const unknown = await idpSignIn(
      app,
      tenant,
      googleSamlAssertion({ ...cy, licensePoolName: 'Salse' }),
    );
    expect(unknown.status).toBe(403);
    expect(await lastSignIn(app, tenant)).toMatchObject({ reason: 'unknown_pool' });
    expect(await byEmail(tenant, cy.primaryEmail)).toEqual([]);

    // A returning user, now with "Signed response" on: same account, names and groups updated.
    const returning = await idpSignIn(
      app,
      tenant,
      googleSamlAssertion({ ...ada, lastName: 'King', groups: ['Engineering'] }, true),
    );
    expect(returning.status).toBe(303);
    const updated = await byEmail(tenant, ada.primaryEmail);
    expect(updated).toEqual([
      expect.objectContaining({ id: created.id, familyName: 'King', status: 'active' }),
    ]);
    expect(await groupIdsOf(tenant, created.id, groups)).toEqual(['Engineering']);
    expect((await seats(app, tenant))['Default license pool'].used).toBe(1);

    // The email mapping left out: the EMAIL Name ID stands in for it.
    const noEmail = googleSamlAssertion(ada);
    const { email: _email, ...withoutEmail } = noEmail.attributes;
    expect((await idpSignIn(app, tenant, { ...noEmail, attributes: withoutEmail })).status).toBe(
      303,
    );
    expect(await byEmail(tenant, ada.primaryEmail)).toHaveLength(1);
    // …but with neither the mapping nor the EMAIL format there is no address to go by.
    const opaque = await idpSignIn(app, tenant, {
      ...noEmail,
      nameId: '104857236190823746512',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      attributes: withoutEmail,
    });
    expect(opaque.status).toBe(400);
    expect(await lastSignIn(app, tenant)).toMatchObject({
      outcome: 'rejected',
      reason: 'missing_email',
    });
  });

  it('someone who left is deactivated by an admin; JIT turned off admits only known people', async () => {
    const tenant = await aTenant(app, { plan: 'enterprise' });
    await configureSaml(app, tenant.adminApiKey, { jitProvisioning: true });
    const dee: GooglePerson = {
      primaryEmail: 'dee@google-example.com',
      firstName: 'Dee',
      lastName: 'Left',
    };
    expect((await idpSignIn(app, tenant, googleSamlAssertion(dee))).status).toBe(303);
    const [user] = await byEmail(tenant, dee.primaryEmail);
    expect((await seats(app, tenant))['Default license pool'].used).toBe(1);

    // Google tells Rollcall nothing: the admin deactivates, which frees the seat.
    await app
      .http()
      .post(`/api/v1/users/${user.id}/deactivate`)
      .set('Authorization', tenant.auth)
      .expect(200);
    expect((await byEmail(tenant, dee.primaryEmail))[0].status).toBe('deactivated');
    expect((await seats(app, tenant))['Default license pool'].used).toBe(0);
    expect((await idpSignIn(app, tenant, googleSamlAssertion(dee))).status).toBe(403);
    expect(await lastSignIn(app, tenant)).toMatchObject({ reason: 'account_deactivated' });

    await configureSaml(app, tenant.adminApiKey, { jitProvisioning: false });
    const newcomer = { primaryEmail: 'new@google-example.com', firstName: 'New', lastName: 'One' };
    expect((await idpSignIn(app, tenant, googleSamlAssertion(newcomer))).status).toBe(403);
    expect(await lastSignIn(app, tenant)).toMatchObject({ reason: 'unknown_user' });
    expect(await byEmail(tenant, newcomer.primaryEmail)).toEqual([]);
  });
});

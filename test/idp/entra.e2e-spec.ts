import {
  entraAddMember,
  entraCreateGroup,
  entraGroupLookup,
  entraMembershipCheck,
  entraRemoveMemberCompliant,
  entraRemoveMemberLegacy,
  entraRenameGroup,
} from '../fixtures/entra-groups';
import {
  entraCreateUser,
  entraDisableCompliant,
  entraDisableLegacy,
  entraEnableLegacy,
  entraManagerRemove,
  entraSamlAssertion,
  entraSetPool,
  entraTestConnectionFilter,
  entraUpdateCompliant,
  entraUpdateLegacy,
} from '../fixtures/entra';
import {
  adminUser,
  adminUsers,
  idpOrganization,
  idpSignIn,
  lastSignIn,
  seats,
  scimGroupMembers,
} from '../support/idp-sequence';
import { scimUsers } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';

/** Microsoft Entra ID's documented provisioning and SAML sequences (docs/idp/entra.md). */
describe('Microsoft Entra ID', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('test connection, create, update (both PATCH dialects), disable, enable, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'entra');

    const probe = await client.get('/Users', { filter: entraTestConnectionFilter }).expect(200);
    expect(probe.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(probe.body).toMatchObject({ totalResults: 0, Resources: [], startIndex: 1 });

    const body = entraCreateUser('ab6490ee');
    const lookup = await client
      .get('/Users', { filter: `userName eq "${body.userName}"` })
      .expect(200);
    expect(lookup.body.totalResults).toBe(0);
    const created = await client.post('/Users', body).expect(201);
    const id = created.body.id as string;
    expect(created.headers.location).toBe(`http://rollcall.test/scim/v2/Users/${id}`);
    expect(created.headers.etag).toMatch(/^W\/"\d+"$/);
    expect(created.body).toMatchObject({
      userName: body.userName,
      externalId: body.externalId,
      active: true,
      name: { givenName: 'givenName', familyName: 'familyName' },
      emails: [{ primary: true, type: 'work', value: body.emails[0].value }],
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
      meta: { resourceType: 'User', location: `http://rollcall.test/scim/v2/Users/${id}` },
    });
    expect(created.body.roles).toBeUndefined();
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      scimManaged: true,
      email: body.emails[0].value,
    });

    // Entra finds the user again by userName before every update.
    const found = await client
      .get('/Users', { filter: `userName eq "${body.userName.toUpperCase()}"` })
      .expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const legacy = await client.patchBody(`/Users/${id}`, entraUpdateLegacy).expect(200);
    expect(legacy.body).toMatchObject({
      emails: [expect.objectContaining({ type: 'work', value: 'updatedEmail@contoso.com' })],
      name: { familyName: 'updatedFamilyName', givenName: 'givenName' },
      title: 'Tour Guide',
      [ENTERPRISE]: { department: 'Marketing', employeeNumber: '701984' },
    });

    const compliant = await client.patchBody(`/Users/${id}`, entraUpdateCompliant).expect(200);
    expect(compliant.body).toMatchObject({
      displayName: 'Updated Display Name',
      name: { givenName: 'updatedGivenName', familyName: 'updatedFamilyName' },
      [ENTERPRISE]: { employeeNumber: '99' },
    });
    expect((await client.get(`/Users/${id}`).expect(200)).body).toMatchObject({
      displayName: 'Updated Display Name',
      title: 'Tour Guide',
      [ENTERPRISE]: { department: 'Marketing', employeeNumber: '99' },
    });

    const noManager = await client.patchBody(`/Users/${id}`, entraManagerRemove).expect(200);
    expect(noManager.body[ENTERPRISE].manager).toBeUndefined();

    const disabled = await client.patchBody(`/Users/${id}`, entraDisableLegacy).expect(200);
    expect(disabled.body.active).toBe(false);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    // Deactivated users are still found by filters.
    const stillFound = await client
      .get('/Users', { filter: `externalId eq "${body.externalId}"` })
      .expect(200);
    expect(stillFound.body.Resources[0]).toMatchObject({ id, active: false });

    await client.patchBody(`/Users/${id}`, entraEnableLegacy).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('provisioned');
    await client.patchBody(`/Users/${id}`, entraDisableCompliant).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');

    await client.delete(`/Users/${id}`).expect(204);
    await client.get(`/Users/${id}`).expect(404);
    await client.patchBody(`/Users/${id}`, entraEnableLegacy).expect(404);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
  });

  it('groups: lookup, create, add and remove members one by one (both dialects), rename, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'entra');
    const [first, second, third] = await scimUsers(client, [
      'first@contoso.com',
      'second@contoso.com',
      'third@contoso.com',
    ]);
    const name = 'Contoso Sales';

    const missing = await client.get('/Groups', entraGroupLookup(name)).expect(200);
    expect(missing.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await client.post('/Groups', entraCreateGroup(name)).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: name,
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      members: [],
      meta: { resourceType: 'Group', location: `http://rollcall.test/scim/v2/Groups/${id}` },
    });

    const found = await client.get('/Groups', entraGroupLookup(name.toUpperCase())).expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).toMatchObject({ id, displayName: name });
    expect(found.body.Resources[0].members).toBeUndefined();

    // Entra sends membership changes in parallel, one member per request.
    const adds = await Promise.all(
      [first, second, third].map((userId) =>
        client.patchBody(`/Groups/${id}`, entraAddMember(userId)),
      ),
    );
    expect(adds.map((r) => r.status)).toEqual([204, 204, 204]);
    expect(await scimGroupMembers(client, id)).toEqual([first, second, third].sort());
    await client.patchBody(`/Groups/${id}`, entraAddMember(first)).expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([first, second, third].sort());

    const check = await client.get('/Groups', entraMembershipCheck(id, second)).expect(200);
    expect(check.body.totalResults).toBe(1);

    await client.patchBody(`/Groups/${id}`, entraRemoveMemberLegacy(second)).expect(204);
    await client.patchBody(`/Groups/${id}`, entraRemoveMemberCompliant(third)).expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([first]);
    expect((await adminUsers(app, tenant, { groupId: id })).map((u) => u.id)).toEqual([first]);
    const gone = await client.get('/Groups', entraMembershipCheck(id, second)).expect(200);
    expect(gone.body.totalResults).toBe(0);

    await client.patchBody(`/Groups/${id}`, entraRenameGroup(`${name} (EMEA)`)).expect(204);
    const renamed = await client
      .get(`/Groups/${id}`, { excludedAttributes: 'members' })
      .expect(200);
    expect(renamed.body.displayName).toBe(`${name} (EMEA)`);
    expect(renamed.body.meta.version).toBe(renamed.headers.etag);

    await client.delete(`/Groups/${id}`).expect(204);
    await client.get(`/Groups/${id}`).expect(404);
    expect(await adminUsers(app, tenant, { groupId: id })).toEqual([]);
    // The users stay, and no longer list the group.
    const user = await client.get(`/Users/${first}`).expect(200);
    expect(user.body.active).toBe(true);
    expect(user.body.groups ?? []).toEqual([]);
  });

  it('pool by URN path, SAML sign-in with the default claims (seat taken), disable, enable, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'entra', {
      saml: true,
      pool: { name: 'Tour Operations', capacity: 3 },
    });
    const body = entraCreateUser('5e1f00d1');
    const upn = body.userName;

    const id = (await client.post('/Users', body).expect(201)).body.id as string;
    expect((await adminUser(app, tenant, id)).licensePool.name).toBe('Default license pool');

    // Entra writes the attribute added to its list by its full URN path.
    const pooled = await client.patchBody(`/Users/${id}`, entraSetPool('Tour Operations'));
    expect([pooled.status, pooled.body[ROLLCALL]]).toEqual([
      200,
      { licensePoolName: 'Tour Operations' },
    ]);
    expect((await client.get(`/Users/${id}`).expect(200)).body[ROLLCALL]).toEqual({
      licensePoolName: 'Tour Operations',
    });
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      licensePool: { name: 'Tour Operations' },
    });

    const signIn = () =>
      idpSignIn(
        app,
        tenant,
        entraSamlAssertion(upn, {
          givenName: 'givenName',
          surname: 'familyName',
          licensePoolName: 'Tour Operations',
        }),
      );
    const signedIn = await signIn();
    expect(signedIn.status).toBe(303);
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'active',
      licensePool: { name: 'Tour Operations' },
    });
    expect((await seats(app, tenant))['Tour Operations']).toMatchObject({ used: 1, remaining: 2 });
    expect(await lastSignIn(app, tenant)).toMatchObject({ outcome: 'success', userId: id });

    await client.patchBody(`/Users/${id}`, entraDisableLegacy).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant))['Tour Operations'].used).toBe(0);
    expect((await signIn()).status).toBe(403);
    expect(await lastSignIn(app, tenant)).toMatchObject({
      outcome: 'refused',
      reason: 'account_deactivated',
    });

    await client.patchBody(`/Users/${id}`, entraEnableLegacy).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('active');
    expect((await seats(app, tenant))['Tour Operations'].used).toBe(1);
    expect((await signIn()).status).toBe(303);

    // Hard-deleted in Entra: deactivated, seat freed, gone from SCIM.
    await client.delete(`/Users/${id}`).expect(204);
    await client.get(`/Users/${id}`).expect(404);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant))['Tour Operations'].used).toBe(0);
  });
});

import {
  jumpcloudAddMembers,
  jumpcloudCreateGroup,
  jumpcloudCreateUser,
  jumpcloudDeprovision,
  jumpcloudGroupLookup,
  jumpcloudLookup,
  jumpcloudRemoveMembers,
  jumpcloudRenameGroup,
  jumpcloudReplaceGroup,
  jumpcloudReplaceUser,
  jumpcloudRestore,
  jumpcloudSamlAssertion,
  jumpcloudUpdateUser,
  type JumpCloudUser,
} from '../fixtures/jumpcloud';
import {
  adminUser,
  adminUsers,
  idpOrganization,
  idpSignIn,
  lastSignIn,
  seats,
  scimGroupMembers,
} from '../support/idp-sequence';
import type { ScimClient } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';

/** JumpCloud's custom SCIM integration and SSO application (docs/idp/jumpcloud.md), replayed. */
describe('JumpCloud', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const person = (username: string, employeeIdentifier: string): JumpCloudUser => ({
    username,
    firstname: username.split('@')[0].split('.')[0],
    lastname: 'Cloud',
    employeeIdentifier,
  });
  const create = async (client: ScimClient, user: JumpCloudUser) => {
    await client.get('/Users', jumpcloudLookup(user.username)).expect(200);
    return (await client.post('/Users', jumpcloudCreateUser(user)).expect(201)).body.id as string;
  };

  it('Test Connection: the test user and test group are created and deleted again', async () => {
    const { tenant, client } = await idpOrganization(app, 'jumpcloud');
    const testUser = person('nobody.test@jumpcloud-example.com', 'jc-test');

    const missing = await client.get('/Users', jumpcloudLookup(testUser.username)).expect(200);
    expect(missing.body).toMatchObject({ totalResults: 0, Resources: [] });
    const userId = (await client.post('/Users', jumpcloudCreateUser(testUser)).expect(201)).body
      .id as string;
    const groupId = (
      await client
        .post('/Groups', jumpcloudCreateGroup('JumpCloud Test Group', [userId]))
        .expect(201)
    ).body.id as string;
    expect(await scimGroupMembers(client, groupId)).toEqual([userId]);

    await client.delete(`/Groups/${groupId}`).expect(204);
    await client.delete(`/Users/${userId}`).expect(204);
    await client.get(`/Groups/${groupId}`).expect(404);
    await client.get(`/Users/${userId}`).expect(404);
    expect((await client.get('/Groups').expect(200)).body.totalResults).toBe(0);
    expect(
      (await client.get('/Users', jumpcloudLookup(testUser.username)).expect(200)).body,
    ).toMatchObject({ totalResults: 0 });
    // Admins still see the test user, deactivated, holding no seat.
    expect((await adminUser(app, tenant, userId)).status).toBe('deactivated');
    expect((await seats(app, tenant))['Default license pool'].used).toBe(0);
  });

  it('users: lookups, create, pool from the SAML attribute, PATCH and PUT updates, deprovision, restore, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'jumpcloud', {
      saml: true,
      pool: { name: 'Field', capacity: 1 },
    });
    const dana = person('dana.ops@jumpcloud-example.com', 'E-1001');
    const eli = person('eli.ops@jumpcloud-example.com', 'E-1002');

    const id = await create(client, dana);
    const eliId = await create(client, eli);
    for (const filter of [
      `userName eq "${dana.username}"`,
      `externalId eq "E-1001"`,
      `emails.value eq "${dana.username}"`,
    ]) {
      const found = await client.get('/Users', { filter }).expect(200);
      expect([filter, found.body.totalResults, found.body.Resources[0]?.id]).toEqual([
        filter,
        1,
        id,
      ]);
    }
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      externalId: 'E-1001',
      licensePool: { name: 'Default license pool' },
    });

    // The pool comes from the SAML attribute: the first sign-in moves the user and takes the seat.
    expect((await idpSignIn(app, tenant, jumpcloudSamlAssertion(dana, 'field'))).status).toBe(303);
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'active',
      licensePool: { name: 'Field' },
    });
    expect((await seats(app, tenant)).Field).toMatchObject({ used: 1, remaining: 0 });

    // Field is full now: Eli's sign-in is refused and changes nothing.
    const full = await idpSignIn(app, tenant, jumpcloudSamlAssertion(eli, 'Field'));
    expect(full.status).toBe(403);
    expect(full.text).toContain('Field');
    expect(await lastSignIn(app, tenant)).toMatchObject({
      outcome: 'refused',
      reason: 'pool_full',
    });
    expect(await adminUser(app, tenant, eliId)).toMatchObject({
      status: 'provisioned',
      licensePool: { name: 'Default license pool' },
    });
    expect((await seats(app, tenant))['Default license pool'].used).toBe(0);

    const patched = await client
      .patchBody(
        `/Users/${id}`,
        jumpcloudUpdateUser({
          'name.givenName': 'Dana',
          'name.familyName': 'Operations',
          displayName: 'Dana Operations',
        }),
      )
      .expect(200);
    expect(patched.body).toMatchObject({
      name: { givenName: 'Dana', familyName: 'Operations' },
      displayName: 'Dana Operations',
      active: true,
    });
    expect(await adminUser(app, tenant, id)).toMatchObject({
      givenName: 'Dana',
      familyName: 'Operations',
      status: 'active',
    });

    // A PUT without `active` replaces the profile and leaves the status alone.
    const replaced = await client.put(
      `/Users/${id}`,
      jumpcloudReplaceUser(id, { ...dana, lastname: 'Ops' }),
    );
    expect([replaced.status, replaced.body.active]).toEqual([200, true]);
    expect(await adminUser(app, tenant, id)).toMatchObject({
      familyName: 'Ops',
      status: 'active',
      licensePool: { name: 'Field' },
    });
    expect((await seats(app, tenant)).Field.used).toBe(1);

    await client.patchBody(`/Users/${id}`, jumpcloudDeprovision).expect(200);
    expect((await client.get(`/Users/${id}`).expect(200)).body.active).toBe(false);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant)).Field.used).toBe(0);

    // With Dana's seat free, Eli's sign-in now fits.
    expect((await idpSignIn(app, tenant, jumpcloudSamlAssertion(eli, 'Field'))).status).toBe(303);
    expect((await adminUser(app, tenant, eliId)).licensePool.name).toBe('Field');
    // …and Dana cannot come back into the full pool.
    const blocked = await client.patchBody(`/Users/${id}`, jumpcloudRestore);
    expect([blocked.status, blocked.body.scimType]).toEqual([400, 'invalidValue']);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');

    await client.patchBody(`/Users/${eliId}`, jumpcloudDeprovision).expect(200);
    await client.patchBody(`/Users/${id}`, jumpcloudRestore).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('active');
    expect((await seats(app, tenant)).Field.used).toBe(1);

    await client.delete(`/Users/${id}`).expect(204);
    await client.get(`/Users/${id}`).expect(404);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant)).Field.used).toBe(0);
  });

  it('groups: create with members, take over by name, add and remove, rename by PATCH and PUT, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'jumpcloud');
    const [a, b, c] = [
      await create(client, person('a.user@jumpcloud-example.com', 'E-1')),
      await create(client, person('b.user@jumpcloud-example.com', 'E-2')),
      await create(client, person('c.user@jumpcloud-example.com', 'E-3')),
    ];

    const created = await client
      .post('/Groups', jumpcloudCreateGroup('Field Team', [a, b]))
      .expect(201);
    const id = created.body.id as string;
    expect(await scimGroupMembers(client, id)).toEqual([a, b].sort());
    expect((await adminUsers(app, tenant, { groupId: id })).map((u) => u.id).sort()).toEqual(
      [a, b].sort(),
    );

    // A group of the same name made by an admin is found by name and taken over.
    const adminGroup = (
      await app
        .http()
        .post('/api/v1/groups')
        .set('Authorization', tenant.auth)
        .send({ displayName: 'Managers' })
        .expect(201)
    ).body.id as string;
    const found = await client.get('/Groups', jumpcloudGroupLookup('managers')).expect(200);
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([adminGroup]);
    await client.patchBody(`/Groups/${adminGroup}`, jumpcloudAddMembers([c])).expect(204);
    expect(
      (
        await app
          .http()
          .get(`/api/v1/groups/${adminGroup}`)
          .set('Authorization', tenant.auth)
          .expect(200)
      ).body,
    ).toMatchObject({ scimManaged: true, memberCount: 1 });

    await client.patchBody(`/Groups/${id}`, jumpcloudAddMembers([c])).expect(204);
    await client.patchBody(`/Groups/${id}`, jumpcloudAddMembers([c])).expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([a, b, c].sort());
    await client.patchBody(`/Groups/${id}`, jumpcloudRemoveMembers([a])).expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([b, c].sort());

    // Deactivated users keep their memberships.
    await client.patchBody(`/Users/${b}`, jumpcloudDeprovision).expect(200);
    expect(await scimGroupMembers(client, id)).toEqual([b, c].sort());

    await client.patchBody(`/Groups/${id}`, jumpcloudRenameGroup('Field Crew')).expect(204);
    expect((await client.get(`/Groups/${id}`).expect(200)).body.displayName).toBe('Field Crew');
    const taken = await client.patchBody(`/Groups/${id}`, jumpcloudRenameGroup('MANAGERS'));
    expect([taken.status, taken.body.scimType]).toEqual([409, 'uniqueness']);

    // A rename by PUT without members keeps the members.
    const put = await client.put(`/Groups/${id}`, jumpcloudReplaceGroup(id, 'Field Staff'));
    expect(put.status).toBe(200);
    expect((await client.get(`/Groups/${id}`).expect(200)).body.displayName).toBe('Field Staff');
    expect(await scimGroupMembers(client, id)).toEqual([b, c].sort());

    await client.delete(`/Groups/${id}`).expect(204);
    await client.get(`/Groups/${id}`).expect(404);
    expect((await client.get(`/Users/${c}`).expect(200)).body.active).toBe(true);
    expect((await adminUser(app, tenant, a)).status).toBe('provisioned');
  });
});

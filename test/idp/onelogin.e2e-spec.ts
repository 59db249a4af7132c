import {
  oneloginAddMembers,
  oneloginConnectionProbe,
  oneloginCreateGroup,
  oneloginEmailObjectUser,
  oneloginFullTemplateUser,
  oneloginGroupList,
  oneloginLookup,
  type OneLoginPerson,
  oneloginRemoveMembers,
  oneloginRenameGroup,
  oneloginSamlAssertion,
  oneloginTemplateUser,
} from '../fixtures/onelogin';
import {
  adminUser,
  adminUsers,
  idpOrganization,
  idpSignIn,
  seats,
  scimGroupMembers,
} from '../support/idp-sequence';
import { startTestApp, type TestApp } from '../support/test-app';

const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';

/** OneLogin's "SCIM Provisioner with SAML" sequences (docs/idp/onelogin.md), replayed. */
describe('OneLogin', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('enable, create from the template, sign in, PUT updates, suspend, unsuspend, delete, re-create', async () => {
    const { tenant, client } = await idpOrganization(app, 'onelogin', {
      saml: true,
      pool: { name: 'Support', capacity: 2 },
    });
    const person: OneLoginPerson = {
      email: 'kim.lee@onelogin-example.com',
      firstname: 'Kim',
      lastname: 'Lee',
      licensePoolName: 'Support',
    };

    const probe = await client.get('/Users', oneloginConnectionProbe).expect(200);
    expect(probe.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      Resources: [],
    });

    expect(
      (await client.get('/Users', oneloginLookup(person.email)).expect(200)).body,
    ).toMatchObject({ totalResults: 0 });
    const created = await client.post('/Users', oneloginTemplateUser(person)).expect(201);
    const id = created.body.id as string;
    const read = await client.get(`/Users/${id}`).expect(200);
    expect(read.body).toMatchObject({
      userName: person.email,
      name: { givenName: 'Kim', familyName: 'Lee' },
      displayName: 'Kim Lee',
      emails: [{ value: person.email, type: 'work', primary: true }],
      active: true,
      [ROLLCALL]: { licensePoolName: 'Support' },
    });
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      scimManaged: true,
      licensePool: { name: 'Support' },
    });
    expect((await seats(app, tenant)).Support.used).toBe(0);

    const signedIn = await idpSignIn(app, tenant, oneloginSamlAssertion(person));
    expect(signedIn.status).toBe(303);
    expect((await adminUser(app, tenant, id)).status).toBe('active');
    expect((await seats(app, tenant)).Support).toMatchObject({ used: 1, remaining: 1 });

    // Update User: the template again, whole, by PUT; it carries no `active`.
    const renamed = { ...person, lastname: 'Lee-Park' };
    const put = await client.put(`/Users/${id}`, oneloginTemplateUser(renamed));
    expect([put.status, put.body.active]).toEqual([200, true]);
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'active',
      familyName: 'Lee-Park',
      displayName: 'Kim Lee-Park',
      licensePool: { name: 'Support' },
    });
    expect((await seats(app, tenant)).Support.used).toBe(1);

    // A template without the pool parameter leaves the pool as it is.
    await client
      .put(`/Users/${id}`, oneloginTemplateUser({ ...renamed, licensePoolName: undefined }))
      .expect(200);
    expect((await adminUser(app, tenant, id)).licensePool.name).toBe('Support');

    // `"emails": {…}` in the template: one object, read as a list of one.
    await client.put(`/Users/${id}`, oneloginEmailObjectUser(renamed)).expect(200);
    expect((await client.get(`/Users/${id}`).expect(200)).body.emails).toEqual([
      expect.objectContaining({ value: person.email, type: 'work' }),
    ]);
    expect((await adminUser(app, tenant, id)).status).toBe('active');

    // Suspend: the longer template's "active": "{$user.active}" comes as "false".
    await client.put(`/Users/${id}`, oneloginFullTemplateUser(renamed, 'false')).expect(200);
    expect((await client.get(`/Users/${id}`).expect(200)).body.active).toBe(false);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant)).Support.used).toBe(0);
    expect((await idpSignIn(app, tenant, oneloginSamlAssertion(person))).status).toBe(403);

    await client.put(`/Users/${id}`, oneloginFullTemplateUser(renamed, 'true')).expect(200);
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'active',
      licensePool: { name: 'Support' },
    });
    expect((await seats(app, tenant)).Support.used).toBe(1);
    expect(
      await app.dataSource.query(
        'SELECT recipient, kind FROM outbox_messages WHERE organization_id = $1',
        [tenant.id],
      ),
    ).toEqual([{ recipient: person.email, kind: 'user_reactivated' }]);

    // Delete (the app's "Delete" choice): deactivated, hidden from SCIM, seat freed.
    await client.delete(`/Users/${id}`).expect(204);
    await client.get(`/Users/${id}`).expect(404);
    expect(
      (await client.get('/Users', oneloginLookup(person.email)).expect(200)).body,
    ).toMatchObject({ totalResults: 0 });
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant)).Support.used).toBe(0);

    // Given access again: the same user comes back.
    const again = await client.post('/Users', oneloginTemplateUser(person)).expect(201);
    expect(again.body.id).toBe(id);
    expect((await adminUser(app, tenant, id)).status).toBe('active');
  });

  it('groups: refresh entitlements, create, take over an admin group, add and remove members, rename', async () => {
    const { tenant, client } = await idpOrganization(app, 'onelogin');
    const ids: string[] = [];
    for (const [firstname, lastname] of [
      ['Ana', 'One'],
      ['Ben', 'Two'],
      ['Cy', 'Three'],
    ]) {
      const email = `${firstname.toLowerCase()}@onelogin-example.com`;
      ids.push(
        (
          await client
            .post('/Users', oneloginTemplateUser({ email, firstname, lastname }))
            .expect(201)
        ).body.id,
      );
    }
    const [ana, ben, cy] = ids;

    // An admin offers a group before OneLogin creates any.
    const adminGroup = await app
      .http()
      .post('/api/v1/groups')
      .set('Authorization', tenant.auth)
      .send({ displayName: 'Support Team' })
      .expect(201);
    const entitlements = await client.get('/Groups', oneloginGroupList).expect(200);
    expect(entitlements.body.Resources).toEqual([
      expect.objectContaining({ id: adminGroup.body.id, displayName: 'Support Team' }),
    ]);

    const created = await client.post('/Groups', oneloginCreateGroup('Engineering')).expect(201);
    const engineering = created.body.id as string;
    expect(created.body).toMatchObject({ displayName: 'Engineering', members: [] });
    const duplicate = await client.post('/Groups', oneloginCreateGroup('ENGINEERING'));
    expect([duplicate.status, duplicate.body.scimType]).toEqual([409, 'uniqueness']);

    await client.patchBody(`/Groups/${engineering}`, oneloginAddMembers([ana, ben])).expect(204);
    expect(await scimGroupMembers(client, engineering)).toEqual([ana, ben].sort());
    await client.patchBody(`/Groups/${engineering}`, oneloginAddMembers([ana])).expect(204);
    expect(await scimGroupMembers(client, engineering)).toEqual([ana, ben].sort());

    // The first SCIM write to the admin's group takes it over.
    await client.patchBody(`/Groups/${adminGroup.body.id}`, oneloginAddMembers([cy])).expect(204);
    expect(await scimGroupMembers(client, adminGroup.body.id)).toEqual([cy]);
    const takenOver = await app
      .http()
      .get(`/api/v1/groups/${adminGroup.body.id}`)
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(takenOver.body).toMatchObject({ scimManaged: true, memberCount: 1 });

    await client.patchBody(`/Groups/${engineering}`, oneloginRemoveMembers([ana, ben])).expect(204);
    expect(await scimGroupMembers(client, engineering)).toEqual([]);
    expect(await adminUsers(app, tenant, { groupId: engineering })).toEqual([]);
    await client.patchBody(`/Groups/${engineering}`, oneloginRemoveMembers([ana])).expect(204);

    await client
      .patchBody(`/Groups/${engineering}`, oneloginRenameGroup('Engineering (EU)'))
      .expect(204);
    expect((await client.get(`/Groups/${engineering}`).expect(200)).body.displayName).toBe(
      'Engineering (EU)',
    );
    // Users stay as they were.
    expect((await adminUser(app, tenant, ana)).status).toBe('provisioned');
  });
});

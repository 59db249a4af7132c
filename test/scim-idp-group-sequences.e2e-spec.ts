import {
  entraAddMember,
  entraCreateGroup,
  entraGroupLookup,
  entraMembershipCheck,
  entraRemoveMemberCompliant,
  entraRemoveMemberLegacy,
  entraRenameGroup,
} from './fixtures/entra-groups';
import {
  oktaCreateGroup,
  oktaGroupImport,
  oktaGroupLookup,
  oktaRenameGroup,
  oktaReplaceGroup,
  oktaUpdateMembers,
} from './fixtures/okta-groups';
import { aScimTenant } from './support/factories';
import { scimClient, scimUsers } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';

describe('group provisioning sequences real identity providers send', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const members = async (groupId: string): Promise<string[]> =>
    (
      await app.dataSource.query(
        'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id',
        [groupId],
      )
    ).map((row: { user_id: string }) => row.user_id);

  it('Entra ID: lookup, create, add and remove members one by one (both dialects), rename, delete', async () => {
    const client = scimClient(app, await aScimTenant(app));
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
    expect(await members(id)).toEqual([first, second, third].sort());
    await client.patchBody(`/Groups/${id}`, entraAddMember(first)).expect(204);

    const check = await client.get('/Groups', entraMembershipCheck(id, second)).expect(200);
    expect(check.body.totalResults).toBe(1);

    await client.patchBody(`/Groups/${id}`, entraRemoveMemberLegacy(second)).expect(204);
    await client.patchBody(`/Groups/${id}`, entraRemoveMemberCompliant(third)).expect(204);
    expect(await members(id)).toEqual([first]);
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
    expect(await members(id)).toEqual([]);
    // The users stay, and no longer list the group.
    const user = await client.get(`/Users/${first}`).expect(200);
    expect(user.body.active).toBe(true);
  });

  it('Okta: import, lookup, create, rename, membership PATCH, PUT with members, delete', async () => {
    const client = scimClient(app, await aScimTenant(app));
    const [one, two] = await scimUsers(client, ['one@okta.local', 'two@okta.local']);
    const name = 'Test SCIMv2';

    const none = await client.get('/Groups', oktaGroupLookup(name)).expect(200);
    expect(none.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    const created = await client.post('/Groups', oktaCreateGroup(name)).expect(201);
    const id = created.body.id as string;
    expect(created.body.members).toEqual([]);
    const looked = await client.get('/Groups', oktaGroupLookup(name)).expect(200);
    expect(looked.body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });

    await client.patchBody(`/Groups/${id}`, oktaRenameGroup(id, 'Test SCIMv2 renamed')).expect(204);

    await client
      .patchBody(
        `/Groups/${id}`,
        oktaUpdateMembers([], [{ value: one, display: 'one@okta.local' }]),
      )
      .expect(204);
    await client
      .patchBody(
        `/Groups/${id}`,
        oktaUpdateMembers([one], [{ value: two, display: 'two@okta.local' }]),
      )
      .expect(204);
    expect(await members(id)).toEqual([two]);

    const put = await client
      .put(
        `/Groups/${id}`,
        oktaReplaceGroup(id, 'Test SCIMv2 renamed', [
          { value: one, display: 'one@okta.local' },
          { value: two, display: 'two@okta.local' },
        ]),
      )
      .expect(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([one, two].sort());
    expect(put.body.displayName).toBe('Test SCIMv2 renamed');

    const imported = await client.get('/Groups', oktaGroupImport).expect(200);
    expect(imported.body.Resources).toEqual([
      expect.objectContaining({ id, displayName: 'Test SCIMv2 renamed' }),
    ]);
    expect(imported.body.Resources[0].members).toBeUndefined();

    await client.delete(`/Groups/${id}`).expect(204);
    const after = await client.get('/Groups', oktaGroupImport).expect(200);
    expect(after.body.totalResults).toBe(0);
    await client.get(`/Users/${one}`).expect(200);
  });
});

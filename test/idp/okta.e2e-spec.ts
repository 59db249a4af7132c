import {
  oktaCreateGroup,
  oktaGroupImport,
  oktaGroupLookup,
  oktaRenameGroup,
  oktaReplaceGroup,
  oktaUpdateMembers,
} from '../fixtures/okta-groups';
import {
  oktaCreateUser,
  oktaCreateUserInPool,
  oktaDeactivate,
  oktaLookup,
  oktaPutUser,
  oktaReactivate,
  oktaSamlAssertion,
  oktaUpdateProfile,
} from '../fixtures/okta';
import {
  adminUser,
  adminUsers,
  idpOrganization,
  idpSignIn,
  lastSignIn,
  seats,
  scimGroupMembers,
} from '../support/idp-sequence';
import { sessionCookie } from '../support/saml';
import { scimUsers } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';

const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
/** What Okta's lookups (of users and of groups) expect when nothing matches. */
const EMPTY_LIST = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 0,
  startIndex: 1,
  itemsPerPage: 0,
  Resources: [],
};

/** Okta's documented SCIM 2.0 and SAML sequences (docs/idp/okta.md), replayed against the app. */
describe('Okta', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('lookup with paging, create with a password, PUT updates, deactivate and reactivate', async () => {
    const { tenant, client } = await idpOrganization(app, 'okta');
    const login = 'test.user@okta.local';

    const empty = await client.get('/Users', oktaLookup(login)).expect(200);
    expect(empty.body).toEqual(EMPTY_LIST);

    const created = await client.post('/Users', oktaCreateUser(login)).expect(201);
    const id = created.body.id as string;
    expect(created.body.password).toBeUndefined();
    expect(
      JSON.stringify(await app.dataSource.query('SELECT * FROM users WHERE id = $1', [id])),
    ).not.toContain('1mz050nq');
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      scimManaged: true,
      externalId: '00ujl29u0le5T6Aj10h7',
      licensePool: { name: 'Default license pool' },
    });

    const lookedUp = await client.get('/Users', oktaLookup(login)).expect(200);
    expect(lookedUp.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(typeof lookedUp.body.totalResults).toBe('number');

    const put = await client.put(`/Users/${id}`, oktaPutUser(id, login, 'Renamed')).expect(200);
    expect(put.body).toMatchObject({
      id,
      name: { givenName: 'Renamed' },
      displayName: 'Renamed User',
      active: true,
    });
    expect((await client.get(`/Users/${id}`).expect(200)).body.name.givenName).toBe('Renamed');

    const profile = await client.patch(`/Users/${id}`, oktaUpdateProfile.Operations).expect(200);
    expect(profile.body.name).toEqual({ givenName: 'Another', familyName: 'Name' });
    expect(await adminUser(app, tenant, id)).toMatchObject({
      givenName: 'Another',
      familyName: 'Name',
    });

    const off = await client.patchBody(`/Users/${id}`, oktaDeactivate).expect(200);
    expect(off.body.active).toBe(false);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await client.get(`/Users/${id}`).expect(200)).body.active).toBe(false);

    const on = await client.patchBody(`/Users/${id}`, oktaReactivate).expect(200);
    expect(on.body.active).toBe(true);
    expect((await adminUser(app, tenant, id)).status).toBe('provisioned');
    const emails = await app.dataSource.query(
      `SELECT recipient, kind FROM outbox_messages WHERE organization_id = $1`,
      [tenant.id],
    );
    expect(emails).toEqual([{ recipient: login, kind: 'user_reactivated' }]);

    // Okta can also deactivate with PUT active=false.
    await client
      .put(`/Users/${id}`, { ...oktaPutUser(id, login, 'Renamed'), active: false })
      .expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
  });

  it('re-creating a deleted userName reactivates the same user and sends one reactivation email', async () => {
    const { tenant, client } = await idpOrganization(app, 'okta');
    const first = await client.post('/Users', oktaCreateUser('again@example.com')).expect(201);
    await client.delete(`/Users/${first.body.id}`).expect(204);
    await client.get(`/Users/${first.body.id}`).expect(404);
    expect((await adminUser(app, tenant, first.body.id)).status).toBe('deactivated');
    const noEmailYet = await app.dataSource.query(
      'SELECT 1 FROM outbox_messages WHERE organization_id = $1',
      [tenant.id],
    );
    expect(noEmailYet).toHaveLength(0);

    const second = await client.post('/Users', oktaCreateUser('AGAIN@example.com')).expect(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.active).toBe(true);
    expect((await adminUser(app, tenant, second.body.id)).status).toBe('provisioned');
    const emails = await app.dataSource.query(
      'SELECT kind FROM outbox_messages WHERE organization_id = $1',
      [tenant.id],
    );
    expect(emails).toEqual([{ kind: 'user_reactivated' }]);
    await client.get(`/Users/${first.body.id}`).expect(200);
  });

  it('Push Groups: import, lookup, create, rename, membership PATCH, PUT with members, delete', async () => {
    const { tenant, client } = await idpOrganization(app, 'okta');
    const [one, two] = await scimUsers(client, ['one@okta.local', 'two@okta.local']);
    const name = 'Test SCIMv2';

    const none = await client.get('/Groups', oktaGroupLookup(name)).expect(200);
    expect(none.body).toEqual(EMPTY_LIST);

    const created = await client.post('/Groups', oktaCreateGroup(name)).expect(201);
    const id = created.body.id as string;
    expect(created.body.members).toEqual([]);
    const looked = await client.get('/Groups', oktaGroupLookup(name)).expect(200);
    expect(looked.body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });

    await client.patchBody(`/Groups/${id}`, oktaRenameGroup(id, 'Test SCIMv2 renamed')).expect(204);
    expect((await client.get(`/Groups/${id}`).expect(200)).body.displayName).toBe(
      'Test SCIMv2 renamed',
    );

    await client
      .patchBody(
        `/Groups/${id}`,
        oktaUpdateMembers([], [{ value: one, display: 'one@okta.local' }]),
      )
      .expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([one]);
    await client
      .patchBody(
        `/Groups/${id}`,
        oktaUpdateMembers([one], [{ value: two, display: 'two@okta.local' }]),
      )
      .expect(204);
    expect(await scimGroupMembers(client, id)).toEqual([two]);
    expect((await adminUsers(app, tenant, { groupId: id })).map((u) => u.id)).toEqual([two]);

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
    expect(await scimGroupMembers(client, id)).toEqual([one, two].sort());

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

  it('assigned into a pool, signs in over SAML (seat taken), is deactivated (seat freed) and reactivated', async () => {
    const { tenant, client } = await idpOrganization(app, 'okta', {
      saml: true,
      pool: { name: 'Sales', capacity: 2 },
    });
    const login = 'pooled.user@okta.local';

    await client.get('/Users', oktaLookup(login)).expect(200);
    const created = await client.post('/Users', oktaCreateUserInPool(login, 'sales')).expect(201);
    const id = created.body.id as string;
    expect((await client.get(`/Users/${id}`).expect(200)).body[ROLLCALL]).toEqual({
      licensePoolName: 'Sales',
    });
    expect(await adminUser(app, tenant, id)).toMatchObject({
      status: 'provisioned',
      licensePool: { name: 'Sales' },
      lastLoginAt: null,
    });
    expect((await seats(app, tenant)).Sales).toMatchObject({ used: 0, remaining: 2 });

    const signedIn = await idpSignIn(
      app,
      tenant,
      oktaSamlAssertion(login, { licensePoolName: 'Sales' }),
    );
    expect(signedIn.status).toBe(303);
    expect(sessionCookie(signedIn)).toMatch(/^rollcall_session=/);
    const active = await adminUser(app, tenant, id);
    expect(active).toMatchObject({ status: 'active', licensePool: { name: 'Sales' } });
    expect(active.lastLoginAt).not.toBeNull();
    expect((await seats(app, tenant)).Sales).toMatchObject({ used: 1, remaining: 1 });
    expect(await lastSignIn(app, tenant)).toMatchObject({ outcome: 'success', userId: id });

    await client.patchBody(`/Users/${id}`, oktaDeactivate).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('deactivated');
    expect((await seats(app, tenant)).Sales.used).toBe(0);
    const refused = await idpSignIn(app, tenant, oktaSamlAssertion(login));
    expect(refused.status).toBe(403);
    expect((await seats(app, tenant)).Sales.used).toBe(0);

    await client.patchBody(`/Users/${id}`, oktaReactivate).expect(200);
    expect((await adminUser(app, tenant, id)).status).toBe('active');
    expect((await seats(app, tenant)).Sales.used).toBe(1);
    expect((await idpSignIn(app, tenant, oktaSamlAssertion(login))).status).toBe(303);
  });
});

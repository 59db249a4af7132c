import {
  entraCreateUser,
  entraDisableCompliant,
  entraDisableLegacy,
  entraEnableLegacy,
  entraManagerRemove,
  entraTestConnectionFilter,
  entraUpdateCompliant,
  entraUpdateLegacy,
} from './fixtures/entra';
import {
  oktaCreateUser,
  oktaDeactivate,
  oktaLookup,
  oktaPutUser,
  oktaReactivate,
  oktaUpdateProfile,
} from './fixtures/okta';
import { aScimTenant, type ScimTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('provisioning sequences real identity providers send', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const scim = (tenant: ScimTenant) => ({
    get: (path: string, query: Record<string, string> = {}) =>
      app.http().get(`/scim/v2${path}`).query(query).set('Authorization', tenant.scimAuth),
    post: (path: string, body: object) =>
      app
        .http()
        .post(`/scim/v2${path}`)
        .set('Authorization', tenant.scimAuth)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body)),
    put: (path: string, body: object) =>
      app.http().put(`/scim/v2${path}`).set('Authorization', tenant.scimAuth).send(body),
    patch: (path: string, body: object) =>
      app
        .http()
        .patch(`/scim/v2${path}`)
        .set('Authorization', tenant.scimAuth)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body)),
    delete: (path: string) =>
      app.http().delete(`/scim/v2${path}`).set('Authorization', tenant.scimAuth),
  });

  async function status(id: string): Promise<string> {
    const [row] = await app.dataSource.query('SELECT status FROM users WHERE id = $1', [id]);
    return row.status as string;
  }

  it('Entra ID: test connection, create, update (both PATCH dialects), disable, enable, delete', async () => {
    const tenant = await aScimTenant(app);
    const client = scim(tenant);

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
    expect(await status(id)).toBe('provisioned');

    // Entra finds the user again by userName before every update.
    const found = await client
      .get('/Users', { filter: `userName eq "${body.userName.toUpperCase()}"` })
      .expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const legacy = await client.patch(`/Users/${id}`, entraUpdateLegacy).expect(200);
    expect(legacy.body).toMatchObject({
      emails: [expect.objectContaining({ type: 'work', value: 'updatedEmail@contoso.com' })],
      name: { familyName: 'updatedFamilyName', givenName: 'givenName' },
      title: 'Tour Guide',
      [ENTERPRISE]: { department: 'Marketing', employeeNumber: '701984' },
    });

    const compliant = await client.patch(`/Users/${id}`, entraUpdateCompliant).expect(200);
    expect(compliant.body).toMatchObject({
      displayName: 'Updated Display Name',
      name: { givenName: 'updatedGivenName', familyName: 'updatedFamilyName' },
      [ENTERPRISE]: { employeeNumber: '99' },
    });

    const noManager = await client.patch(`/Users/${id}`, entraManagerRemove).expect(200);
    expect(noManager.body[ENTERPRISE].manager).toBeUndefined();

    const disabled = await client.patch(`/Users/${id}`, entraDisableLegacy).expect(200);
    expect(disabled.body.active).toBe(false);
    expect(await status(id)).toBe('deactivated');
    // Deactivated users are still found by filters.
    const stillFound = await client
      .get('/Users', { filter: `externalId eq "${body.externalId}"` })
      .expect(200);
    expect(stillFound.body.Resources[0]).toMatchObject({ id, active: false });

    await client.patch(`/Users/${id}`, entraEnableLegacy).expect(200);
    expect(await status(id)).toBe('provisioned');
    await client.patch(`/Users/${id}`, entraDisableCompliant).expect(200);
    expect(await status(id)).toBe('deactivated');

    await client.delete(`/Users/${id}`).expect(204);
    await client.get(`/Users/${id}`).expect(404);
    await client.patch(`/Users/${id}`, entraEnableLegacy).expect(404);
    expect(await status(id)).toBe('deactivated');
  });

  it('Okta: lookup with paging, create with a password, PUT updates, deactivate and reactivate', async () => {
    const tenant = await aScimTenant(app);
    const client = scim(tenant);
    const login = 'test.user@okta.local';

    const empty = await client.get('/Users', oktaLookup(login)).expect(200);
    expect(empty.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    const created = await client.post('/Users', oktaCreateUser(login)).expect(201);
    const id = created.body.id as string;
    expect(created.body.password).toBeUndefined();
    expect(
      JSON.stringify(await app.dataSource.query('SELECT * FROM users WHERE id = $1', [id])),
    ).not.toContain('1mz050nq');

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

    const profile = await client.patch(`/Users/${id}`, oktaUpdateProfile).expect(200);
    expect(profile.body.name).toEqual({ givenName: 'Another', familyName: 'Name' });

    const off = await client.patch(`/Users/${id}`, oktaDeactivate).expect(200);
    expect(off.body.active).toBe(false);
    expect(await status(id)).toBe('deactivated');

    const on = await client.patch(`/Users/${id}`, oktaReactivate).expect(200);
    expect(on.body.active).toBe(true);
    expect(await status(id)).toBe('provisioned');
    const emails = await app.dataSource.query(
      `SELECT recipient, kind FROM outbox_messages WHERE organization_id = $1`,
      [tenant.id],
    );
    expect(emails).toEqual([{ recipient: login, kind: 'user_reactivated' }]);

    // Okta can also deactivate with PUT active=false.
    await client
      .put(`/Users/${id}`, { ...oktaPutUser(id, login, 'Renamed'), active: false })
      .expect(200);
    expect(await status(id)).toBe('deactivated');
  });

  it('re-creating a deleted userName reactivates the same user and sends one reactivation email', async () => {
    const tenant = await aScimTenant(app);
    const client = scim(tenant);
    const first = await client.post('/Users', oktaCreateUser('again@example.com')).expect(201);
    await client.delete(`/Users/${first.body.id}`).expect(204);
    const noEmailYet = await app.dataSource.query(
      'SELECT 1 FROM outbox_messages WHERE organization_id = $1',
      [tenant.id],
    );
    expect(noEmailYet).toHaveLength(0);

    const second = await client.post('/Users', oktaCreateUser('AGAIN@example.com')).expect(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.active).toBe(true);
    expect(await status(second.body.id)).toBe('provisioned');
    const emails = await app.dataSource.query(
      'SELECT kind FROM outbox_messages WHERE organization_id = $1',
      [tenant.id],
    );
    expect(emails).toEqual([{ kind: 'user_reactivated' }]);
    await client.get(`/Users/${first.body.id}`).expect(200);
  });
});

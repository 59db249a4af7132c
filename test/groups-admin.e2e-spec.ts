import { aScimTenant, type ScimTenant } from './support/factories';
import { scimClient, type ScimClient, scimUsers } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';

const NOWHERE = '00000000-0000-4000-8000-000000000000';

describe('admin API: groups', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let users: string[];
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    users = await scimUsers(scim, ['a1@example.com', 'a2@example.com', 'a3@example.com']);
  });
  afterAll(() => app.close());

  const api = (auth = tenant.auth) => ({
    get: (path: string, query: Record<string, string | number> = {}) =>
      app.http().get(`/api/v1/groups${path}`).query(query).set('Authorization', auth),
    post: (path: string, body: object) =>
      app.http().post(`/api/v1/groups${path}`).set('Authorization', auth).send(body),
    patch: (path: string, body: object) =>
      app.http().patch(`/api/v1/groups${path}`).set('Authorization', auth).send(body),
    delete: (path: string) => app.http().delete(`/api/v1/groups${path}`).set('Authorization', auth),
  });

  it('creates, renames and deletes manual groups; names are unique in any case', async () => {
    const created = await api().post('', { displayName: 'Onboarding cohort' }).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      displayName: 'Onboarding cohort',
      externalId: null,
      scimManaged: false,
      readOnly: false,
      memberCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const duplicate = await api().post('', { displayName: 'ONBOARDING cohort' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(duplicate.body).toMatchObject({ code: 'uniqueness', status: 409 });
    const renamed = await api()
      .patch(`/${created.body.id}`, { displayName: 'Cohort 12' })
      .expect(200);
    expect(renamed.body.displayName).toBe('Cohort 12');
    for (const body of [
      {},
      { displayName: '   ' },
      { displayName: 'x'.repeat(257) },
      { displayName: 'A', extra: 1 },
    ]) {
      const response = await api().post('', body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(response.body.code).toBe('validation_failed');
    }
    await api().delete(`/${created.body.id}`).expect(204);
    await api().get(`/${created.body.id}`).expect(404);
  });

  it('adds and removes members, all or nothing', async () => {
    const group = (await api().post('', { displayName: 'Members' }).expect(201)).body;
    const added = await api()
      .post(`/${group.id}/members`, { userIds: [users[0], users[1], users[0]] })
      .expect(200);
    expect(added.body.memberCount).toBe(2);
    const other = await aScimTenant(app);
    const [foreign] = await scimUsers(scimClient(app, other), ['foreign@example.com']);
    for (const userIds of [[users[2], NOWHERE], [foreign]]) {
      const response = await api().post(`/${group.id}/members`, { userIds });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_value');
      expect(response.body.detail).toContain(userIds[userIds.length - 1]);
    }
    const invalid = await api().post(`/${group.id}/members`, { userIds: ['nope'] });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation_failed']);
    await api().post(`/${group.id}/members`, { userIds: [] }).expect(400);
    expect((await api().get(`/${group.id}`).expect(200)).body.memberCount).toBe(2);

    await api().delete(`/${group.id}/members/${users[0]}`).expect(204);
    await api().delete(`/${group.id}/members/${users[0]}`).expect(404);
    await api().delete(`/${group.id}/members/not-a-uuid`).expect(404);
    expect((await api().get(`/${group.id}`).expect(200)).body.memberCount).toBe(1);
  });

  it('lists groups with member counts and pages through groups and members', async () => {
    const paged = await aScimTenant(app);
    const client = scimClient(app, paged);
    const ids = await scimUsers(client, ['m1@example.com', 'm2@example.com', 'm3@example.com']);
    const admin = api(paged.auth);
    const big = (await admin.post('', { displayName: 'Big' }).expect(201)).body;
    await admin.post('', { displayName: 'Small' }).expect(201);
    await admin.post('', { displayName: 'Third' }).expect(201);
    for (const userId of ids) {
      await admin.post(`/${big.id}/members`, { userIds: [userId] }).expect(200);
    }

    const first = await admin.get('', { limit: 2 }).expect(200);
    expect(first.body.data.map((g: { displayName: string }) => g.displayName)).toEqual([
      'Big',
      'Small',
    ]);
    expect(first.body.data[0].memberCount).toBe(3);
    expect(first.body.data[1].memberCount).toBe(0);
    const second = await admin.get('', { limit: 2, cursor: first.body.nextCursor }).expect(200);
    expect(second.body).toMatchObject({ data: [{ displayName: 'Third' }], nextCursor: null });

    const page1 = await admin.get(`/${big.id}`, { limit: 2 }).expect(200);
    expect(page1.body).toMatchObject({ id: big.id, memberCount: 3, readOnly: false });
    expect(page1.body.members.data).toEqual([
      {
        userId: ids[0],
        userName: 'm1@example.com',
        displayName: null,
        status: 'provisioned',
        addedAt: expect.any(String),
      },
      expect.objectContaining({ userId: ids[1] }),
    ]);
    const page2 = await admin
      .get(`/${big.id}`, { limit: 2, cursor: page1.body.members.nextCursor })
      .expect(200);
    expect(page2.body.members).toEqual({
      data: [expect.objectContaining({ userId: ids[2] })],
      nextCursor: null,
    });
    const bad = await admin.get(`/${big.id}`, { cursor: 'bm9wZQ' });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });

  it('keeps SCIM-managed groups read-only while SCIM is on; SCIM takes over a manual group by name', async () => {
    const managed = await aScimTenant(app);
    const client = scimClient(app, managed);
    const [userId] = await scimUsers(client, ['managed@example.com']);
    const admin = api(managed.auth);
    const manual = (await admin.post('', { displayName: 'Engineering' }).expect(201)).body;
    await admin.post(`/${manual.id}/members`, { userIds: [userId] }).expect(200);

    // The IdP pushes a group with the same name: it takes the manual one over, with its members.
    const pushed = await client
      .post('/Groups', { displayName: 'engineering', externalId: 'okta-eng', members: [] })
      .expect(201);
    expect(pushed.body.id).toBe(manual.id);
    expect(pushed.body.members).toEqual([]);

    const read = await admin.get(`/${manual.id}`).expect(200);
    expect(read.body).toMatchObject({
      displayName: 'engineering',
      externalId: 'okta-eng',
      scimManaged: true,
      readOnly: true,
    });
    for (const response of [
      await admin.patch(`/${manual.id}`, { displayName: 'Mine' }),
      await admin.delete(`/${manual.id}`),
      await admin.post(`/${manual.id}/members`, { userIds: [userId] }),
      await admin.delete(`/${manual.id}/members/${userId}`),
    ]) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'scim_managed' });
      expect(response.body.detail).toContain('identity provider');
    }

    await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', managed.auth)
      .expect(204);
    expect((await admin.get(`/${manual.id}`).expect(200)).body.readOnly).toBe(false);
    await admin.patch(`/${manual.id}`, { displayName: 'Mine now' }).expect(200);
  });

  it('answers 404 for another tenant’s groups and 401 without a key', async () => {
    const group = (await api().post('', { displayName: 'Private' }).expect(201)).body;
    const other = await aScimTenant(app);
    for (const response of [
      await api(other.auth).get(`/${group.id}`),
      await api(other.auth).patch(`/${group.id}`, { displayName: 'Stolen' }),
      await api(other.auth).delete(`/${group.id}`),
      await api(other.auth).post(`/${group.id}/members`, { userIds: [users[0]] }),
      await api(other.auth).delete(`/${group.id}/members/${users[0]}`),
    ]) {
      expect(response.status).toBe(404);
    }
    expect((await api(other.auth).get('').expect(200)).body.data).toEqual([]);
    await app.http().get('/api/v1/groups').expect(401);
    await api().get(`/${group.id}`).expect(200);
  });
});

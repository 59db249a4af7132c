/**
 * The shapes identity providers write SCIM Users in (issue 19): extension attributes by their full
 * URN path (add, replace, remove, and the no-path objects Entra ID sends), the enterprise manager's
 * `$ref`, `remove` of non-required attributes and of `active`, and Okta's PUT without `active`.
 * Every write is read back twice: in the PATCH/PUT response and with a GET.
 */
import { allEvents } from './events/support';
import { aPool, aScimTenant, type ScimTenant } from './support/factories';
import { scimClient, SCIM_ERROR, type ScimClient } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
const DEFAULT_POOL = 'Default license pool';

type Json = Record<string, unknown>;

describe('SCIM User shapes', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    base = tenant.baseUrl.replace(/\/$/, '');
  });
  afterAll(() => app.close());

  let counter = 0;
  /** A new user (a unique userName) with `extra`; answers its id. */
  async function aUser(extra: Json = {}, client: ScimClient = scim): Promise<string> {
    counter += 1;
    const response = await client.post('/Users', {
      schemas: [USER, ENTERPRISE],
      userName: `shape-${counter}@example.com`,
      ...extra,
    });
    expect([response.status, response.text]).toEqual([201, expect.any(String)]);
    return (response.body as { id: string }).id;
  }

  /** PATCHes, expects 200, and answers the response body after checking a GET shows the same. */
  async function patched(id: string, operations: unknown[], client: ScimClient = scim) {
    const response = await client.patch(`/Users/${id}`, operations);
    expect([response.status, response.status === 200 ? '' : response.text]).toEqual([200, '']);
    const fetched = await client.get(`/Users/${id}`).expect(200);
    expect(withoutMeta(fetched.body as Json)).toEqual(withoutMeta(response.body as Json));
    return response.body as Json;
  }

  function withoutMeta(document: Json): Json {
    const { meta: _meta, ...rest } = document;
    return rest;
  }

  const managerRef = (id: string) => `${base}/Users/${id}`;

  async function userNameOf(id: string): Promise<string> {
    return ((await scim.get(`/Users/${id}`).expect(200)).body as { userName: string }).userName;
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const [row] = await app.dataSource.query<{ status: string }[]>(
      'SELECT status FROM users WHERE id = $1',
      [id],
    );
    return row?.status;
  }

  describe('the enterprise extension by its full URN path', () => {
    it('adds the whole extension object with path = the URN, $ref of the manager included', async () => {
      const id = await aUser();
      const value = {
        employeeNumber: '701984',
        department: 'Tour Operations',
        manager: { value: 'boss-1', $ref: managerRef('boss-1') },
      };
      const body = await patched(id, [{ op: 'add', path: ENTERPRISE, value }]);
      expect(body[ENTERPRISE]).toEqual(value);
      expect(body.schemas).toEqual([USER, ENTERPRISE, ROLLCALL]);
    });

    it('replaces each sub-attribute by its full path', async () => {
      const id = await aUser({ [ENTERPRISE]: { department: 'Old', employeeNumber: '1' } });
      const body = await patched(id, [
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Research' },
        { op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' },
        {
          op: 'replace',
          path: `${ENTERPRISE}:manager`,
          value: { value: 'boss-2', $ref: managerRef('boss-2') },
        },
      ]);
      expect(body[ENTERPRISE]).toEqual({
        department: 'Research',
        employeeNumber: '42',
        manager: { value: 'boss-2', $ref: managerRef('boss-2') },
      });
    });

    it('writes manager.value and manager.$ref by their paths', async () => {
      const id = await aUser();
      const body = await patched(id, [
        { op: 'add', path: `${ENTERPRISE}:manager.value`, value: 'boss-3' },
        { op: 'add', path: `${ENTERPRISE}:manager.$ref`, value: managerRef('boss-3') },
      ]);
      expect(body[ENTERPRISE]).toEqual({
        manager: { value: 'boss-3', $ref: managerRef('boss-3') },
      });
    });

    it('drops the $ref of the former manager when only the manager id changes (Entra sends a bare id)', async () => {
      const id = await aUser({
        [ENTERPRISE]: { manager: { value: 'boss-4', $ref: managerRef('boss-4') } },
      });
      const bare = await patched(id, [
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-5' },
      ]);
      expect(bare[ENTERPRISE]).toEqual({ manager: { value: 'boss-5' } });
      await patched(id, [
        { op: 'replace', path: `${ENTERPRISE}:manager.$ref`, value: managerRef('boss-5') },
      ]);
      const bySub = await patched(id, [
        { op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'boss-6' },
      ]);
      expect(bySub[ENTERPRISE]).toEqual({ manager: { value: 'boss-6' } });
      // The same id again keeps the reference.
      await patched(id, [
        { op: 'replace', path: `${ENTERPRISE}:manager.$ref`, value: managerRef('boss-6') },
      ]);
      const same = await patched(id, [
        { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'boss-6' } },
      ]);
      expect(same[ENTERPRISE]).toEqual({
        manager: { value: 'boss-6', $ref: managerRef('boss-6') },
      });
    });

    it('keeps the manager $ref given on POST and PUT', async () => {
      const manager = { value: 'boss-7', $ref: managerRef('boss-7') };
      const id = await aUser({ [ENTERPRISE]: { manager } });
      expect((await scim.get(`/Users/${id}`).expect(200)).body[ENTERPRISE]).toEqual({ manager });
      const userName = await userNameOf(id);
      const other = { value: 'boss-8', $ref: managerRef('boss-8') };
      const put = await scim
        .put(`/Users/${id}`, {
          schemas: [USER, ENTERPRISE],
          userName,
          [ENTERPRISE]: { manager: other },
        })
        .expect(200);
      expect(put.body[ENTERPRISE]).toEqual({ manager: other });
      expect((await scim.get(`/Users/${id}`).expect(200)).body[ENTERPRISE]).toEqual({
        manager: other,
      });
    });

    it('removes sub-attributes by their full path, and the whole extension by its URN', async () => {
      const id = await aUser({
        [ENTERPRISE]: {
          department: 'Sales',
          division: 'West',
          manager: { value: 'boss-9', $ref: managerRef('boss-9') },
        },
      });
      const some = await patched(id, [
        { op: 'remove', path: `${ENTERPRISE}:department` },
        { op: 'remove', path: `${ENTERPRISE}:manager` },
      ]);
      expect(some[ENTERPRISE]).toEqual({ division: 'West' });
      const all = await patched(id, [{ op: 'remove', path: ENTERPRISE }]);
      expect(all).not.toHaveProperty(ENTERPRISE);
      expect(all.schemas).toEqual([USER, ROLLCALL]);
    });

    it('reads the no-path objects Entra ID sends: URN-prefixed keys and a URN key holding an object', async () => {
      const id = await aUser({ [ENTERPRISE]: { department: 'Old', costCenter: 'CC-1' } });
      const prefixed = await patched(id, [
        {
          op: 'replace',
          value: {
            [`${ENTERPRISE}:department`]: 'Finance',
            [`${ENTERPRISE}:manager`]: { value: 'boss-10', $ref: managerRef('boss-10') },
          },
        },
      ]);
      expect(prefixed[ENTERPRISE]).toEqual({
        department: 'Finance',
        costCenter: 'CC-1',
        manager: { value: 'boss-10', $ref: managerRef('boss-10') },
      });
      const nested = await patched(id, [
        { op: 'add', value: { [ENTERPRISE]: { division: 'North', costCenter: 'CC-2' } } },
      ]);
      expect(nested[ENTERPRISE]).toEqual({
        department: 'Finance',
        costCenter: 'CC-2',
        division: 'North',
        manager: { value: 'boss-10', $ref: managerRef('boss-10') },
      });
    });

    it('refuses a manager.displayName write (read-only) and a wrongly typed value, changing nothing', async () => {
      const id = await aUser({ [ENTERPRISE]: { department: 'Kept' } });
      const readOnly = await scim.patch(`/Users/${id}`, [
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Changed' },
        { op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' },
      ]);
      expect([readOnly.status, readOnly.body.scimType]).toEqual([400, 'mutability']);
      const badType = await scim.patch(`/Users/${id}`, [
        { op: 'replace', path: ENTERPRISE, value: 'not an object' },
      ]);
      expect(badType.status).toBe(400);
      expect(badType.body).toMatchObject({ schemas: [SCIM_ERROR], scimType: 'invalidValue' });
      expect((await scim.get(`/Users/${id}`).expect(200)).body[ENTERPRISE]).toEqual({
        department: 'Kept',
      });
    });

    it('writes one user.updated event naming "enterprise" for a URN-path change, none for a no-op', async () => {
      const own = await aScimTenant(app);
      const client = scimClient(app, own);
      const id = await aUser({ [ENTERPRISE]: { department: 'Ops' } }, client);
      await patched(
        id,
        [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' }],
        client,
      );
      await patched(
        id,
        [{ op: 'replace', value: { [`${ENTERPRISE}:department`]: 'Legal', title: 'Counsel' } }],
        client,
      );
      await patched(id, [{ op: 'remove', path: `${ENTERPRISE}:department` }], client);
      const { events } = await allEvents(app, own);
      expect(events.filter((e) => e.subject.id === id).map((e) => [e.type, e.details])).toEqual([
        ['user.created', {}],
        ['user.updated', { changed: ['title', 'enterprise'] }],
        ['user.updated', { changed: ['enterprise'] }],
      ]);
    });
  });

  describe("Rollcall's extension by its full URN path", () => {
    let pooled: ScimTenant;
    let client: ScimClient;
    beforeAll(async () => {
      pooled = await aScimTenant(app);
      client = scimClient(app, pooled);
      await aPool(app, pooled, 'Sales', 2);
    });

    const poolOf = (body: Json) => (body[ROLLCALL] as { licensePoolName: string }).licensePoolName;

    it('moves the user by path, by URN object and by the no-path forms, and back on remove', async () => {
      const id = await aUser({}, client);
      const byPath = await patched(
        id,
        [{ op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'sales' }],
        client,
      );
      expect(poolOf(byPath)).toBe('Sales');
      const removed = await patched(
        id,
        [{ op: 'remove', path: `${ROLLCALL}:licensePoolName` }],
        client,
      );
      expect(poolOf(removed)).toBe(DEFAULT_POOL);
      const byObject = await patched(
        id,
        [{ op: 'add', path: ROLLCALL, value: { licensePoolName: 'Sales' } }],
        client,
      );
      expect(poolOf(byObject)).toBe('Sales');
      const wholeRemoved = await patched(id, [{ op: 'remove', path: ROLLCALL }], client);
      expect(poolOf(wholeRemoved)).toBe(DEFAULT_POOL);
      const noPath = await patched(
        id,
        [{ op: 'replace', value: { [`${ROLLCALL}:licensePoolName`]: 'Sales' } }],
        client,
      );
      expect(poolOf(noPath)).toBe('Sales');
      const nested = await patched(
        id,
        [{ op: 'replace', value: { [ROLLCALL]: { licensePoolName: DEFAULT_POOL } } }],
        client,
      );
      expect(poolOf(nested)).toBe(DEFAULT_POOL);
      // Each move is a user.pool_changed (the pool is not a profile attribute: no user.updated).
      const { events } = await allEvents(app, pooled);
      const mine = events.filter((e) => e.subject.id === id).map((e) => e.type);
      expect(mine).toEqual(['user.created', ...Array<string>(6).fill('user.pool_changed')]);
    });

    it('refuses an unknown pool by URN path with 400 invalidValue naming it, changing nothing', async () => {
      const id = await aUser({ title: 'Kept' }, client);
      const response = await client.patch(`/Users/${id}`, [
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'Nowhere' },
      ]);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        scimType: 'invalidValue',
        detail: expect.stringContaining('Nowhere'),
      });
      const fetched = (await client.get(`/Users/${id}`).expect(200)).body as Json;
      expect([fetched.title, poolOf(fetched)]).toEqual(['Kept', DEFAULT_POOL]);
    });

    it('ignores the pool name when the organization has no custom pools (the documented exception)', async () => {
      const id = await aUser();
      const body = await patched(id, [
        { op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'Sales' },
      ]);
      expect(poolOf(body)).toBe(DEFAULT_POOL);
    });
  });

  describe('remove of attributes that are not required', () => {
    it('leaves title, name.middleName and the enterprise ones unassigned', async () => {
      const id = await aUser({
        title: 'Engineer',
        nickName: 'Kept',
        name: { givenName: 'Ann', middleName: 'B', familyName: 'Cole' },
        [ENTERPRISE]: { department: 'R&D', manager: { value: 'boss-11' } },
      });
      const body = await patched(id, [
        { op: 'remove', path: 'title' },
        { op: 'remove', path: 'name.middleName' },
        { op: 'remove', path: `${ENTERPRISE}:department` },
        { op: 'remove', path: `${ENTERPRISE}:manager` },
      ]);
      expect(body).not.toHaveProperty('title');
      expect(body.name).toEqual({ givenName: 'Ann', familyName: 'Cole' });
      expect(body).not.toHaveProperty(ENTERPRISE);
      expect(body.nickName).toBe('Kept');
    });

    it('refuses to remove userName (required) with 400 invalidValue', async () => {
      const id = await aUser();
      const response = await scim.patch(`/Users/${id}`, [{ op: 'remove', path: 'userName' }]);
      expect([response.status, response.body.scimType]).toEqual([400, 'invalidValue']);
    });

    it('reads remove of active as active=false: the user is deactivated (SPEC §2)', async () => {
      const id = await aUser();
      const body = await patched(id, [{ op: 'remove', path: 'active' }]);
      expect(body.active).toBe(false);
      expect(await statusOf(id)).toBe('deactivated');
      const back = await patched(id, [{ op: 'replace', path: 'active', value: true }]);
      expect(back.active).toBe(true);
      const cleared = await patched(id, [{ op: 'replace', value: { active: null } }]);
      expect(cleared.active).toBe(false);
    });
  });

  describe('PUT semantics', () => {
    /** Okta's integration-wizard PUT: the whole profile, and no `active`. */
    const oktaPut = (userName: string, extra: Json = {}) => ({
      schemas: [USER],
      userName,
      name: { givenName: 'Pat', familyName: 'Put' },
      emails: [{ value: userName, type: 'work', primary: true }],
      ...extra,
    });

    it('keeps an active user active when the PUT leaves active out, and deactivates on active=false', async () => {
      const id = await aUser();
      const userName = await userNameOf(id);
      const put = await scim
        .put(`/Users/${id}`, oktaPut(userName, { title: 'Renamed' }))
        .expect(200);
      expect(put.body).toMatchObject({ active: true, title: 'Renamed' });
      expect(await statusOf(id)).toBe('provisioned');
      const off = await scim.put(`/Users/${id}`, oktaPut(userName, { active: false })).expect(200);
      expect(off.body.active).toBe(false);
      expect(await statusOf(id)).toBe('deactivated');
    });

    it('keeps a deactivated user deactivated when the PUT leaves active out', async () => {
      const id = await aUser({ active: false });
      const userName = await userNameOf(id);
      const put = await scim.put(`/Users/${id}`, oktaPut(userName)).expect(200);
      expect(put.body.active).toBe(false);
      expect(await statusOf(id)).toBe('deactivated');
      const on = await scim.put(`/Users/${id}`, oktaPut(userName, { active: true })).expect(200);
      expect(on.body.active).toBe(true);
    });

    it('keeps a signed-in user seated when the PUT leaves active out', async () => {
      const id = await aUser();
      const userName = await userNameOf(id);
      await app.dataSource.query(
        `UPDATE users SET status = 'active', first_login_at = now() WHERE id = $1`,
        [id],
      );
      await app.dataSource.query(
        'UPDATE license_pools SET used = used + 1 WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      await scim.put(`/Users/${id}`, oktaPut(userName, { title: 'Still here' })).expect(200);
      expect(await statusOf(id)).toBe('active');
    });
  });
});

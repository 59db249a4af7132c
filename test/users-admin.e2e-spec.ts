import { UserSignIn } from '@rollcall/identity';
import { TEST_ACTOR } from './support/actors';
import { ProvisioningLogService } from '@rollcall/integration';
import { aPool, aScimTenant, aTenant, type ScimTenant, type Tenant } from './support/factories';
import { type ScimClient, scimClient } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

interface ApiUser {
  id: string;
  userName: string;
  status: string;
  role: string;
  scimManaged: boolean;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  externalId: string | null;
  licensePool: { id: string; name: string };
  lastLoginAt: string | null;
  createdAt: string;
}

/** RFC 4180 records, as a spreadsheet reads them. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');
  return records;
}

describe('admin API: users', () => {
  let app: TestApp;
  let lifecycle: UserSignIn;
  beforeAll(async () => {
    app = await startTestApp();
    lifecycle = app.app.get(UserSignIn);
  });
  afterAll(() => app.close());

  const api = (tenant: Tenant) => ({
    list: (query: Record<string, string | number> = {}) =>
      app.http().get('/api/v1/users').query(query).set('Authorization', tenant.auth),
    get: (id: string) => app.http().get(`/api/v1/users/${id}`).set('Authorization', tenant.auth),
    action: (id: string, action: 'deactivate' | 'reactivate' | 'anonymize') =>
      app.http().post(`/api/v1/users/${id}/${action}`).set('Authorization', tenant.auth),
    exportCsv: (query: Record<string, string | number> = {}) =>
      app.http().get('/api/v1/users/export.csv').query(query).set('Authorization', tenant.auth),
  });

  async function create(scim: ScimClient, userName: string, extra: Record<string, unknown> = {}) {
    const response = await scim.post('/Users', {
      userName,
      emails: [{ value: userName, type: 'work', primary: true }],
      ...extra,
    });
    expect([userName, response.status]).toEqual([userName, 201]);
    return (response.body as { id: string }).id;
  }

  /** Users made by hand or by SSO: SCIM does not manage them. */
  const unmanage = (ids: string[]) =>
    app.dataSource.query('UPDATE users SET scim_managed = false WHERE id = ANY($1)', [ids]);

  const row = async (id: string): Promise<Record<string, unknown>> =>
    (await app.dataSource.query('SELECT * FROM users WHERE id = $1', [id]))[0];

  const defaultPool = async (tenant: Tenant) =>
    (
      (await app.http().get('/api/v1/license-pools').set('Authorization', tenant.auth).expect(200))
        .body.data as { id: string; used: number; capacity: number; isDefault: boolean }[]
    ).find((p) => p.isDefault)!;

  async function allPages(tenant: Tenant, query: Record<string, string | number>) {
    const seen: ApiUser[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: ApiUser[]; nextCursor: string | null } } = await api(tenant)
        .list({ ...query, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  }

  describe('list', () => {
    let tenant: ScimTenant;
    let ids: Record<string, string>;
    let groupId: string;
    beforeAll(async () => {
      tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      ids = {};
      for (const name of ['carol', 'alice', 'Bob', 'dave', 'erin']) {
        ids[name] = await create(scim, `${name}@example.com`, {
          name: { givenName: name, familyName: 'Jensen' },
        });
      }
      await unmanage([ids.dave, ids.erin]);
      await app
        .http()
        .patch(`/api/v1/users/${ids.alice}`)
        .set('Authorization', tenant.auth)
        .send({ role: 'admin' })
        .expect(200);
      // alice and Bob sign in, Bob once the clock has passed alice's lastLoginAt (read back), so
      // he has the latest one.
      await lifecycle.signIn(tenant.id, ids.alice, { present: false }, TEST_ACTOR);
      const aliceAt = (await row(ids.alice)).last_login_at as Date;
      await waitFor(() => Date.now() > aliceAt.getTime(), {
        intervalMs: 1,
        what: `the clock past alice's lastLoginAt ${aliceAt.toISOString()}`,
      });
      await lifecycle.signIn(tenant.id, ids.Bob, { present: false }, TEST_ACTOR);
      expect(((await row(ids.Bob)).last_login_at as Date).getTime()).toBeGreaterThan(
        aliceAt.getTime(),
      );
      const group = await scim.post('/Groups', {
        displayName: 'Readers',
        members: [{ value: ids.carol }, { value: ids.erin }],
      });
      groupId = (group.body as { id: string }).id;
    });

    const names = (users: ApiUser[]) => users.map((u) => u.userName.split('@')[0]);

    it('filters by role, SCIM management, group, status and text', async () => {
      const of = async (query: Record<string, string>) =>
        names((await api(tenant).list(query).expect(200)).body.data).sort();
      expect(await of({ role: 'admin' })).toEqual(['alice']);
      expect(await of({ role: 'user' })).toEqual(['Bob', 'carol', 'dave', 'erin']);
      expect(await of({ scimManaged: 'false' })).toEqual(['dave', 'erin']);
      expect(await of({ scimManaged: 'true' })).toEqual(['Bob', 'alice', 'carol']);
      expect(await of({ groupId })).toEqual(['carol', 'erin']);
      expect(await of({ groupId, scimManaged: 'false' })).toEqual(['erin']);
      expect(await of({ status: 'active' })).toEqual(['Bob', 'alice']);
      expect(await of({ q: 'CAR' })).toEqual(['carol']);
      expect(await of({ groupId: '0f8fad5b-d9cb-469f-a165-70867728950e' })).toEqual([]);
    });

    it('sorts, pages through every order with a cursor, and breaks ties by id', async () => {
      const byName = ['alice', 'Bob', 'carol', 'dave', 'erin'];
      expect(names(await allPages(tenant, { sort: 'userName' }))).toEqual(byName);
      expect(names(await allPages(tenant, { sort: '-userName' }))).toEqual([...byName].reverse());
      expect(names(await allPages(tenant, {}))).toEqual(['carol', 'alice', 'Bob', 'dave', 'erin']);
      expect(names(await allPages(tenant, { sort: '-createdAt' }))).toEqual(
        ['carol', 'alice', 'Bob', 'dave', 'erin'].reverse(),
      );
      // Never signed in: first ascending (ties by id), last descending.
      const neverIds = [ids.carol, ids.dave, ids.erin].sort();
      const idOf = (users: ApiUser[]) => users.map((u) => u.id);
      const ascending = await allPages(tenant, { sort: 'lastLoginAt' });
      expect(idOf(ascending)).toEqual([...neverIds, ids.alice, ids.Bob]);
      const descending = await allPages(tenant, { sort: '-lastLoginAt' });
      expect(idOf(descending)).toEqual([ids.Bob, ids.alice, ...[...neverIds].reverse()]);
    });

    it('keeps filters while paging and refuses bad sorts and cursors', async () => {
      expect(names(await allPages(tenant, { sort: '-userName', scimManaged: 'true' }))).toEqual([
        'carol',
        'Bob',
        'alice',
      ]);
      const bad = await api(tenant).list({ sort: 'password' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'sort' })]);
      const first = await api(tenant).list({ sort: 'userName', limit: 2 }).expect(200);
      const other = await api(tenant).list({ sort: 'lastLoginAt', cursor: first.body.nextCursor });
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({
        code: 'validation_failed',
        detail: expect.stringContaining('sort=lastLoginAt'),
      });
      const forged = Buffer.from(JSON.stringify(['createdAt', 'yesterday', ids.alice])).toString(
        'base64url',
      );
      expect((await api(tenant).list({ cursor: forged })).status).toBe(400);
      expect((await api(tenant).list({ cursor: 'not-a-cursor' })).status).toBe(400);
    });
  });

  describe('deactivate and reactivate', () => {
    it('deactivates a user SCIM does not manage, releasing its seat, and reactivates it with one', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      const signedIn = await create(scim, 'signed@example.com');
      const never = await create(scim, 'never@example.com');
      await unmanage([signedIn, never]);
      await lifecycle.signIn(tenant.id, signedIn, { present: false }, TEST_ACTOR);
      expect((await defaultPool(tenant)).used).toBe(1);

      const off = await api(tenant).action(signedIn, 'deactivate').expect(200);
      expect(off.body).toMatchObject({ id: signedIn, status: 'deactivated' });
      expect((await defaultPool(tenant)).used).toBe(0);
      await api(tenant).action(signedIn, 'deactivate').expect(200);
      expect((await defaultPool(tenant)).used).toBe(0);

      const on = await api(tenant).action(signedIn, 'reactivate').expect(200);
      expect(on.body).toMatchObject({ status: 'active' });
      expect((await defaultPool(tenant)).used).toBe(1);
      await api(tenant).action(signedIn, 'reactivate').expect(200);
      expect((await defaultPool(tenant)).used).toBe(1);

      await api(tenant).action(never, 'deactivate').expect(200);
      expect((await api(tenant).action(never, 'reactivate').expect(200)).body.status).toBe(
        'provisioned',
      );
      expect((await defaultPool(tenant)).used).toBe(1);
      const mails: { kind: string; recipient: string; payload: { userId: string } }[] =
        await app.dataSource.query(
          'SELECT kind, recipient, payload FROM outbox_messages WHERE organization_id = $1 ORDER BY created_at',
          [tenant.id],
        );
      expect(mails).toEqual([
        {
          kind: 'user_reactivated',
          recipient: 'signed@example.com',
          payload: { userId: signedIn },
        },
        { kind: 'user_reactivated', recipient: 'never@example.com', payload: { userId: never } },
      ]);
    });

    it('refuses to reactivate into a full pool and changes nothing', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      const [a, b] = [await create(scim, 'a@example.com'), await create(scim, 'b@example.com')];
      await unmanage([a, b]);
      await lifecycle.signIn(tenant.id, a, { present: false }, TEST_ACTOR);
      await api(tenant).action(a, 'deactivate').expect(200);
      const pool = await defaultPool(tenant);
      await app.dataSource.query('UPDATE license_pools SET capacity = 1 WHERE id = $1', [pool.id]);
      await lifecycle.signIn(tenant.id, b, { present: false }, TEST_ACTOR);
      const before = await row(a);
      const refused = await api(tenant).action(a, 'reactivate');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'pool_full',
        detail: expect.stringContaining('is full (1 of 1 seats used)'),
      });
      expect(await row(a)).toEqual(before);
      const [{ n }] = await app.dataSource.query(
        'SELECT count(*)::int AS n FROM outbox_messages WHERE organization_id = $1',
        [tenant.id],
      );
      expect(n).toBe(0);
    });

    it('refuses SCIM-managed users while SCIM is enabled, and allows them once it is disabled', async () => {
      const tenant = await aScimTenant(app);
      const id = await create(scimClient(app, tenant), 'managed@example.com');
      for (const action of ['deactivate', 'reactivate'] as const) {
        const refused = await api(tenant).action(id, action);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({
          code: 'scim_managed',
          detail: expect.stringContaining(`${action} it in the identity provider`),
        });
      }
      expect((await row(id)).status).toBe('provisioned');
      await app
        .http()
        .delete('/api/v1/scim/integration')
        .set('Authorization', tenant.auth)
        .expect(204);
      expect((await api(tenant).action(id, 'deactivate').expect(200)).body).toMatchObject({
        status: 'deactivated',
        scimManaged: true,
      });
    });
  });

  describe('anonymize', () => {
    it('erases every personal field, the outbox and the provisioning log; SCIM forgets the id', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      const userName = 'Barbara.Jensen@example.com';
      const full = {
        userName,
        externalId: '00u1abcd',
        name: {
          formatted: 'Ms. Barbara J Jensen III',
          givenName: 'Barbara',
          familyName: 'Jensen',
          middleName: 'Jane',
          honorificPrefix: 'Ms.',
          honorificSuffix: 'III',
        },
        displayName: 'Babs Jensen',
        nickName: 'Babs',
        profileUrl: 'https://login.example.com/bjensen',
        title: 'Tour Guide',
        userType: 'Employee',
        preferredLanguage: 'en-US',
        locale: 'en-US',
        timezone: 'America/Los_Angeles',
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'babs@jensen.org', type: 'home' },
        ],
        phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
        addresses: [
          { streetAddress: '100 Universal City Plaza', locality: 'Hollywood', type: 'work' },
        ],
        ims: [{ value: 'someaimhandle', type: 'aim' }],
        photos: [{ value: 'https://photos.example.com/bjensen.jpg', type: 'photo' }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
          employeeNumber: '701984',
          department: 'Tour Operations',
          manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
        },
      };
      const id = ((await scim.post('/Users', full).expect(201)).body as { id: string }).id;
      const group = await scim
        .post('/Groups', { displayName: 'Guides', members: [{ value: id }] })
        .expect(201);
      const groupId = (group.body as { id: string }).id;
      await lifecycle.signIn(tenant.id, id, { present: false }, TEST_ACTOR);
      // A refused create leaves the userName in the log without a resource id.
      await scim.post('/Users', { userName: userName.toUpperCase() }).expect(409);

      // Active: refused, and the reason says the IdP must deprovision it first.
      const refused = await api(tenant).action(id, 'anonymize');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'user_not_deactivated',
        detail: expect.stringContaining('deprovision it there first'),
      });
      expect((await row(id)).user_name).toBe(userName);

      // The IdP deactivates, then reactivates (an email is queued), then deletes the user.
      await scim.patch(`/Users/${id}`, [{ op: 'replace', value: { active: false } }]).expect(200);
      await scim.patch(`/Users/${id}`, [{ op: 'replace', value: { active: true } }]).expect(200);
      await scim.delete(`/Users/${id}`).expect(204);
      await app.dataSource.query(
        `INSERT INTO outbox_messages (organization_id, kind, recipient, payload, sent_at)
         VALUES ($1, 'user_reactivated', 'bjensen@example.com', $2, now())`,
        [tenant.id, JSON.stringify({ userId: id, name: 'Barbara' })],
      );
      // A notice to one of its addresses that is not about the user itself.
      await app.dataSource.query(
        `INSERT INTO outbox_messages (organization_id, kind, recipient, payload, sent_at)
         VALUES ($1, 'user_reactivated', 'BABS@jensen.org', '{"note":"Babs"}', now())`,
        [tenant.id],
      );
      await app.app.get(ProvisioningLogService).flush();
      // Its SSO sign-ins: one that found it, one refused that only named it.
      await app.dataSource.query(
        `INSERT INTO sign_in_attempts (organization_id, flow, outcome, reason, detail, subject, user_id, client_ip)
         VALUES ($1, 'sp', 'success', 'signed_in', $2, $3, $4, '203.0.113.7'),
                ($1, 'idp', 'refused', 'user_deactivated', $2, $5, NULL, '203.0.113.8')`,
        [tenant.id, `Signed in as ${userName}`, userName, id, userName.toUpperCase()],
      );

      const done = await api(tenant).action(id, 'anonymize').expect(200);
      expect(done.body).toMatchObject({
        id,
        userName: `anonymized-${id}`,
        status: 'anonymized',
        displayName: null,
        givenName: null,
        familyName: null,
        email: null,
        externalId: null,
      });

      const stored = await row(id);
      expect(stored).toMatchObject({
        user_name: `anonymized-${id}`,
        external_id: null,
        formatted_name: null,
        given_name: null,
        family_name: null,
        middle_name: null,
        honorific_prefix: null,
        honorific_suffix: null,
        display_name: null,
        nick_name: null,
        profile_url: null,
        title: null,
        user_type: null,
        preferred_language: null,
        locale: null,
        timezone: null,
        emails: [],
        email_values: [],
        primary_email: null,
        phone_numbers: [],
        addresses: [],
        ims: [],
        photos: [],
        enterprise: {},
        status: 'anonymized',
        scim_visible: false,
      });
      // Nothing anywhere in the database still holds the person's data.
      for (const secret of [
        'jensen',
        'babs',
        '00u1abcd',
        '555-555',
        'Universal',
        'someaim',
        '701984',
      ]) {
        const [{ n }] = await app.dataSource.query(
          `SELECT count(*)::int AS n FROM (
             SELECT to_jsonb(u)::text AS t FROM users u WHERE u.organization_id = $1
             UNION ALL SELECT to_jsonb(o)::text FROM outbox_messages o WHERE o.organization_id = $1
             UNION ALL SELECT to_jsonb(l)::text FROM scim_request_logs l WHERE l.organization_id = $1
           ) x WHERE x.t ILIKE $2`,
          [tenant.id, `%${secret}%`],
        );
        expect([secret, n]).toEqual([secret, 0]);
      }
      const mails = await app.dataSource.query(
        'SELECT recipient, payload, sent_at FROM outbox_messages WHERE organization_id = $1',
        [tenant.id],
      );
      expect(mails).toEqual([
        { recipient: `anonymized-${id}`, payload: { userId: id }, sent_at: expect.any(Date) },
        { recipient: `anonymized-${id}`, payload: { userId: id }, sent_at: expect.any(Date) },
      ]);
      const logged: { user_name: string | null }[] = await app.dataSource.query(
        'SELECT user_name FROM scim_request_logs WHERE organization_id = $1 AND resource_id = $2',
        [tenant.id, id],
      );
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.every((l) => l.user_name === null || l.user_name === `anonymized-${id}`)).toBe(
        true,
      );
      expect(logged.some((l) => l.user_name === `anonymized-${id}`)).toBe(true);
      const signIns: { subject: string; detail: string; client_ip: string | null }[] =
        await app.dataSource.query(
          'SELECT subject, detail, client_ip FROM sign_in_attempts WHERE organization_id = $1',
          [tenant.id],
        );
      expect(signIns).toEqual([
        { subject: `anonymized-${id}`, detail: `Signed in as anonymized-${id}`, client_ip: null },
        { subject: `anonymized-${id}`, detail: `Signed in as anonymized-${id}`, client_ip: null },
      ]);

      // Memberships are gone; SCIM answers 404; SSO refuses; nothing can change it again.
      const members = (await scim.get(`/Groups/${groupId}`).expect(200)).body.members ?? [];
      expect(members).toEqual([]);
      const [{ n: memberships }] = await app.dataSource.query(
        'SELECT count(*)::int AS n FROM group_members WHERE user_id = $1',
        [id],
      );
      expect(memberships).toBe(0);
      await scim.get(`/Users/${id}`).expect(404);
      await scim.patch(`/Users/${id}`, [{ op: 'replace', value: { active: true } }]).expect(404);
      await expect(lifecycle.signIn(tenant.id, id, { present: false }, TEST_ACTOR)).rejects.toThrow(
        'deactivated',
      );
      for (const action of ['anonymize', 'reactivate', 'deactivate'] as const) {
        const again = await api(tenant).action(id, action);
        expect([action, again.status, again.body.code]).toEqual([action, 409, 'user_anonymized']);
      }

      // A SCIM create with the old userName makes a new, unrelated user.
      const fresh = await scim.post('/Users', { userName, externalId: '00u1abcd' }).expect(201);
      expect(fresh.body.id).not.toBe(id);
      expect(fresh.body.groups ?? []).toEqual([]);
      expect((await row(id)).status).toBe('anonymized');
      expect((await row(fresh.body.id as string)).status).toBe('provisioned');
    });

    it('refuses an active user SCIM does not manage, saying to deactivate it first', async () => {
      const tenant = await aScimTenant(app);
      const id = await create(scimClient(app, tenant), 'hand@example.com');
      await unmanage([id]);
      const refused = await api(tenant).action(id, 'anonymize');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'user_not_deactivated',
        detail: expect.stringContaining('deactivate it first'),
      });
      expect((await row(id)).user_name).toBe('hand@example.com');
    });
  });

  describe('CSV export', () => {
    it('streams the filtered list with CSV escaping and formula protection', async () => {
      const tenant = await aScimTenant(app);
      const scim = scimClient(app, tenant);
      const tricky = await create(scim, 'tricky@example.com', {
        name: { givenName: '=HYPERLINK("http://evil")', familyName: 'Smith, "Jr"\nthe 2nd' },
        displayName: '@SUM(A1)',
        externalId: '-2+3',
      });
      const plain = await create(scim, 'plain@example.com', { name: { givenName: '+plain' } });
      await scim
        .post('/Groups', { displayName: 'Sales, EMEA', members: [{ value: tricky }] })
        .expect(201);
      await scim
        .post('/Groups', { displayName: 'Admins', members: [{ value: tricky }] })
        .expect(201);
      await app
        .http()
        .patch(`/api/v1/users/${plain}`)
        .set('Authorization', tenant.auth)
        .send({ role: 'admin' })
        .expect(200);

      const response = await api(tenant).exportCsv({ sort: 'userName' }).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toBe('attachment; filename="users.csv"');
      expect(parseCsv(response.text)).toEqual([
        [
          'email',
          'userName',
          'givenName',
          'familyName',
          'displayName',
          'role',
          'status',
          'licensePool',
          'groups',
          'externalId',
        ],
        [
          'plain@example.com',
          'plain@example.com',
          "'+plain",
          '',
          '',
          'admin',
          'provisioned',
          'Default license pool',
          '',
          '',
        ],
        [
          'tricky@example.com',
          'tricky@example.com',
          `'=HYPERLINK("http://evil")`,
          'Smith, "Jr"\nthe 2nd',
          "'@SUM(A1)",
          'user',
          'provisioned',
          'Default license pool',
          'Admins; Sales, EMEA',
          "'-2+3",
        ],
      ]);
      const admins = await api(tenant).exportCsv({ role: 'admin' }).expect(200);
      expect(parseCsv(admins.text).map((r) => r[0])).toEqual(['email', 'plain@example.com']);
      const bad = await api(tenant).exportCsv({ status: 'gone' });
      expect(bad.status).toBe(400);
    });

    it('exports more users than one batch, each exactly once', async () => {
      const tenant = await aScimTenant(app);
      const pool = await defaultPool(tenant);
      await app.dataSource.query(
        `INSERT INTO users (organization_id, user_name, license_pool_id, status, scim_managed, emails, email_values, phone_numbers, addresses, ims, photos, enterprise, version)
         SELECT $1, 'bulk' || lpad(g::text, 4, '0') || '@example.com', $2, 'provisioned', false, '[]', '{}', '[]', '[]', '[]', '[]', '{}', 1
         FROM generate_series(1, 1203) g`,
        [tenant.id, pool.id],
      );
      const response = await api(tenant).exportCsv({ sort: '-userName' }).expect(200);
      const records = parseCsv(response.text).slice(1);
      expect(records).toHaveLength(1203);
      expect(new Set(records.map((r) => r[1])).size).toBe(1203);
      expect(records[0][1]).toBe('bulk1203@example.com');
      expect(records[1202][1]).toBe('bulk0001@example.com');
    });
  });

  it('refuses to demote the last admin, and allows it once there is another', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const first = await create(scim, 'first-admin@example.com');
    const second = await create(scim, 'second-admin@example.com');
    const setRole = (id: string, role: string) =>
      app.http().patch(`/api/v1/users/${id}`).set('Authorization', tenant.auth).send({ role });
    await setRole(first, 'admin').expect(200);
    const refused = await setRole(first, 'user');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'last_admin' });
    expect((await row(first)).role).toBe('admin');
    await setRole(second, 'admin').expect(200);
    await setRole(first, 'group_admin').expect(200);
    expect((await setRole(second, 'user')).status).toBe(409);
  });

  it('changes pool and role together or not at all', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const id = await create(scim, 'both@example.com');
    const salesId = await aPool(app, tenant, 'Sales', 5);
    const update = (body: Record<string, unknown>) =>
      app.http().patch(`/api/v1/users/${id}`).set('Authorization', tenant.auth).send(body);
    await update({ role: 'admin' }).expect(200);
    const before = await row(id);
    // The pool exists, but the last admin may not be demoted: the move must not stay either.
    const refused = await update({ role: 'group_admin', licensePoolId: salesId });
    expect([refused.status, refused.body.code]).toEqual([409, 'last_admin']);
    expect(await row(id)).toEqual(before);
    // An anonymized user moves nowhere.
    const gone = await create(scim, 'gone@example.com');
    await scim.delete(`/Users/${gone}`).expect(204);
    await api(tenant).action(gone, 'anonymize').expect(200);
    const anonymized = await row(gone);
    const late = await app
      .http()
      .patch(`/api/v1/users/${gone}`)
      .set('Authorization', tenant.auth)
      .send({ licensePoolId: salesId });
    expect([late.status, late.body.code]).toEqual([409, 'user_anonymized']);
    expect(await row(gone)).toEqual(anonymized);
  });

  it('answers 404 for another tenant’s users on every route, and 401 without a key', async () => {
    const owner = await aScimTenant(app);
    const other = await aTenant(app);
    const id = await create(scimClient(app, owner), 'mine@example.com');
    await unmanage([id]);
    await api(other).get(id).expect(404);
    for (const action of ['deactivate', 'reactivate', 'anonymize'] as const) {
      const response = await api(other).action(id, action);
      expect([action, response.status, response.body.code]).toEqual([action, 404, 'not_found']);
    }
    await api(owner).action(id, 'deactivate').expect(200);
    expect((await api(other).action(id, 'anonymize')).status).toBe(404);
    expect((await row(id)).user_name).toBe('mine@example.com');
    expect((await api(other).list({ groupId: id }).expect(200)).body.data).toEqual([]);
    const exported = await api(other).exportCsv().expect(200);
    expect(parseCsv(exported.text)).toHaveLength(1);
    await app.http().get('/api/v1/users/export.csv').expect(401);
    await app.http().post(`/api/v1/users/${id}/anonymize`).expect(401);
    await api(owner).action('not-a-uuid', 'deactivate').expect(404);
  });
});

describe('admin API: organization settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const patch = (tenant: Tenant, body: object) =>
    app.http().patch('/api/v1/organization').set('Authorization', tenant.auth).send(body);
  const read = async (tenant: Tenant) =>
    (await app.http().get('/api/v1/organization').set('Authorization', tenant.auth).expect(200))
      .body as { name: string; proForAllUsers: boolean; plan: string; totalLicenses: number };

  it('lets admins change the name and proForAllUsers', async () => {
    const tenant = await aTenant(app, { totalLicenses: 7 });
    const changed = await patch(tenant, { name: 'Renamed Inc.', proForAllUsers: true }).expect(200);
    expect(changed.body).toMatchObject({
      name: 'Renamed Inc.',
      proForAllUsers: true,
      totalLicenses: 7,
    });
    expect(await read(tenant)).toMatchObject({ name: 'Renamed Inc.', proForAllUsers: true });
    await patch(tenant, {}).expect(200);
    expect(await read(tenant)).toMatchObject({ name: 'Renamed Inc.', proForAllUsers: true });
  });

  it('refuses plan and totalLicenses (the operator’s), bad values and unknown fields, changing nothing', async () => {
    const tenant = await aTenant(app, { plan: 'enterprise', totalLicenses: 7 });
    const before = await read(tenant);
    for (const [body, field, message] of [
      [{ name: 'X', plan: 'team' }, 'plan', 'only the operator'],
      [{ totalLicenses: 9000 }, 'totalLicenses', 'only the operator'],
      [{ name: '' }, 'name', ''],
      [{ proForAllUsers: 'yes' }, 'proForAllUsers', ''],
      [{ slug: 'elsewhere' }, 'slug', 'not a known field'],
    ] as const) {
      const response = await patch(tenant, body);
      expect([field, response.status, response.body.code]).toEqual([
        field,
        400,
        'validation_failed',
      ]);
      expect(response.body.errors).toEqual([{ field, message: expect.stringContaining(message) }]);
    }
    expect(await read(tenant)).toEqual(before);
    await app.http().patch('/api/v1/organization').send({ name: 'x' }).expect(401);
  });
});

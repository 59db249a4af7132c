import { aScimTenant, type ScimTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM /Users', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
  });
  afterAll(() => app.close());

  const get = (path: string, query: Record<string, string | number> = {}) =>
    app.http().get(`/scim/v2${path}`).query(query).set('Authorization', tenant.scimAuth);
  const post = (path: string, body: unknown) =>
    app
      .http()
      .post(`/scim/v2${path}`)
      .set('Authorization', tenant.scimAuth)
      .send(body as object);
  const put = (path: string, body: unknown) =>
    app
      .http()
      .put(`/scim/v2${path}`)
      .set('Authorization', tenant.scimAuth)
      .send(body as object);
  const patch = (path: string, operations: unknown[]) =>
    app
      .http()
      .patch(`/scim/v2${path}`)
      .set('Authorization', tenant.scimAuth)
      .send({ schemas: [PATCH_OP], Operations: operations });
  const create = async (userName: string, extra: Record<string, unknown> = {}) =>
    (await post('/Users', { userName, ...extra }).expect(201)).body as Record<string, unknown> & {
      id: string;
    };

  async function row(id: string): Promise<Record<string, unknown>> {
    const [found] = await app.dataSource.query('SELECT * FROM users WHERE id = $1', [id]);
    return found as Record<string, unknown>;
  }

  describe('create', () => {
    it('refuses a duplicate userName in any case with 409 uniqueness', async () => {
      await create('dup@example.com');
      const response = await post('/Users', { userName: 'DUP@example.com' });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        schemas: [ERROR],
        status: '409',
        scimType: 'uniqueness',
        detail: expect.stringContaining('DUP@example.com'),
      });
    });

    it('creates exactly one user when the same userName arrives concurrently', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => post('/Users', { userName: 'race@example.com' })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it('requires a userName and rejects wrongly typed attributes without creating anything', async () => {
      const before = await app.dataSource.query('SELECT count(*)::int AS n FROM users');
      for (const body of [
        {},
        { userName: '' },
        { userName: { first: 'x' } },
        { userName: 'x@example.com', emails: [{ value: { nested: true } }] },
        { userName: 'x@example.com', name: 'Barbara' },
        { userName: 'x@example.com', active: 'maybe' },
        { userName: 'x'.repeat(300) },
      ]) {
        const response = await post('/Users', body);
        expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
        expect(response.body.schemas).toEqual([ERROR]);
        expect(response.body.scimType).toMatch(/invalidValue|invalidSyntax/);
      }
      expect(await app.dataSource.query('SELECT count(*)::int AS n FROM users')).toEqual(before);
    });

    it('ignores unknown attributes and roles, and keeps attribute names case-insensitive', async () => {
      const created = await create('casey@example.com', {
        DisplayName: 'Casey',
        NAME: { GivenName: 'Casey' },
        roles: [{ value: 'admin' }],
        favouriteColour: 'teal',
      });
      expect(created).toMatchObject({ displayName: 'Casey', name: { givenName: 'Casey' } });
      expect(created.favouriteColour).toBeUndefined();
      expect((await row(created.id)).role).toBe('user');
    });

    it('stores the whole core schema and the enterprise extension', async () => {
      const body = {
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        ],
        userName: 'full@example.com',
        externalId: 'ext-full',
        name: {
          formatted: 'Ms. Barbara J Jensen III',
          familyName: 'Jensen',
          givenName: 'Barbara',
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
        active: true,
        emails: [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'babs@jensen.org', type: 'home' },
        ],
        phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
        addresses: [
          {
            type: 'work',
            streetAddress: '100 Universal City Plaza',
            locality: 'Hollywood',
            region: 'CA',
            postalCode: '91608',
            country: 'USA',
            primary: true,
          },
        ],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
          employeeNumber: '701984',
          costCenter: '4130',
          organization: 'Universal Studios',
          division: 'Theme Park',
          department: 'Tour Operations',
          manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
        },
      };
      const created = await create(body.userName, body);
      const fetched = (await get(`/Users/${created.id}`).expect(200)).body;
      for (const key of [
        'externalId',
        'name',
        'displayName',
        'nickName',
        'profileUrl',
        'title',
        'userType',
        'preferredLanguage',
        'locale',
        'timezone',
        'emails',
        'phoneNumbers',
        'addresses',
      ] as const) {
        expect([key, fetched[key]]).toEqual([key, body[key]]);
      }
      expect(fetched['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual(
        body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      );
      expect(fetched.schemas).toContain(
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      );
      expect(fetched.groups).toEqual([]);
      expect((await row(created.id)).primary_email).toBe('bjensen@example.com');
    });

    it('accepts licensePoolName in every place customers put it', async () => {
      for (const [userName, extra] of [
        [
          'pool1@example.com',
          {
            'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User': {
              licensePoolName: 'Sales',
            },
          },
        ],
        [
          'pool2@example.com',
          { 'urn:ietf:params:scim:schemas:extension:udemy:2.0:User': { licensePoolName: 'Sales' } },
        ],
        ['pool3@example.com', { licensePoolName: '' }],
      ] as const) {
        const created = await create(userName, extra);
        expect(created['urn:ietf:params:scim:schemas:extension:rollcall:2.0:User']).toEqual({
          licensePoolName: 'Default license pool',
        });
      }
    });

    it('takes over an existing user that SCIM did not manage, keeping its status', async () => {
      const [pool] = await app.dataSource.query(
        'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      const [manual] = await app.dataSource.query(
        `INSERT INTO users (organization_id, user_name, license_pool_id, status, scim_managed, emails, email_values, phone_numbers, addresses, ims, photos, enterprise, first_login_at, version)
         VALUES ($1, 'manual@example.com', $2, 'active', false, '[]', '{}', '[]', '[]', '[]', '[]', '{}', now(), 1) RETURNING id`,
        [tenant.id, pool.id],
      );
      const taken = await post('/Users', {
        userName: 'Manual@Example.com',
        displayName: 'Now SCIM',
      }).expect(201);
      expect(taken.body.id).toBe(manual.id);
      const after = await row(manual.id as string);
      expect(after).toMatchObject({
        scim_managed: true,
        status: 'active',
        display_name: 'Now SCIM',
      });
    });

    it('creates users as pending when the default pool has no seat left', async () => {
      const small = await aScimTenant(app);
      await app.dataSource.query(
        'UPDATE license_pools SET capacity = 0 WHERE organization_id = $1',
        [small.id],
      );
      const created = await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', small.scimAuth)
        .send({ userName: 'waiting@example.com' })
        .expect(201);
      expect((await row(created.body.id)).status).toBe('pending');
      expect(created.body.active).toBe(true);
    });
  });

  describe('lifecycle', () => {
    it('releases the seat of an active user on deactivation and takes it back on reactivation', async () => {
      const created = await create('seated@example.com');
      await app.dataSource.query(
        `UPDATE users SET status = 'active', first_login_at = now() WHERE id = $1`,
        [created.id],
      );
      await app.dataSource.query(
        'UPDATE license_pools SET used = used + 1 WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      const seats = async () =>
        (
          await app.dataSource.query(
            'SELECT used FROM license_pools WHERE organization_id = $1 AND is_default',
            [tenant.id],
          )
        )[0].used as number;
      const before = await seats();
      await patch(`/Users/${created.id}`, [{ op: 'replace', path: 'active', value: false }]).expect(
        200,
      );
      expect(await seats()).toBe(before - 1);
      await patch(`/Users/${created.id}`, [{ op: 'replace', path: 'active', value: true }]).expect(
        200,
      );
      expect(await seats()).toBe(before);
      expect((await row(created.id)).status).toBe('active');
    });

    it('refuses to reactivate a user who had signed in when the pool is full, and changes nothing', async () => {
      const full = await aScimTenant(app);
      const made = await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', full.scimAuth)
        .send({ userName: 'back@example.com', active: false })
        .expect(201);
      await app.dataSource.query(`UPDATE users SET first_login_at = now() WHERE id = $1`, [
        made.body.id,
      ]);
      await app.dataSource.query(
        'UPDATE license_pools SET capacity = 0 WHERE organization_id = $1',
        [full.id],
      );
      const response = await app
        .http()
        .patch(`/scim/v2/Users/${made.body.id}`)
        .set('Authorization', full.scimAuth)
        .send({
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'active', value: true },
            { op: 'replace', path: 'title', value: 'New' },
          ],
        });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        scimType: 'invalidValue',
        detail: expect.stringMatching(/full/),
      });
      expect(await row(made.body.id)).toMatchObject({ status: 'deactivated', title: null });
    });

    it('deletes softly: 404 to SCIM afterwards, the row kept deactivated', async () => {
      const created = await create('gone@example.com', { emails: [{ value: 'gone@example.com' }] });
      await app
        .http()
        .delete(`/scim/v2/Users/${created.id}`)
        .set('Authorization', tenant.scimAuth)
        .expect(204);
      await get(`/Users/${created.id}`).expect(404);
      await app
        .http()
        .delete(`/scim/v2/Users/${created.id}`)
        .set('Authorization', tenant.scimAuth)
        .expect(404);
      await put(`/Users/${created.id}`, { userName: 'gone@example.com' }).expect(404);
      const list = await get('/Users', { filter: 'userName eq "gone@example.com"' }).expect(200);
      expect(list.body.totalResults).toBe(0);
      expect(await row(created.id)).toMatchObject({
        status: 'deactivated',
        user_name: 'gone@example.com',
        primary_email: 'gone@example.com',
      });
    });

    it('never reactivates an anonymized user: a new create makes a new user', async () => {
      const created = await create('anon@example.com');
      await app.dataSource.query(
        `UPDATE users SET status = 'anonymized', user_name = 'anonymized-' || id WHERE id = $1`,
        [created.id],
      );
      await get(`/Users/${created.id}`).expect(404);
      const fresh = await create('anon@example.com');
      expect(fresh.id).not.toBe(created.id);
    });
  });

  describe('PUT and PATCH', () => {
    it('replaces the whole user with PUT, clearing what the body leaves out', async () => {
      const created = await create('put@example.com', { title: 'Old', nickName: 'Nick' });
      const replaced = await put(`/Users/${created.id}`, {
        userName: 'put@example.com',
        title: 'New',
      }).expect(200);
      expect(replaced.body.title).toBe('New');
      expect(replaced.body.nickName).toBeUndefined();
    });

    it('renames with PUT and refuses a rename onto another user’s userName', async () => {
      const a = await create('rename-a@example.com');
      await create('rename-b@example.com');
      await put(`/Users/${a.id}`, { userName: 'rename-c@example.com' }).expect(200);
      const clash = await put(`/Users/${a.id}`, { userName: 'Rename-B@example.com' });
      expect(clash.status).toBe(409);
      expect(clash.body.scimType).toBe('uniqueness');
    });

    it('applies value-path and sub-attribute paths', async () => {
      const created = await create('paths@example.com', {
        emails: [{ value: 'paths@example.com', type: 'work' }],
        addresses: [{ type: 'work', postalCode: '10001' }],
      });
      const patched = await patch(`/Users/${created.id}`, [
        { op: 'replace', path: 'addresses[type eq "work"].postalCode', value: '94105' },
        { op: 'add', path: 'emails[type eq "home"].value', value: 'home@example.com' },
        { op: 'replace', path: 'name.givenName', value: 'Pat' },
        { op: 'remove', path: 'nickName' },
      ]).expect(200);
      expect(patched.body.addresses).toEqual([{ type: 'work', postalCode: '94105' }]);
      expect(patched.body.emails).toEqual(
        expect.arrayContaining([
          { value: 'paths@example.com', type: 'work' },
          expect.objectContaining({ type: 'home', value: 'home@example.com' }),
        ]),
      );
      expect(patched.body.name).toEqual({ givenName: 'Pat' });
    });

    it('answers an invalid path with 400 invalidPath and a read-only attribute with 400 mutability', async () => {
      const created = await create('strict@example.com');
      const badPath = await patch(`/Users/${created.id}`, [
        { op: 'replace', path: 'emails[type eq', value: 'x' },
      ]);
      expect(badPath.status).toBe(400);
      expect(badPath.body.scimType).toBe('invalidPath');
      const readOnly = await patch(`/Users/${created.id}`, [
        { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' },
      ]);
      expect(readOnly.status).toBe(400);
      expect(readOnly.body.scimType).toBe('mutability');
      const badBody = await app
        .http()
        .patch(`/scim/v2/Users/${created.id}`)
        .set('Authorization', tenant.scimAuth)
        .send({ Operations: 'nope' });
      expect(badBody.status).toBe(400);
      expect(badBody.body.schemas).toEqual([ERROR]);
    });

    it('treats removing something absent as a no-op', async () => {
      const created = await create('noop@example.com');
      const response = await patch(`/Users/${created.id}`, [
        { op: 'remove', path: 'title' },
        { op: 'remove', path: 'emails[type eq "home"]' },
      ]).expect(200);
      expect(response.body.id).toBe(created.id);
    });

    it('honours If-Match with 412 on a stale version and returns the new ETag', async () => {
      const created = await post('/Users', { userName: 'etag@example.com' }).expect(201);
      const etag = created.headers.etag;
      const first = await app
        .http()
        .patch(`/scim/v2/Users/${created.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', etag)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'One' }] })
        .expect(200);
      expect(first.headers.etag).not.toBe(etag);
      expect(first.body.meta.version).toBe(first.headers.etag);
      const stale = await app
        .http()
        .put(`/scim/v2/Users/${created.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', etag)
        .send({ userName: 'etag@example.com', title: 'Two' });
      expect(stale.status).toBe(412);
      expect((await get(`/Users/${created.body.id}`)).body.title).toBe('One');
      const staleDelete = await app
        .http()
        .delete(`/scim/v2/Users/${created.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', etag);
      expect(staleDelete.status).toBe(412);
      await get(`/Users/${created.body.id}`).expect(200);
      await app
        .http()
        .delete(`/scim/v2/Users/${created.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', first.headers.etag)
        .expect(204);

      const group = await post('/Groups', { displayName: 'ETag group' }).expect(201);
      await post('/Groups', { displayName: 'other' }).expect(201);
      await app
        .http()
        .patch(`/scim/v2/Groups/${group.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .send({
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }],
        })
        .expect(204);
      const staleGroupDelete = await app
        .http()
        .delete(`/scim/v2/Groups/${group.body.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', group.headers.etag);
      expect(staleGroupDelete.status).toBe(412);
      await get(`/Groups/${group.body.id}`).expect(200);
    });

    it('loses no update when PATCHes on one user run concurrently', async () => {
      const created = await create('concurrent@example.com');
      const fields = ['title', 'nickName', 'displayName', 'userType', 'locale', 'timezone'];
      await Promise.all(
        fields.map((field) =>
          patch(`/Users/${created.id}`, [{ op: 'add', path: field, value: `v-${field}` }]).expect(
            200,
          ),
        ),
      );
      const fetched = (await get(`/Users/${created.id}`)).body;
      for (const field of fields) expect([field, fetched[field]]).toEqual([field, `v-${field}`]);
    });
  });

  describe('queries', () => {
    let q: ScimTenant;
    beforeAll(async () => {
      q = await aScimTenant(app);
      const people = [
        {
          userName: 'alice@acme.com',
          name: { givenName: 'Alice', familyName: 'Archer' },
          title: 'Engineer',
          emails: [
            { value: 'alice@acme.com', type: 'work' },
            { value: 'alice@home.org', type: 'home' },
          ],
          externalId: 'A1',
        },
        {
          userName: 'bob@acme.com',
          name: { givenName: 'Bob', familyName: 'Baker' },
          title: 'Manager',
          emails: [{ value: 'bob@acme.com', type: 'work' }],
          externalId: 'B2',
          active: false,
        },
        {
          userName: 'carol@other.com',
          name: { givenName: 'Carol', familyName: 'Cooper' },
          emails: [{ value: 'carol@other.com', type: 'work' }],
          externalId: 'C3',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
        },
      ];
      for (const person of people) {
        await app
          .http()
          .post('/scim/v2/Users')
          .set('Authorization', q.scimAuth)
          .send(person)
          .expect(201);
      }
    });
    const find = async (query: Record<string, string | number>) =>
      app.http().get('/scim/v2/Users').query(query).set('Authorization', q.scimAuth);
    const names = (body: { Resources: { userName: string }[] }) =>
      body.Resources.map((r) => r.userName).sort();

    it.each([
      ['userName eq "ALICE@acme.com"', ['alice@acme.com']],
      ['userName sw "a"', ['alice@acme.com']],
      ['userName ew "@acme.com"', ['alice@acme.com', 'bob@acme.com']],
      ['userName co "OTHER"', ['carol@other.com']],
      ['userName ne "alice@acme.com"', ['bob@acme.com', 'carol@other.com']],
      ['name.familyName eq "baker"', ['bob@acme.com']],
      ['title pr', ['alice@acme.com', 'bob@acme.com']],
      ['not (title pr)', ['carol@other.com']],
      ['active eq false', ['bob@acme.com']],
      ['active eq true and title pr', ['alice@acme.com']],
      ['(title eq "Engineer" or title eq "Manager") and userName sw "b"', ['bob@acme.com']],
      ['emails.value eq "alice@home.org"', ['alice@acme.com']],
      ['emails[type eq "work" and value co "@acme.com"]', ['alice@acme.com', 'bob@acme.com']],
      ['emails[type eq "home"]', ['alice@acme.com']],
      ['externalId eq "C3"', ['carol@other.com']],
      ['externalId eq C3', ['carol@other.com']],
      [
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"',
        ['carol@other.com'],
      ],
      [
        'meta.created gt "2000-01-01T00:00:00Z"',
        ['alice@acme.com', 'bob@acme.com', 'carol@other.com'],
      ],
      ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
      ['USERNAME Eq "bob@acme.com"', ['bob@acme.com']],
    ])('filter %s', async (filter, expected) => {
      const response = await find({ filter });
      expect(response.status).toBe(200);
      expect(names(response.body)).toEqual(expected);
      expect(response.body.totalResults).toBe(expected.length);
    });

    it('pages an eq on a unique attribute like any other filter: the count, then startIndex and count', async () => {
      for (const filter of ['userName eq "ALICE@acme.com"', 'userName eq "nobody@acme.com"']) {
        const hits = filter.includes('ALICE') ? 1 : 0;
        const first = await find({ filter });
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({ totalResults: hits, startIndex: 1, itemsPerPage: hits });
        const second = await find({ filter, startIndex: 2 });
        expect(second.body).toMatchObject({ totalResults: hits, startIndex: 2, itemsPerPage: 0 });
        const counted = await find({ filter, count: 0 });
        expect(counted.body).toMatchObject({ totalResults: hits, itemsPerPage: 0 });
      }
    });

    it.each([
      'userName eq',
      'userName xx "a"',
      'emails[type eq "work"',
      'nosuchattribute eq "x"',
      '((userName eq "a")',
      'userName eq "a" and',
      'active gt true',
    ])('rejects the filter %s with 400 invalidFilter', async (filter) => {
      const response = await find({ filter });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        schemas: [ERROR],
        status: '400',
        scimType: 'invalidFilter',
      });
    });

    it('pages with startIndex and count, as numbers, in a stable order', async () => {
      const all = (await find({ sortBy: 'userName' })).body;
      expect(names(all)).toEqual(['alice@acme.com', 'bob@acme.com', 'carol@other.com']);
      const page = (await find({ startIndex: 2, count: 1, sortBy: 'userName' })).body;
      expect(page).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(page.Resources[0].userName).toBe('bob@acme.com');
      const countOnly = (await find({ count: 0 })).body;
      expect(countOnly).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
      const clamped = (await find({ startIndex: -5, count: 1000 })).body;
      expect(clamped).toMatchObject({ startIndex: 1, itemsPerPage: 3 });
      const descending = (await find({ sortBy: 'name.givenName', sortOrder: 'descending' })).body;
      expect(
        descending.Resources.map((r: { name: { givenName: string } }) => r.name.givenName),
      ).toEqual(['Carol', 'Bob', 'Alice']);
      const bad = await find({ startIndex: 'one' });
      expect(bad.status).toBe(400);
    });

    it('honours attributes and excludedAttributes', async () => {
      const only = (
        await find({
          filter: 'userName eq "alice@acme.com"',
          attributes: 'userName,name.givenName',
        })
      ).body.Resources[0];
      expect(only).toEqual({
        schemas: expect.any(Array),
        id: expect.any(String),
        userName: 'alice@acme.com',
        name: { givenName: 'Alice' },
      });
      const without = (
        await find({ filter: 'userName eq "alice@acme.com"', excludedAttributes: 'emails,meta' })
      ).body.Resources[0];
      expect(without.emails).toBeUndefined();
      expect(without.meta).toBeUndefined();
      expect(without.userName).toBe('alice@acme.com');
    });

    it('searches with POST /Users/.search', async () => {
      const response = await app
        .http()
        .post('/scim/v2/Users/.search')
        .set('Authorization', q.scimAuth)
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'title pr',
          attributes: ['userName'],
          sortBy: 'userName',
          startIndex: 1,
          count: 10,
        })
        .expect(200);
      expect(response.body.Resources).toEqual([
        expect.objectContaining({ userName: 'alice@acme.com' }),
        expect.objectContaining({ userName: 'bob@acme.com' }),
      ]);
      expect(response.body.Resources[0].title).toBeUndefined();
    });
  });

  describe('discovery', () => {
    it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
      const config = await app.http().get('/scim/v2/ServiceProviderConfig').expect(200);
      expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(config.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 200 },
        etag: { supported: true },
        sort: { supported: true },
      });
      const types = await app.http().get('/scim/v2/ResourceTypes').expect(200);
      expect(types.body.Resources.map((r: { id: string }) => r.id).sort()).toEqual([
        'Group',
        'User',
      ]);
      const schemas = await app.http().get('/scim/v2/Schemas').expect(200);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
          'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User',
        ]),
      );
      await app
        .http()
        .get('/scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:rollcall:2.0:User')
        .expect(200);
      const bulk = await app.http().post('/scim/v2/Bulk').send({});
      expect(bulk.status).toBe(501);
      expect(bulk.body).toMatchObject({ schemas: [ERROR], status: '501' });
      const missing = await app.http().get('/scim/v2/Schemas/urn:nope');
      expect(missing.status).toBe(404);
      expect(missing.body.schemas).toEqual([ERROR]);
    });
  });

  describe('provisioning log', () => {
    it('records every SCIM request without secrets, filterable by outcome and resource', async () => {
      const logged = await aScimTenant(app);
      const created = await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', logged.scimAuth)
        .send({ userName: 'logged@example.com', password: 'hunter2' })
        .expect(201);
      await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', logged.scimAuth)
        .send({ userName: 'logged@example.com' })
        .expect(409);
      await app
        .http()
        .get('/scim/v2/Users')
        .query({ filter: 'bad filter' })
        .set('Authorization', logged.scimAuth)
        .expect(400);
      const fetchLogs = async (query: Record<string, string> = {}) =>
        (
          await app
            .http()
            .get('/api/v1/scim/logs')
            .query(query)
            .set('Authorization', logged.auth)
            .expect(200)
        ).body;
      // Entries are written in the background, just after each response.
      const logs = await waitFor(
        async () => {
          const page = await fetchLogs();
          return page.data.length >= 3 && page;
        },
        { what: 'three requests in the SCIM log' },
      );
      expect(logs.data).toHaveLength(3);
      expect(logs.data.map((e: { status: number }) => e.status)).toEqual([400, 409, 201]);
      expect(logs.data[2]).toMatchObject({
        method: 'POST',
        resourceType: 'User',
        resourceId: created.body.id,
        userName: 'logged@example.com',
        outcome: 'success',
        reason: null,
      });
      expect(logs.data[1]).toMatchObject({
        outcome: 'failure',
        scimType: 'uniqueness',
        reason: 'uniqueness',
      });
      expect(logs.data[0]).toMatchObject({ scimType: 'invalidFilter', reason: 'invalid_filter' });
      expect(JSON.stringify(logs)).not.toMatch(/hunter2|rcscim_/);
      const failures = await fetchLogs({ outcome: 'failure' });
      expect(failures.data).toHaveLength(2);
      const byResource = await fetchLogs({ resourceId: created.body.id });
      expect(byResource.data).toHaveLength(1);
      const other = await aScimTenant(app);
      const theirs = (
        await app.http().get('/api/v1/scim/logs').set('Authorization', other.auth).expect(200)
      ).body;
      expect(theirs.data).toHaveLength(0);
    });
  });
});

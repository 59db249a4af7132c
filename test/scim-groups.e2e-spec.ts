import { aScimTenant, type ScimTenant } from './support/factories';
import {
  PATCH_OP,
  SCIM_ERROR,
  scimClient,
  type ScimClient,
  scimUsers,
} from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BASE = 'http://rollcall.test/scim/v2';
const NOWHERE = '00000000-0000-4000-8000-000000000000';

describe('SCIM /Groups', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  /** Five users of `tenant`, sorted by id. */
  let users: string[];
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    users = (
      await scimUsers(
        scim,
        [
          'ann@example.com',
          'ben@example.com',
          'cat@example.com',
          'dan@example.com',
          'eve@example.com',
        ],
        {},
      )
    ).sort();
    await scim.patch(`/Users/${users[0]}`, [{ op: 'add', path: 'displayName', value: 'Ann A.' }]);
  });
  afterAll(() => app.close());

  let counter = 0;
  const uniqueName = (prefix = 'Group') => `${prefix} ${(counter += 1)}`;
  const createGroup = async (body: Record<string, unknown> = {}) => {
    const response = await scim.post('/Groups', {
      schemas: [GROUP],
      displayName: uniqueName(),
      ...body,
    });
    expect([response.status, response.body]).toEqual([201, expect.anything()]);
    return response.body as Record<string, unknown> & { id: string; displayName: string };
  };
  const memberIds = async (groupId: string): Promise<string[]> =>
    (
      await app.dataSource.query(
        'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id',
        [groupId],
      )
    ).map((row: { user_id: string }) => row.user_id);
  const version = async (groupId: string): Promise<number> =>
    (await app.dataSource.query('SELECT version FROM groups WHERE id = $1', [groupId]))[0]
      .version as number;
  const snapshot = async () =>
    JSON.stringify([
      await app.dataSource.query('SELECT * FROM groups ORDER BY id'),
      await app.dataSource.query('SELECT * FROM group_members ORDER BY group_id, user_id'),
    ]);

  describe('create', () => {
    it('creates a group with its members: 201, Location, ETag, members with $ref and display', async () => {
      const response = await scim
        .post('/Groups', {
          schemas: [GROUP],
          displayName: 'Engineering',
          externalId: 'ext-eng',
          members: [{ value: users[1] }, { value: users[0], $ref: null, display: 'ignored' }],
        })
        .expect(201);
      const id = response.body.id as string;
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.headers.location).toBe(`${BASE}/Groups/${id}`);
      expect(response.headers.etag).toBe('W/"1"');
      expect(response.body).toEqual({
        schemas: [GROUP],
        id,
        externalId: 'ext-eng',
        displayName: 'Engineering',
        members: [
          { value: users[0], $ref: `${BASE}/Users/${users[0]}`, display: 'Ann A.', type: 'User' },
          {
            value: users[1],
            $ref: `${BASE}/Users/${users[1]}`,
            display: expect.stringMatching(/@example\.com$/),
            type: 'User',
          },
        ],
        meta: {
          resourceType: 'Group',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${BASE}/Groups/${id}`,
          version: 'W/"1"',
        },
      });
      expect(await memberIds(id)).toEqual([users[0], users[1]]);
      const [row] = await app.dataSource.query('SELECT * FROM groups WHERE id = $1', [id]);
      expect(row).toMatchObject({ organization_id: tenant.id, scim_managed: true });
    });

    it('creates a group without members, and accepts application/json', async () => {
      const response = await app
        .http()
        .post('/scim/v2/Groups')
        .set('Authorization', tenant.scimAuth)
        .send({ displayName: uniqueName('Empty') })
        .expect(201);
      expect(response.body.members).toEqual([]);
      expect(response.body.externalId).toBeUndefined();
    });

    it('refuses a duplicate displayName in any case with 409 uniqueness', async () => {
      const first = await createGroup({ displayName: 'Sales Reps' });
      const response = await scim.post('/Groups', { displayName: 'SALES reps' });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        schemas: [SCIM_ERROR],
        status: '409',
        scimType: 'uniqueness',
        detail: expect.stringContaining('SALES reps'),
      });
      const other = await createGroup();
      const rename = await scim.patch(`/Groups/${other.id}`, [
        { op: 'replace', path: 'displayName', value: 'sales REPS' },
      ]);
      expect([rename.status, rename.body.scimType]).toEqual([409, 'uniqueness']);
      expect(first.displayName).toBe('Sales Reps');
    });

    it('creates exactly one group when the same displayName arrives concurrently', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => scim.post('/Groups', { displayName: 'Race Group' })),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it('rejects bad bodies and members with 400, naming the member, and creates nothing', async () => {
      const other = await aScimTenant(app);
      const [foreign] = await scimUsers(scimClient(app, other), ['foreign@example.com']);
      const nested = await createGroup();
      const before = await snapshot();
      const cases: [unknown, string][] = [
        [{}, 'displayName'],
        [{ displayName: '' }, 'displayName'],
        [{ displayName: { text: 'x' } }, 'displayName'],
        [{ displayName: 'x'.repeat(300) }, 'displayName'],
        [{ displayName: 'Bad', members: [{ value: NOWHERE }] }, NOWHERE],
        [{ displayName: 'Bad', members: [{ value: users[0] }, { value: foreign }] }, foreign],
        [{ displayName: 'Bad', members: [{ value: 'not-a-uuid' }] }, 'not-a-uuid'],
        [{ displayName: 'Bad', members: [{ value: nested.id }] }, 'nested groups'],
        [{ displayName: 'Bad', members: [{ value: users[0], type: 'Group' }] }, 'nested groups'],
        [
          {
            displayName: 'Bad',
            members: [{ value: users[0], $ref: `${BASE}/Groups/${users[0]}` }],
          },
          'nested groups',
        ],
        [{ displayName: 'Bad', members: [{ display: 'no value' }] }, 'members[0].value'],
        [{ displayName: 'Bad', members: [42] }, 'members[0]'],
      ];
      for (const [body, mention] of cases) {
        const response = await scim.post('/Groups', body);
        expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
        expect(response.body.schemas).toEqual([SCIM_ERROR]);
        expect(response.body.scimType).toBe('invalidValue');
        expect(response.body.detail).toContain(mention);
      }
      const notJson = await scim.post('/Groups', ['a list']);
      expect([notJson.status, notJson.body.scimType]).toEqual([400, 'invalidSyntax']);
      expect(await snapshot()).toBe(before);
    });
  });

  describe('read', () => {
    it('gets a group with its members, honouring attributes and excludedAttributes', async () => {
      const group = await createGroup({ members: users.slice(0, 3).map((value) => ({ value })) });
      const full = await scim.get(`/Groups/${group.id}`).expect(200);
      expect(full.headers.etag).toBe('W/"1"');
      expect(full.body.members.map((m: { value: string }) => m.value)).toEqual(users.slice(0, 3));
      const without = await scim
        .get(`/Groups/${group.id}`, { excludedAttributes: 'members' })
        .expect(200);
      expect(without.body.members).toBeUndefined();
      expect(without.body.displayName).toBe(group.displayName);
      const only = await scim.get(`/Groups/${group.id}`, { attributes: 'displayName' }).expect(200);
      expect(only.body).toEqual({ schemas: [GROUP], id: group.id, displayName: group.displayName });
      const values = await scim.get(`/Groups/${group.id}`, { attributes: 'members.value' });
      expect(values.body.members).toEqual(users.slice(0, 3).map((value) => ({ value })));
      const bad = await scim.get(`/Groups/${group.id}`, { attributes: 'nope' });
      expect(bad.status).toBe(400);
    });

    it('answers 404 for unknown ids, non-UUID ids and another tenant’s groups', async () => {
      const group = await createGroup();
      const other = scimClient(app, await aScimTenant(app));
      for (const response of [
        await scim.get(`/Groups/${NOWHERE}`),
        await scim.get('/Groups/not-a-uuid'),
        await other.get(`/Groups/${group.id}`),
        await other.put(`/Groups/${group.id}`, { displayName: 'Stolen' }),
        await other.patch(`/Groups/${group.id}`, [{ op: 'remove', path: 'members' }]),
        await other.delete(`/Groups/${group.id}`),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
      }
      const listed = await other.get('/Groups').expect(200);
      expect(listed.body.totalResults).toBe(0);
      await scim.get(`/Groups/${group.id}`).expect(200);
    });

    it('needs the SCIM credentials', async () => {
      const response = await app.http().get('/scim/v2/Groups');
      expect(response.status).toBe(401);
      expect(response.body.schemas).toEqual([SCIM_ERROR]);
    });
  });

  describe('PUT', () => {
    it('replaces displayName, externalId and the members', async () => {
      const group = await createGroup({
        externalId: 'put-ext',
        members: [{ value: users[0] }, { value: users[1] }],
      });
      const response = await scim
        .put(`/Groups/${group.id}`, {
          schemas: [GROUP],
          id: group.id,
          displayName: `${group.displayName} renamed`,
          members: [{ value: users[1] }, { value: users[2] }],
        })
        .expect(200);
      expect(response.body.displayName).toBe(`${group.displayName} renamed`);
      expect(response.body.externalId).toBeUndefined();
      expect(response.body.members.map((m: { value: string }) => m.value)).toEqual([
        users[1],
        users[2],
      ]);
      expect(response.headers.etag).toBe('W/"2"');
      expect(await memberIds(group.id)).toEqual([users[1], users[2]]);
      // No members attribute: the members stay (RFC 7644 §3.5.1); an empty list clears them.
      await scim.put(`/Groups/${group.id}`, { displayName: group.displayName }).expect(200);
      expect(await memberIds(group.id)).toEqual([users[1], users[2]]);
      await scim.put(`/Groups/${group.id}`, { displayName: group.displayName, members: [] });
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('honours If-Match and changes nothing when a member is unknown', async () => {
      const group = await createGroup({ members: [{ value: users[0] }] });
      const stale = await app
        .http()
        .put(`/scim/v2/Groups/${group.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', 'W/"7"')
        .send({ displayName: 'Stale' });
      expect(stale.status).toBe(412);
      const unknown = await scim.put(`/Groups/${group.id}`, {
        displayName: 'Renamed',
        members: [{ value: NOWHERE }],
      });
      expect([unknown.status, unknown.body.scimType]).toEqual([400, 'invalidValue']);
      expect(unknown.body.detail).toContain(NOWHERE);
      const fresh = await scim.get(`/Groups/${group.id}`).expect(200);
      expect(fresh.body.displayName).toBe(group.displayName);
      expect(await memberIds(group.id)).toEqual([users[0]]);
      await app
        .http()
        .put(`/scim/v2/Groups/${group.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', fresh.headers.etag)
        .send({ displayName: 'Fresh', members: [] })
        .expect(200);
    });
  });

  describe('PATCH', () => {
    it('answers 204 with the new ETag, or 200 with the group when attributes are asked for', async () => {
      const group = await createGroup();
      const plain = await scim.patch(`/Groups/${group.id}`, [
        { op: 'add', path: 'members', value: [{ value: users[0] }] },
      ]);
      expect(plain.status).toBe(204);
      expect(plain.text).toBe('');
      expect(plain.headers.etag).toBe('W/"2"');
      const without = await scim
        .patch(
          `/Groups/${group.id}`,
          [{ op: 'add', path: 'members', value: [{ value: users[1] }] }],
          {
            excludedAttributes: 'members',
          },
        )
        .expect(200);
      expect(without.body).toMatchObject({ id: group.id, meta: { version: 'W/"3"' } });
      expect(without.body.members).toBeUndefined();
      const withMembers = await scim
        .patch(`/Groups/${group.id}`, [{ op: 'remove', path: `members[value eq "${users[0]}"]` }], {
          attributes: 'members',
        })
        .expect(200);
      expect(withMembers.body).toEqual({
        schemas: [GROUP],
        id: group.id,
        members: [expect.objectContaining({ value: users[1] })],
      });
    });

    it('adds one and many members; re-adding is a no-op that keeps the version', async () => {
      const group = await createGroup();
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'add', path: 'members', value: [{ value: users[0] }] },
        ])
        .expect(204);
      await scim
        .patch(`/Groups/${group.id}`, [
          {
            op: 'Add',
            path: 'members',
            value: [{ value: users[1], $ref: null }, { value: users[2].toUpperCase() }],
          },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual(users.slice(0, 3));
      expect(await version(group.id)).toBe(3);
      const again = await scim.patch(`/Groups/${group.id}`, [
        { op: 'ADD', path: 'members', value: [{ value: users[0] }, { value: users[1] }] },
      ]);
      expect([again.status, again.headers.etag]).toEqual([204, 'W/"3"']);
      expect(await memberIds(group.id)).toEqual(users.slice(0, 3));
      // No path: {"members": [...]}; a single member object is accepted too.
      await scim
        .patch(`/Groups/${group.id}`, [{ op: 'add', value: { members: [{ value: users[3] }] } }])
        .expect(204);
      await scim
        .patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: { value: users[4] } }])
        .expect(204);
      expect(await memberIds(group.id)).toEqual(users);
    });

    it('removes by value path, by value list, and all members; absent members are a no-op', async () => {
      const group = await createGroup({ members: users.map((value) => ({ value })) });
      await scim
        .patch(`/Groups/${group.id}`, [{ op: 'remove', path: `members[value eq "${users[0]}"]` }])
        .expect(204);
      await scim
        .patch(`/Groups/${group.id}`, [
          {
            op: 'Remove',
            path: 'members',
            value: [{ value: users[1] }, { value: users[2], $ref: null }],
          },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual(users.slice(3));
      const before = await version(group.id);
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'remove', path: `members[value eq "${users[0]}"]` },
          { op: 'remove', path: 'members[value eq "not-a-uuid"]' },
          { op: 'remove', path: 'members', value: [{ value: NOWHERE }] },
        ])
        .expect(204);
      expect(await version(group.id)).toBe(before);
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'remove', path: `members[value eq "${users[3]}" or value eq "${users[4]}"]` },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual([]);
      await scim.patch(`/Groups/${group.id}`, [
        { op: 'add', path: 'members', value: [{ value: users[0] }] },
      ]);
      await scim.patch(`/Groups/${group.id}`, [{ op: 'remove', path: 'members' }]).expect(204);
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('replaces members and displayName, with and without a path', async () => {
      const group = await createGroup({ members: [{ value: users[0] }, { value: users[1] }] });
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'replace', path: 'members', value: [{ value: users[1] }, { value: users[2] }] },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual([users[1], users[2]]);
      await scim
        .patch(`/Groups/${group.id}`, [{ op: 'Replace', path: 'displayName', value: 'Renamed A' }])
        .expect(204);
      await scim
        .patch(`/Groups/${group.id}`, [
          {
            op: 'replace',
            value: { id: group.id, displayName: 'Renamed B', externalId: 'ext-b' },
          },
        ])
        .expect(204);
      const fetched = await scim.get(`/Groups/${group.id}`).expect(200);
      expect(fetched.body).toMatchObject({ displayName: 'Renamed B', externalId: 'ext-b' });
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'replace', value: { displayName: 'Renamed C', members: [{ value: users[4] }] } },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual([users[4]]);
      await scim
        .patch(`/Groups/${group.id}`, [{ op: 'replace', path: 'members', value: [] }])
        .expect(204);
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('applies several operations atomically, in order', async () => {
      const group = await createGroup({ members: [{ value: users[0] }] });
      await scim
        .patch(`/Groups/${group.id}`, [
          { op: 'remove', path: 'members' },
          { op: 'add', path: 'members', value: [{ value: users[1] }, { value: users[2] }] },
          { op: 'remove', path: `members[value eq "${users[2]}"]` },
          { op: 'replace', path: 'displayName', value: `${group.displayName}!` },
        ])
        .expect(204);
      expect(await memberIds(group.id)).toEqual([users[1]]);
      expect(await version(group.id)).toBe(2);
      const before = await snapshot();
      const failed = await scim.patch(`/Groups/${group.id}`, [
        { op: 'remove', path: 'members' },
        { op: 'replace', path: 'displayName', value: 'Half done' },
        { op: 'add', path: 'members', value: [{ value: NOWHERE }] },
      ]);
      expect([failed.status, failed.body.scimType]).toEqual([400, 'invalidValue']);
      expect(failed.body.detail).toContain(NOWHERE);
      expect(await snapshot()).toBe(before);
    });

    it('answers bad paths and read-only attributes with 400, changing nothing', async () => {
      const group = await createGroup({ members: [{ value: users[0] }] });
      const before = await snapshot();
      const cases: [unknown[], string][] = [
        [[{ op: 'replace', path: 'members[value eq', value: 'x' }], 'invalidPath'],
        [[{ op: 'add', path: `members[value eq "${users[1]}"]`, value: [] }], 'invalidPath'],
        [[{ op: 'remove', path: 'members[display eq "Ann A."]' }], 'invalidPath'],
        [
          [{ op: 'replace', path: `members[value eq "${users[0]}"].display`, value: 'x' }],
          'invalidPath',
        ],
        [[{ op: 'replace', path: 'id', value: NOWHERE }], 'mutability'],
        [[{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], 'mutability'],
        [[{ op: 'remove', path: 'displayName' }], 'invalidValue'],
        [[{ op: 'replace', path: 'displayName', value: '' }], 'invalidValue'],
        [
          [{ op: 'add', path: 'members', value: [{ value: users[1], type: 'Group' }] }],
          'invalidValue',
        ],
        [[{ op: 'remove' }], 'noTarget'],
        [[{ op: 'copy', path: 'members' }], 'invalidSyntax'],
      ];
      for (const [operations, scimType] of cases) {
        const response = await scim.patch(`/Groups/${group.id}`, operations);
        const label = JSON.stringify(operations);
        expect([label, response.status, response.body.scimType]).toEqual([label, 400, scimType]);
        expect(response.body.detail).toMatch(/^PATCH operation 1|PATCH request|The op/);
      }
      expect(await snapshot()).toBe(before);
    });

    it('honours If-Match with 412 and changes nothing', async () => {
      const group = await createGroup();
      const stale = await app
        .http()
        .patch(`/scim/v2/Groups/${group.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', 'W/"9"')
        .send({
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }] }],
        });
      expect(stale.status).toBe(412);
      expect(await memberIds(group.id)).toEqual([]);
      await app
        .http()
        .patch(`/scim/v2/Groups/${group.id}`)
        .set('Authorization', tenant.scimAuth)
        .set('If-Match', 'W/"1"')
        .send({ Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }] }] })
        .expect(204);
    });

    it('loses no member when 50 single-member adds arrive at once', async () => {
      const crowd = scimClient(app, await aScimTenant(app));
      const ids = await scimUsers(
        crowd,
        Array.from({ length: 50 }, (_, i) => `crowd-${i}@example.com`),
      );
      const group = (await crowd.post('/Groups', { displayName: 'Crowd' }).expect(201)).body;
      const responses = await Promise.all(
        ids.map((value) =>
          crowd.patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value }] }]),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(ids.map(() => 204));
      expect(await memberIds(group.id)).toEqual([...ids].sort());
      expect(await version(group.id)).toBe(51);
      const fetched = await crowd.get(`/Groups/${group.id}`).expect(200);
      expect(fetched.body.members).toHaveLength(50);
    });
  });

  describe('DELETE', () => {
    it('deletes the group and its memberships, and keeps the users', async () => {
      const group = await createGroup({ members: [{ value: users[0] }, { value: users[1] }] });
      await scim.delete(`/Groups/${group.id}`).expect(204);
      await scim.get(`/Groups/${group.id}`).expect(404);
      await scim.delete(`/Groups/${group.id}`).expect(404);
      expect(await memberIds(group.id)).toEqual([]);
      await scim.get(`/Users/${users[0]}`).expect(200);
      // The name is free again.
      await scim.post('/Groups', { displayName: group.displayName }).expect(201);
    });
  });

  describe('queries', () => {
    let q: ScimClient;
    let ids: Record<string, string>;
    let people: string[];
    beforeAll(async () => {
      q = scimClient(app, await aScimTenant(app));
      people = await scimUsers(q, ['p1@example.com', 'p2@example.com']);
      ids = {};
      for (const [displayName, externalId, members] of [
        ['Alpha', 'ext-a', [people[0]]],
        ['beta', 'ext-b', [people[0], people[1]]],
        ['Gamma', null, []],
      ] as [string, string | null, string[]][]) {
        const created = await q
          .post('/Groups', {
            displayName,
            ...(externalId ? { externalId } : {}),
            members: members.map((value) => ({ value })),
          })
          .expect(201);
        ids[displayName] = created.body.id as string;
      }
    });
    const names = (response: { body: { Resources: { displayName: string }[] } }) =>
      response.body.Resources.map((r) => r.displayName);

    it.each([
      ['displayName eq "ALPHA"', ['Alpha']],
      ['displayName sw "b"', ['beta']],
      ['externalId eq "ext-b"', ['beta']],
      ['externalId eq "EXT-B"', []],
      ['externalId pr', ['Alpha', 'beta']],
      ['members pr', ['Alpha', 'beta']],
      ['not (members pr)', ['Gamma']],
      ['meta.created ge "2020-01-01T00:00:00Z" and displayName ne "beta"', ['Alpha', 'Gamma']],
      ['meta.lastModified lt "2020-01-01T00:00:00Z"', []],
      ['members.display co "p2@"', ['beta']],
      ['members[type eq "User"]', ['Alpha', 'beta']],
      ['members.value eq "not-a-uuid"', []],
    ])('filters %s', async (filter, expected) => {
      const response = await q
        .get('/Groups', { filter, excludedAttributes: 'members' })
        .expect(200);
      expect(names(response)).toEqual(expected);
      expect(response.body.totalResults).toBe(expected.length);
    });

    it('filters by member, in both spellings, and by id', async () => {
      for (const filter of [
        `members.value eq "${people[1]}"`,
        `members[value eq "${people[1].toUpperCase()}"]`,
        `members eq "${people[1]}"`,
      ]) {
        expect(names(await q.get('/Groups', { filter }).expect(200))).toEqual(['beta']);
      }
      expect(
        names(await q.get('/Groups', { filter: `members[value eq "${people[0]}"]` }).expect(200)),
      ).toEqual(['Alpha', 'beta']);
      expect(names(await q.get('/Groups', { filter: `id eq "${ids.Gamma}"` }).expect(200))).toEqual(
        ['Gamma'],
      );
    });

    it('lists members unless excluded, pages and sorts', async () => {
      const all = await q.get('/Groups').expect(200);
      expect(all.body).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
      expect(all.body.Resources[1].members.map((m: { value: string }) => m.value)).toEqual(
        [...people].sort(),
      );
      const page = await q
        .get('/Groups', { sortBy: 'displayName', sortOrder: 'descending', startIndex: 2, count: 1 })
        .expect(200);
      expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(names(page)).toEqual(['beta']);
      const counted = await q.get('/Groups', { count: 0 }).expect(200);
      expect(counted.body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
      const bad = await q.get('/Groups', { sortBy: 'members' });
      expect(bad.status).toBe(400);
    });

    it('searches with POST /Groups/.search', async () => {
      const response = await q
        .post('/Groups/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'displayName eq "beta"',
          excludedAttributes: ['members'],
          startIndex: 1,
          count: 10,
        })
        .expect(200);
      expect(response.body.totalResults).toBe(1);
      expect(response.body.Resources[0]).toMatchObject({ id: ids.beta, displayName: 'beta' });
      expect(response.body.Resources[0].members).toBeUndefined();
    });

    it('answers bad filters with 400 invalidFilter', async () => {
      for (const filter of [
        'displayName eq',
        'nope eq "x"',
        'members[display eq "x"',
        'members.$ref eq "x"',
      ]) {
        const response = await q.get('/Groups', { filter });
        expect([filter, response.status, response.body.scimType]).toEqual([
          filter,
          400,
          'invalidFilter',
        ]);
      }
    });
  });

  describe('the users’ side', () => {
    it('lists a user’s groups in its read-only groups attribute, one query per page', async () => {
      const side = scimClient(app, await aScimTenant(app));
      const [member, loner] = await scimUsers(side, ['member@example.com', 'loner@example.com']);
      const beta = (
        await side
          .post('/Groups', { displayName: 'Beta', members: [{ value: member }] })
          .expect(201)
      ).body;
      const alpha = (
        await side
          .post('/Groups', { displayName: 'alpha', members: [{ value: member }] })
          .expect(201)
      ).body;
      const user = await side.get(`/Users/${member}`).expect(200);
      expect(user.body.groups).toEqual([
        { value: alpha.id, $ref: `${BASE}/Groups/${alpha.id}`, display: 'alpha', type: 'direct' },
        { value: beta.id, $ref: `${BASE}/Groups/${beta.id}`, display: 'Beta', type: 'direct' },
      ]);
      const listed = await side.get('/Users', { sortBy: 'userName' }).expect(200);
      expect(
        listed.body.Resources.map((u: { userName: string; groups: unknown[] }) => [
          u.userName,
          u.groups.length,
        ]),
      ).toEqual([
        ['loner@example.com', 0],
        ['member@example.com', 2],
      ]);
      const without = await side.get(`/Users/${member}`, { excludedAttributes: 'groups' });
      expect(without.body.groups).toBeUndefined();
      await side.delete(`/Groups/${beta.id}`).expect(204);
      expect((await side.get(`/Users/${member}`).expect(200)).body.groups).toHaveLength(1);
      expect((await side.get(`/Users/${loner}`).expect(200)).body.groups).toEqual([]);
      // groups is read-only on the user.
      const refused = await side.patch(`/Users/${member}`, [
        { op: 'add', path: 'groups', value: [{ value: beta.id }] },
      ]);
      expect([refused.status, refused.body.scimType]).toEqual([400, 'mutability']);
    });

    it('keeps the memberships of deactivated and SCIM-deleted users, and restores them on return', async () => {
      const side = scimClient(app, await aScimTenant(app));
      const [kept, gone] = await scimUsers(side, ['kept@example.com', 'gone@example.com']);
      const group = (
        await side
          .post('/Groups', { displayName: 'Side', members: [{ value: kept }, { value: gone }] })
          .expect(201)
      ).body;
      const listed = async () =>
        ((await side.get(`/Groups/${group.id}`).expect(200)).body.members as { value: string }[])
          .map((m) => m.value)
          .sort();

      const deactivated = await side
        .patch(`/Users/${kept}`, [{ op: 'replace', path: 'active', value: false }])
        .expect(200);
      expect(deactivated.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
      expect(await listed()).toEqual([kept, gone].sort());
      await side
        .patch(`/Users/${kept}`, [{ op: 'replace', path: 'active', value: true }])
        .expect(200);

      await side.delete(`/Users/${gone}`).expect(204);
      expect(await listed()).toEqual([kept]);
      expect(await memberIds(group.id)).toEqual([kept, gone].sort());
      // A SCIM replace of the members leaves what SCIM cannot see alone.
      await side.patch(`/Groups/${group.id}`, [
        { op: 'replace', path: 'members', value: [{ value: kept }] },
      ]);
      expect(await memberIds(group.id)).toEqual([kept, gone].sort());
      // Adding a SCIM-deleted user is refused like an unknown one.
      const refused = await side.patch(`/Groups/${group.id}`, [
        { op: 'add', path: 'members', value: [{ value: gone }] },
      ]);
      expect([refused.status, refused.body.scimType]).toEqual([400, 'invalidValue']);

      const back = await side.post('/Users', { userName: 'gone@example.com' }).expect(201);
      expect(back.body.id).toBe(gone);
      expect(back.body.groups).toEqual([expect.objectContaining({ value: group.id })]);
      expect(await listed()).toEqual([kept, gone].sort());
    });
  });

  describe('discovery and the provisioning log', () => {
    it('advertises members as users only', async () => {
      const schema = await app.http().get(`/scim/v2/Schemas/${GROUP}`).expect(200);
      const members = schema.body.attributes.find((a: { name: string }) => a.name === 'members');
      const type = members.subAttributes.find((a: { name: string }) => a.name === 'type');
      expect(type.canonicalValues).toEqual(['User']);
      const ref = members.subAttributes.find((a: { name: string }) => a.name === '$ref');
      expect(ref.referenceTypes).toEqual(['User']);
    });

    it('records every group request', async () => {
      const logged = await aScimTenant(app);
      const client = scimClient(app, logged);
      const created = await client.post('/Groups', { displayName: 'Logged' }).expect(201);
      await client
        .patch(`/Groups/${created.body.id}`, [{ op: 'remove', path: 'members' }])
        .expect(204);
      await client.post('/Groups', { displayName: 'logged' }).expect(409);
      const fetchLogs = async () =>
        (
          await app
            .http()
            .get('/api/v1/scim/logs')
            .query({ resourceType: 'Group' })
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
      expect(
        logs.data.map((e: { method: string; status: number }) => [e.method, e.status]),
      ).toEqual([
        ['POST', 409],
        ['PATCH', 204],
        ['POST', 201],
      ]);
      expect(logs.data[1]).toMatchObject({ resourceId: created.body.id, outcome: 'success' });
      expect(logs.data[0]).toMatchObject({ outcome: 'failure', scimType: 'uniqueness' });
    });
  });
});

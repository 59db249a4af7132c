/**
 * Group PATCH and PUT in every shape the identity providers send (issue 19): Okta's member objects
 * without `type` or `$ref`, with or without `display`, several in one operation; Okta's "Push now"
 * on an empty group (`replace` of `members` with `[]`); Entra's removal by value filter and the
 * filterless removals (a value list, or no value: every member); refused members (unknown, another
 * organization's, malformed, deleted) that leave the whole request unapplied; the 204/200 reply;
 * and the PUT-based apps' rename without `members`.
 */
import { oktaReplaceGroup } from './fixtures/okta-groups';
import { aScimTenant, type ScimTenant } from './support/factories';
import { scimClient, type ScimClient, scimUsers } from './support/scim-client';
import { REJECTION_SNAPSHOT, snapshotDifference, TenantSnapshot } from './support/tenant-snapshot';
import { startTestApp, type TestApp } from './support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const NOWHERE = '00000000-0000-4000-8000-000000000000';

describe('SCIM /Groups: the shapes identity providers send', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let snapshots: TenantSnapshot;
  /** Four users of `tenant`, sorted by id, and their userNames. */
  let users: string[];
  const userNames = new Map<string, string>();
  /** A user of another organization. */
  let foreign: string;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    const names = ['a@okta.local', 'b@okta.local', 'c@okta.local', 'd@okta.local'];
    (await scimUsers(scim, names)).forEach((id, index) => userNames.set(id, names[index] ?? ''));
    users = [...userNames.keys()].sort();
    [foreign] = await scimUsers(scimClient(app, await aScimTenant(app)), ['x@elsewhere.com']);
    snapshots = await TenantSnapshot.prepare(app.dataSource, REJECTION_SNAPSHOT);
  });
  afterAll(() => app.close());

  let counter = 0;
  const createGroup = async (members: string[] = []) => {
    const response = await scim.post('/Groups', {
      schemas: [GROUP],
      displayName: `Shapes ${(counter += 1)}`,
      members: members.map((value) => ({ value })),
    });
    expect([response.status, response.text]).toEqual([201, expect.any(String)]);
    return response.body as { id: string; displayName: string };
  };
  const memberIds = async (groupId: string): Promise<string[]> =>
    (
      await app.dataSource.query(
        'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id',
        [groupId],
      )
    ).map((row: { user_id: string }) => row.user_id);
  const state = async (groupId: string) => {
    const [row] = await app.dataSource.query(
      'SELECT display_name, version FROM groups WHERE id = $1',
      [groupId],
    );
    return { displayName: row.display_name as string, version: row.version as number };
  };
  const eventTypes = async (groupId: string): Promise<string[]> =>
    (
      await app.dataSource.query(
        'SELECT type FROM events WHERE subject_id = $1 ORDER BY tx, position',
        [groupId],
      )
    ).map((row: { type: string }) => row.type);
  const patch = (groupId: string, operations: unknown[], query: Record<string, string> = {}) =>
    scim.patch(`/Groups/${groupId}`, operations, query);

  describe('add', () => {
    it('takes Okta member objects without type or $ref, with and without display, several at once', async () => {
      const group = await createGroup();
      const added = await patch(group.id, [
        {
          op: 'add',
          path: 'members',
          value: [
            { value: users[0], display: userNames.get(users[0]) },
            { value: users[1] },
            { value: users[2], display: 'someone else entirely' },
          ],
        },
      ]);
      expect([added.status, added.text]).toEqual([204, '']);
      expect(await memberIds(group.id)).toEqual(users.slice(0, 3));
      // `display` is the IdP's label: ignored, the group answers the user's own.
      const fetched = await scim.get(`/Groups/${group.id}`).expect(200);
      expect(fetched.body.members).toEqual(
        users.slice(0, 3).map((id) => ({
          value: id,
          $ref: `http://rollcall.test/scim/v2/Users/${id}`,
          display: userNames.get(id),
          type: 'User',
        })),
      );
    });

    it('takes one member object, bare ids, the URN path, any case, and a no-path value', async () => {
      const group = await createGroup();
      await patch(group.id, [
        { op: 'add', path: 'members', value: { value: users[0], type: 'User' } },
      ]).expect(204);
      await patch(group.id, [
        { op: 'Add', path: `${GROUP}:members`, value: [users[1].toUpperCase()] },
      ]).expect(204);
      await patch(group.id, [
        { op: 'ADD', path: 'Members', value: [{ value: users[2], $ref: null }] },
      ]).expect(204);
      await patch(group.id, [
        { op: 'add', value: { members: [{ value: users[3], display: 'Dee' }] } },
      ]).expect(204);
      expect(await memberIds(group.id)).toEqual(users);
      // Several operations in one request, one member each, and a re-add: applied in one version.
      const other = await createGroup([users[0]]);
      await patch(other.id, [
        { op: 'add', path: 'members', value: [{ value: users[0] }] },
        { op: 'add', path: 'members', value: [{ value: users[1] }] },
        { op: 'add', path: 'members', value: [{ value: users[2] }, { value: users[2] }] },
      ]).expect(204);
      expect(await memberIds(other.id)).toEqual(users.slice(0, 3));
      expect((await state(other.id)).version).toBe(2);
    });
  });

  describe('replace', () => {
    it('clears the members on Okta’s "Push now" of an empty group (members [])', async () => {
      const group = await createGroup(users.slice(0, 3));
      await patch(group.id, [{ op: 'replace', path: 'members', value: [] }]).expect(204);
      expect(await memberIds(group.id)).toEqual([]);
      expect(await eventTypes(group.id)).toEqual([
        'group.created',
        'group.members_added',
        'group.members_removed',
      ]);
      // The same push again changes nothing and keeps the version.
      const before = await state(group.id);
      const again = await patch(group.id, [{ op: 'replace', path: 'members', value: [] }]);
      expect([again.status, again.headers.etag]).toEqual([204, `W/"${before.version}"`]);
      // No path, and null, clear too; a list replaces.
      await patch(group.id, [{ op: 'replace', path: 'members', value: [{ value: users[3] }] }]);
      expect(await memberIds(group.id)).toEqual([users[3]]);
      await patch(group.id, [{ op: 'replace', value: { members: [] } }]).expect(204);
      expect(await memberIds(group.id)).toEqual([]);
      await patch(group.id, [{ op: 'add', path: 'members', value: [{ value: users[3] }] }]);
      await patch(group.id, [{ op: 'replace', path: 'members', value: null }]).expect(204);
      expect(await memberIds(group.id)).toEqual([]);
    });
  });

  describe('remove', () => {
    it('removes by value filter (Entra), one id or several joined by or', async () => {
      const group = await createGroup(users);
      await patch(group.id, [
        { op: 'Remove', path: `members[value eq "${users[0].toUpperCase()}"]` },
      ]).expect(204);
      await patch(group.id, [
        { op: 'remove', path: `members[value eq "${users[1]}" or value eq "${users[2]}"]` },
      ]).expect(204);
      expect(await memberIds(group.id)).toEqual([users[3]]);
    });

    it('removes without a filter: a list of {value} objects (Okta, OneLogin), or every member', async () => {
      const group = await createGroup(users);
      await patch(group.id, [
        {
          op: 'remove',
          path: 'members',
          value: [{ value: users[0] }, { value: users[1], display: 'Bee' }],
        },
      ]).expect(204);
      expect(await memberIds(group.id)).toEqual(users.slice(2));
      await patch(group.id, [{ op: 'remove', path: 'members' }]).expect(204);
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('treats removing a non-member (unknown, foreign, malformed) as a no-op that keeps the version', async () => {
      const group = await createGroup([users[0]]);
      const before = await state(group.id);
      for (const id of [users[1], NOWHERE, foreign, 'not-a-uuid']) {
        await patch(group.id, [{ op: 'remove', path: `members[value eq "${id}"]` }]).expect(204);
        await patch(group.id, [{ op: 'remove', path: 'members', value: [{ value: id }] }]).expect(
          204,
        );
      }
      // An empty value list names no one: nothing is removed.
      await patch(group.id, [{ op: 'remove', path: 'members', value: [] }]).expect(204);
      expect(await state(group.id)).toEqual(before);
      expect(await memberIds(group.id)).toEqual([users[0]]);
    });
  });

  describe('refused members', () => {
    it('answers 400 invalidValue naming the member, and applies nothing of the request', async () => {
      const group = await createGroup([users[0]]);
      const deleted = (await scimUsers(scim, ['gone@okta.local']))[0];
      await scim.delete(`/Users/${deleted}`).expect(204);
      const bad = [NOWHERE, foreign, 'not-a-uuid', deleted, group.id];
      const shapes = (id: string): unknown[][] => [
        // Members only: the one-statement path.
        [{ op: 'add', path: 'members', value: [{ value: id }] }],
        // The bad member beside good ones.
        [{ op: 'add', path: 'members', value: [{ value: users[1] }, { value: id }] }],
        // A rename and a bad member: the name must stay.
        [
          { op: 'replace', path: 'displayName', value: 'Must not stick' },
          { op: 'add', path: 'members', value: [{ value: id, display: 'x' }] },
        ],
        [{ op: 'replace', value: { displayName: 'Must not stick', members: [{ value: id }] } }],
        [
          { op: 'remove', path: 'members' },
          { op: 'replace', path: 'members', value: [{ value: users[2] }, { value: id }] },
        ],
      ];
      const before = await snapshots.take(tenant.id);
      for (const id of bad) {
        for (const operations of shapes(id)) {
          for (const query of [{}, { attributes: 'displayName' }] as Record<string, string>[]) {
            const response = await patch(group.id, operations, query);
            const label = JSON.stringify([operations, query]);
            expect([label, response.status, response.body.scimType]).toEqual([
              label,
              400,
              'invalidValue',
            ]);
            expect(response.body.detail).toContain(`"${id}"`);
          }
        }
      }
      expect(snapshotDifference(before, await snapshots.take(tenant.id))).toBeUndefined();
      expect(await state(group.id)).toEqual({ displayName: group.displayName, version: 1 });
    });
  });

  describe('the reply', () => {
    it('is 204 with the ETag, or 200 with the group as attributes / excludedAttributes select it', async () => {
      const group = await createGroup();
      const plain = await patch(group.id, [
        { op: 'add', path: 'members', value: [{ value: users[0] }] },
      ]);
      expect([plain.status, plain.text, plain.headers.etag]).toEqual([204, '', 'W/"2"']);
      const renamed = await patch(
        group.id,
        [
          { op: 'replace', path: 'displayName', value: `${group.displayName} (EMEA)` },
          { op: 'add', path: 'members', value: [{ value: users[1] }] },
        ],
        { attributes: 'displayName,members' },
      );
      expect([renamed.status, renamed.headers.etag]).toEqual([200, 'W/"3"']);
      expect(renamed.body).toEqual({
        schemas: [GROUP],
        id: group.id,
        displayName: `${group.displayName} (EMEA)`,
        members: [users[0], users[1]].map((value) => expect.objectContaining({ value })),
      });
      const excluded = await patch(
        group.id,
        [{ op: 'remove', path: `members[value eq "${users[0]}"]` }],
        { excludedAttributes: 'members' },
      );
      expect(excluded.status).toBe(200);
      expect(excluded.body).toMatchObject({ id: group.id, meta: { version: 'W/"4"' } });
      expect(excluded.body.members).toBeUndefined();
      expect(await memberIds(group.id)).toEqual([users[1]]);
      // The full group (members included) when attributes names them.
      const full = await patch(group.id, [{ op: 'remove', path: 'members' }], {
        attributes: 'members',
      });
      expect([full.status, full.body.members]).toEqual([200, []]);
      // An attribute the group does not have is refused before anything changes.
      const before = await snapshots.take(tenant.id);
      const unknown = await patch(
        group.id,
        [{ op: 'add', path: 'members', value: [{ value: users[2] }] }],
        { attributes: 'nope' },
      );
      expect([unknown.status, unknown.body.detail]).toEqual([400, expect.stringContaining('nope')]);
      expect(snapshotDifference(before, await snapshots.take(tenant.id))).toBeUndefined();
    });
  });

  describe('PUT (Okta’s PUT-based apps)', () => {
    it('renames with a PUT without members and keeps them; members [] or null clears them', async () => {
      const group = await createGroup(users.slice(0, 2));
      const { members: _omitted, ...rename } = oktaReplaceGroup(group.id, 'Renamed by PUT', []);
      const renamed = await scim.put(`/Groups/${group.id}`, rename).expect(200);
      expect(renamed.body.displayName).toBe('Renamed by PUT');
      expect(renamed.body.members.map((m: { value: string }) => m.value)).toEqual(
        users.slice(0, 2),
      );
      expect(await memberIds(group.id)).toEqual(users.slice(0, 2));
      expect(await eventTypes(group.id)).toEqual([
        'group.created',
        'group.members_added',
        'group.updated',
      ]);
      // The same PUT again changes nothing.
      const again = await scim.put(`/Groups/${group.id}`, rename).expect(200);
      expect(again.headers.etag).toBe(renamed.headers.etag);
      // A PUT that lists members makes them exactly those; [] and null clear them.
      await scim
        .put(
          `/Groups/${group.id}`,
          oktaReplaceGroup(group.id, 'Renamed by PUT', [{ value: users[2], display: 'c' }]),
        )
        .expect(200);
      expect(await memberIds(group.id)).toEqual([users[2]]);
      await scim.put(`/Groups/${group.id}`, { ...rename, members: [] }).expect(200);
      expect(await memberIds(group.id)).toEqual([]);
      await scim.put(`/Groups/${group.id}`, { ...rename, members: [{ value: users[3] }] });
      const cleared = await scim.put(`/Groups/${group.id}`, { ...rename, members: null });
      expect([cleared.status, cleared.body.members]).toEqual([200, []]);
    });

    it('refuses a PUT rename with a bad member and keeps name and members', async () => {
      const group = await createGroup([users[0]]);
      const before = await snapshots.take(tenant.id);
      const response = await scim.put(
        `/Groups/${group.id}`,
        oktaReplaceGroup(group.id, 'Must not stick', [{ value: foreign, display: 'x' }]),
      );
      expect([response.status, response.body.scimType]).toEqual([400, 'invalidValue']);
      expect(response.body.detail).toContain(foreign);
      expect(snapshotDifference(before, await snapshots.take(tenant.id))).toBeUndefined();
    });
  });
});

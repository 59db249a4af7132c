import fc from 'fast-check';
import { aScimTenant, type ScimTenant } from './support/factories';
import {
  PATCH_OP,
  SCIM_ERROR,
  scimClient,
  type ScimClient,
  scimUsers,
} from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { filterStrings } from './support/fuzz';

const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('SCIM /Groups under random input', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let groupId: string;
  let otherGroupId: string;
  let members: string[];
  let foreign: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    members = await scimUsers(scim, ['f1@example.com', 'f2@example.com', 'f3@example.com']);
    [foreign] = await scimUsers(scimClient(app, await aScimTenant(app)), ['far@example.com']);
    groupId = (
      await scim
        .post('/Groups', { displayName: 'Fuzzed', members: [{ value: members[0] }] })
        .expect(201)
    ).body.id;
    otherGroupId = (await scim.post('/Groups', { displayName: 'Other' }).expect(201)).body.id;
  });
  afterAll(() => app.close());

  const snapshot = async () =>
    JSON.stringify([
      await app.dataSource.query('SELECT * FROM groups WHERE organization_id = $1 ORDER BY id', [
        tenant.id,
      ]),
      await app.dataSource.query(
        'SELECT * FROM group_members WHERE organization_id = $1 ORDER BY group_id, user_id',
        [tenant.id],
      ),
    ]);

  const ids = () =>
    fc.constantFrom(
      ...members,
      members[0]?.toUpperCase() ?? '',
      foreign,
      otherGroupId,
      '00000000-0000-4000-8000-000000000000',
      'not-a-uuid',
      '',
    );
  const member = () =>
    fc.oneof(
      fc.record(
        {
          value: fc.oneof(ids(), fc.integer(), fc.constant(null)),
          $ref: fc.constantFrom(null, 'http://rollcall.test/scim/v2/Groups/x', 'x'),
          type: fc.constantFrom('User', 'user', 'Group', 'robot', null),
          display: fc.string({ maxLength: 5 }),
        },
        { requiredKeys: ['value'] },
      ),
      ids(),
      fc.jsonValue({ maxDepth: 2 }),
    );
  const memberList = () => fc.oneof(fc.array(member(), { maxLength: 4 }), member());
  const paths = () =>
    fc.oneof(
      fc.constantFrom(
        'members',
        'Members',
        `${GROUP_URN}:members`,
        GROUP_URN,
        'members.value',
        'members[display eq "x"]',
        'members[value eq',
        'displayName',
        'externalId',
        'id',
        'meta.lastModified',
        'nope',
        '',
      ),
      ids().map((id) => `members[value eq "${id}"]`),
      fc.tuple(ids(), ids()).map(([a, b]) => `members[value eq "${a}" or value eq "${b}"]`),
    );
  const values = () =>
    fc.oneof(
      memberList(),
      fc.record(
        { members: memberList(), displayName: fc.string({ maxLength: 8 }) },
        {
          requiredKeys: [],
        },
      ),
      fc.string({ maxLength: 300 }),
      fc.constantFrom(null, '', 'Renamed', 'Other', 'other'),
      fc.jsonValue({ maxDepth: 3 }),
    );
  const operation = () =>
    fc.record(
      {
        op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE', 'copy', ''),
        path: paths(),
        value: values(),
      },
      { requiredKeys: ['op'] },
    );
  const patchBodies = () =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          schemas: fc.constant([PATCH_OP]),
          Operations: fc.array(operation(), { maxLength: 4 }),
        }),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    );

  it('answers every PATCH body with 2xx or 4xx, and a rejected PATCH changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(patchBodies(), async (body) => {
        const before = await snapshot();
        const response = await scim.patchBody(`/Groups/${groupId}`, body);
        expect([body, response.status < 500]).toEqual([body, true]);
        if (response.status >= 400) {
          expect(response.body.schemas).toEqual([SCIM_ERROR]);
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('answers every POST and PUT body with 2xx, 400 or 409, never 5xx', async () => {
    const bodies = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        displayName: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
        externalId: fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null)),
        members: memberList(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, put) => {
        const before = await snapshot();
        const response = put
          ? await scim.put(`/Groups/${otherGroupId}`, body)
          : await scim.post('/Groups', body);
        expect([body, [200, 201, 400, 409].includes(response.status)]).toEqual([body, true]);
        if (response.status >= 400) expect(await snapshot()).toBe(before);
        if (response.status === 200) {
          // Keep the name free for the next round.
          await scim.patch(`/Groups/${otherGroupId}`, [
            { op: 'replace', path: 'displayName', value: 'Other' },
          ]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('answers every filter with 200 or 400 invalidFilter, never 5xx', async () => {
    const filters = filterStrings([
      'displayName',
      'members',
      'members.value',
      'members.display',
      'members.type',
      'members[value eq "x"]',
      'meta.created',
      'externalId',
      'id',
    ]);
    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        const response = await scim.get('/Groups', { filter, excludedAttributes: 'members' });
        expect([filter, response.status < 500]).toEqual([filter, true]);
        if (response.status === 400) expect(response.body.scimType).toBe('invalidFilter');
      }),
      { numRuns: 200 },
    );
  });
});

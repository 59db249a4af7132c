/**
 * `POST /scim/v2/.search` (RFC 7644 §3.4.3): one SearchRequest over users and groups. Users come
 * first, then groups, each in creation order and in the very representation /Users and /Groups
 * give; paging runs across both, filters select a type by `meta.resourceType` or `schemas`, and an
 * attribute one type lacks matches nothing of that type. Same credentials, rate limit,
 * provisioning log and metrics as the resource endpoints, and only the caller's tenant.
 */
import { aScimTenant, type ScimTenant } from './support/factories';
import { SCIM_ERROR, scimClient, scimUsers } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Json = Record<string, unknown>;
type Resource = { id: string; meta?: { resourceType: string } } & Json;

describe('POST /scim/v2/.search', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let other: ScimTenant;
  /** alice, bob, carol (in creation order). */
  let userIds: string[];
  /** "Sales Reps" (alice), "Support" (bob). */
  let groupIds: string[];
  let otherIds: string[];

  const search = (body: unknown, who: Pick<ScimTenant, 'scimAuth'> = tenant) =>
    scimClient(app, who).post('/.search', body);
  const request = (fields: Json = {}) => ({ schemas: [SEARCH_REQUEST], ...fields });
  /** The ids a successful search answers, in order. */
  async function found(fields: Json, who: Pick<ScimTenant, 'scimAuth'> = tenant) {
    const response = await search(request(fields), who);
    expect(response.status).toBe(200);
    return (response.body.Resources as Resource[]).map((resource) => resource.id);
  }

  async function aGroup(who: ScimTenant, displayName: string, members: string[]) {
    const response = await scimClient(app, who).post('/Groups', {
      schemas: [GROUP],
      displayName,
      members: members.map((value) => ({ value })),
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    other = await aScimTenant(app, 'basic');
    const client = scimClient(app, tenant);
    userIds = [
      ...(await scimUsers(client, ['alice@example.com'], { displayName: 'Sales Alice' })),
      ...(await scimUsers(client, ['bob@example.com'], { displayName: 'Bob' })),
      ...(await scimUsers(client, ['carol@example.com'], {
        schemas: [USER, ENTERPRISE],
        [ENTERPRISE]: { department: 'Sales' },
      })),
    ];
    groupIds = [
      await aGroup(tenant, 'Sales Reps', [userIds[0]]),
      await aGroup(tenant, 'Support', [userIds[1]]),
    ];
    const theirUsers = await scimUsers(scimClient(app, other), ['alice@example.com'], {
      displayName: 'Sales Alice',
    });
    otherIds = [...theirUsers, await aGroup(other, 'Sales Reps', theirUsers)];
  });
  afterAll(() => app.close());

  describe('results', () => {
    it('lists the users, then the groups, each as /Users and /Groups give it', async () => {
      const response = await search(request());
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      const client = scimClient(app, tenant);
      const expected = [
        ...(await Promise.all(userIds.map((id) => client.get(`/Users/${id}`)))),
        ...(await Promise.all(groupIds.map((id) => client.get(`/Groups/${id}`)))),
      ].map((each) => each.body as Resource);
      expect(response.body).toEqual({
        schemas: [LIST_RESPONSE],
        totalResults: 5,
        startIndex: 1,
        itemsPerPage: 5,
        Resources: expected,
      });
      const types = (response.body.Resources as Resource[]).map((r) => r.meta?.resourceType);
      expect(types).toEqual(['User', 'User', 'User', 'Group', 'Group']);
    });

    it('pages across both types, totalResults counting both', async () => {
      const all = [...userIds, ...groupIds];
      const page = async (startIndex: number, count: number) => {
        const response = await search(request({ startIndex, count }));
        expect(response.status).toBe(200);
        const { totalResults, itemsPerPage, Resources } = response.body as {
          totalResults: number;
          itemsPerPage: number;
          Resources: Resource[];
        };
        expect(totalResults).toBe(5);
        expect(response.body.startIndex).toBe(startIndex);
        expect(itemsPerPage).toBe(Resources.length);
        return Resources.map((r) => r.id);
      };
      expect(await page(1, 2)).toEqual(all.slice(0, 2));
      expect(await page(2, 3)).toEqual(all.slice(1, 4)); // bob, carol, Sales Reps
      expect(await page(3, 1)).toEqual([all[2]]);
      expect(await page(4, 10)).toEqual(all.slice(3)); // the groups alone
      expect(await page(5, 1)).toEqual([all[4]]);
      expect(await page(6, 10)).toEqual([]);
      expect(await page(1, 0)).toEqual([]); // totalResults alone
    });

    it('accepts startIndex and count as strings, and caps count at 200', async () => {
      const response = await search(request({ startIndex: '3', count: '500' }));
      expect(response.status).toBe(200);
      expect(response.body.totalResults).toBe(5);
      expect((response.body.Resources as Resource[]).map((r) => r.id)).toEqual([
        userIds[2],
        ...groupIds,
      ]);
    });
  });

  describe('filters', () => {
    it.each([
      ['meta.resourceType eq "User"', () => userIds],
      ['meta.resourceType eq "Group"', () => groupIds],
      ['META.RESOURCETYPE ne "User"', () => groupIds],
      [`schemas eq "${USER}"`, () => userIds],
      [`schemas eq "${GROUP}"`, () => groupIds],
      ['userName eq "BOB@example.com"', () => [userIds[1]]],
      ['displayName sw "sales"', () => [userIds[0], groupIds[0]]],
      ['meta.resourceType eq "User" and displayName sw "sales"', () => [userIds[0]]],
      [`members.value eq "PLACEHOLDER_ALICE"`, () => [groupIds[0]]],
      [
        `members[value eq "PLACEHOLDER_BOB"] or userName sw "carol"`,
        () => [userIds[2], groupIds[1]],
      ],
      ['not (userName eq "bob@example.com")', () => [userIds[0], userIds[2], ...groupIds]],
      ['department eq "Sales"', () => [userIds[2]]],
      ['meta.created pr and externalId pr', () => []],
    ])('%s', async (filter, expected) => {
      const text = filter
        .replace('PLACEHOLDER_ALICE', userIds[0])
        .replace('PLACEHOLDER_BOB', userIds[1]);
      expect(await found({ filter: text })).toEqual(expected());
    });

    it('counts what the filter finds, across both types', async () => {
      const response = await search(request({ filter: 'displayName sw "S"', count: 1 }));
      expect(response.status).toBe(200);
      expect(response.body.totalResults).toBe(3); // Sales Alice, Sales Reps, Support
      expect((response.body.Resources as Resource[]).map((r) => r.id)).toEqual([userIds[0]]);
      const rest = await found({ filter: 'displayName sw "S"', startIndex: 2 });
      expect(rest).toEqual(groupIds);
    });
  });

  describe('attributes', () => {
    it('returns each type the attributes it has, and what is always returned', async () => {
      const response = await search(request({ attributes: ['userName'] }));
      expect(response.status).toBe(200);
      const resources = response.body.Resources as Resource[];
      expect(resources[0]).toEqual({
        schemas: expect.arrayContaining([USER]),
        id: userIds[0],
        userName: 'alice@example.com',
      });
      expect(resources[3]).toEqual({ schemas: [GROUP], id: groupIds[0] });
    });

    it('leaves out excludedAttributes, each type those it has', async () => {
      const response = await search(
        request({ excludedAttributes: 'members,groups', filter: 'displayName sw "sales"' }),
      );
      expect(response.status).toBe(200);
      const [user, group] = response.body.Resources as Resource[];
      expect(user).toMatchObject({ userName: 'alice@example.com' });
      expect(user).not.toHaveProperty('groups');
      expect(group).toMatchObject({ displayName: 'Sales Reps', meta: { resourceType: 'Group' } });
      expect(group).not.toHaveProperty('members');
    });
  });

  describe('refusals', () => {
    it.each([
      ['a body that is no object', [SEARCH_REQUEST], 'invalidSyntax', /SearchRequest/],
      ['no schemas', { filter: 'userName pr' }, 'invalidSyntax', /"schemas"/],
      [
        'another message',
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] },
        'invalidSyntax',
        /SearchRequest/,
      ],
      [
        'a filter that does not parse',
        request({ filter: 'userName eq' }),
        'invalidFilter',
        /filter/,
      ],
      [
        'an attribute neither type has',
        request({ filter: 'color eq "red"' }),
        'invalidFilter',
        /"color" is not an attribute of User or Group/,
      ],
      [
        'a schemas filter that depends on the user',
        request({ filter: `schemas eq "${ENTERPRISE}"` }),
        'invalidFilter',
        /depends on each User/,
      ],
      [
        'a malformed branch the type filter rules out',
        request({ filter: 'meta.resourceType eq "Group" and active eq "maybe"' }),
        'invalidFilter',
        /active/,
      ],
      ['a filter that is no string', request({ filter: 7 }), 'invalidValue', /filter/],
      [
        'a startIndex that is no integer',
        request({ startIndex: 'first' }),
        'invalidValue',
        /startIndex/,
      ],
      ['sortBy', request({ sortBy: 'displayName' }), 'invalidValue', /not supported at the root/],
      [
        'sortOrder',
        request({ sortOrder: 'descending' }),
        'invalidValue',
        /not supported at the root/,
      ],
      [
        'a cursor',
        request({ cursor: '' }),
        'invalidValue',
        /Cursor paging is not supported at the root/,
      ],
      [
        'an attribute list entry neither type has',
        request({ attributes: ['color'] }),
        'invalidValue',
        /"color" is not an attribute of User or Group/,
      ],
    ])('%s', async (_name, body, scimType, detail) => {
      const response = await search(body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.body).toEqual({
        schemas: [SCIM_ERROR],
        status: '400',
        scimType,
        detail: expect.stringMatching(detail),
      });
    });

    it('answers 401 without SCIM credentials', async () => {
      const response = await app
        .http()
        .post('/scim/v2/.search')
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(request()));
      expect(response.status).toBe(401);
      expect(response.body.schemas).toEqual([SCIM_ERROR]);
    });
  });

  describe('tenants', () => {
    it("shows another tenant's credentials only that tenant's resources", async () => {
      expect(await found({}, other)).toEqual(otherIds);
      expect(
        await found({ filter: `id eq "${userIds[0]}" or id eq "${groupIds[0]}"` }, other),
      ).toEqual([]);
      expect(await found({ filter: 'displayName sw "sales"' })).toEqual([userIds[0], groupIds[0]]);
    });
  });

  describe('operations', () => {
    it('is written to the provisioning log and counted in the metrics', async () => {
      const logged = await aScimTenant(app);
      expect((await search(request({ filter: 'userName pr' }), logged)).status).toBe(200);
      expect((await search(request({ filter: 'color pr' }), logged)).status).toBe(400);
      const logs = await waitFor(
        async () => {
          const page = (
            await app.http().get('/api/v1/scim/logs').set('Authorization', logged.auth).expect(200)
          ).body as { data: Json[] };
          return page.data.length >= 2 && page;
        },
        { what: 'two root searches in the SCIM log' },
      );
      expect(logs.data).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/scim/v2/.search',
          status: 400,
          outcome: 'failure',
          scimType: 'invalidFilter',
        }),
        expect.objectContaining({
          method: 'POST',
          path: '/scim/v2/.search',
          status: 200,
          outcome: 'success',
          resourceType: null,
        }),
      ]);
      const metrics = (await app.http().get('/metrics').expect(200)).text;
      const series = (labels: string) =>
        metrics
          .split('\n')
          .find((line) => line.startsWith(`rollcall_scim_operations_total{${labels}} `));
      expect(
        series('resource="root",operation="search",outcome="success",scim_type="none"'),
      ).toBeDefined();
      expect(
        series('resource="root",operation="search",outcome="failure",scim_type="invalidFilter"'),
      ).toBeDefined();
    });

    it('counts against the rate limit of the credentials', async () => {
      const limited = await startTestApp(
        {
          rateLimits: {
            windowSeconds: 60,
            scim: 2,
            admin: 1_000_000,
            operatorAuthFailures: 1_000_000,
          },
        },
        app,
      );
      try {
        const fresh = await aScimTenant(limited);
        const statuses: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          statuses.push((await scimClient(limited, fresh).post('/.search', request())).status);
        }
        expect(statuses).toEqual([200, 200, 429]);
      } finally {
        await limited.close();
      }
    });
  });
});

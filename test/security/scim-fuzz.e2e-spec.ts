import fc from 'fast-check';
import type { Response } from 'supertest';
import { aPool, aScimTenant, type ScimTenant } from '../support/factories';
import { filterStrings } from '../support/fuzz';
import { hostileString, refusedByHeaderLimit, SQL_INJECTIONS } from '../support/hostile';
import {
  PATCH_OP,
  SCIM_ERROR,
  scimClient,
  type ScimClient,
  scimUsers,
} from '../support/scim-client';
import { REJECTION_SNAPSHOT, snapshotDifference, TenantSnapshot } from '../support/tenant-snapshot';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * SCIM under generated input, thousands of cases per area, with bodies and paths generated from the
 * service's own /Schemas (so a new attribute is fuzzed without touching this file): filters (SQL
 * injection included) on both resources, every list and search parameter, PATCH, PUT and POST of
 * users and groups. Never a 5xx; errors in the SCIM envelope; a refused request changes nothing; no
 * answer and no stored membership ever involves another tenant's resources.
 *
 * test/scim-fuzz.e2e-spec.ts and test/scim-groups-fuzz.e2e-spec.ts keep their IdP-shaped cases;
 * this suite widens them.
 */

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.ceil(n * SCALE);
const TIMEOUT_MS = 300_000 * SCALE;

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM_TYPES = new Set([
  'invalidFilter',
  'invalidPath',
  'invalidValue',
  'invalidSyntax',
  'noTarget',
  'mutability',
  'uniqueness',
  'tooMany',
  'invalidVers',
  'invalidCursor',
  'invalidCount',
]);

interface ScimAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  mutability: string;
  canonicalValues?: string[];
  subAttributes?: ScimAttribute[];
}

interface ScimSchema {
  id: string;
  attributes: ScimAttribute[];
}

describe('SCIM under generated input', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let snapshot: TenantSnapshot;
  let schemas: ScimSchema[];
  let users: string[];
  let groups: string[];
  /** Another tenant's user and group: never to be seen or linked from this tenant. */
  let foreignUser: string;
  let foreignGroup: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    await aPool(app, tenant, 'Sales', 2);
    users = await scimUsers(scim, ['fz1@example.com', 'fz2@example.com', 'fz3@example.com'], {
      emails: [{ value: 'fz@example.com', type: 'work', primary: true }],
      name: { givenName: 'Fuzz', familyName: 'Zed' },
    });
    groups = [
      (
        await scim
          .post('/Groups', { displayName: 'G1', members: [{ value: users[0] }] })
          .expect(201)
      ).body.id,
      (await scim.post('/Groups', { displayName: 'G2' }).expect(201)).body.id,
    ];
    const other = await aScimTenant(app);
    const otherScim = scimClient(app, other);
    [foreignUser] = await scimUsers(otherScim, ['stranger@example.com']);
    foreignGroup = (await otherScim.post('/Groups', { displayName: 'Foreign' }).expect(201)).body
      .id;
    snapshot = await TenantSnapshot.prepare(app.dataSource, REJECTION_SNAPSHOT);
    schemas = (await scim.get('/Schemas').expect(200)).body.Resources as ScimSchema[];
  });

  afterAll(() => app?.close());

  const schema = (id: string) => {
    const found = schemas.find((s) => s.id === id);
    if (!found) throw new Error(`the service does not describe ${id}`);
    return found;
  };
  const extensions = () => schemas.filter((s) => s.id.includes(':extension:'));

  /** Ids worth putting anywhere an id may go: ours, another tenant's, and junk. */
  const ids = () =>
    fc.constantFrom(
      ...users,
      ...groups,
      foreignUser ?? '',
      foreignGroup ?? '',
      (users[0] ?? '').toUpperCase(),
      '00000000-0000-4000-8000-000000000000',
      'not-a-uuid',
      '',
    );

  const junk = () =>
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileString(), fc.constantFrom(null, '', [], {}));

  /** A value for one attribute of the schema, mostly of its type, sometimes anything. */
  function valueOf(attribute: ScimAttribute, depth = 0, single = false): fc.Arbitrary<unknown> {
    if (attribute.multiValued && !single) {
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(valueOf(attribute, depth, true), { maxLength: 3 }) },
        { weight: 1, arbitrary: valueOf(attribute, depth, true) },
      );
    }
    let typed: fc.Arbitrary<unknown>;
    switch (attribute.type) {
      case 'complex':
        typed =
          depth > 2
            ? junk()
            : fc.record(
                Object.fromEntries(
                  (attribute.subAttributes ?? []).map((sub) => [sub.name, valueOf(sub, depth + 1)]),
                ),
                { requiredKeys: [] },
              );
        break;
      case 'boolean':
        typed = fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true', 'yes'));
        break;
      case 'integer':
      case 'decimal':
        typed = fc.oneof(fc.integer(), fc.double({ noNaN: true }));
        break;
      case 'dateTime':
        typed = fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constantFrom('2026-02-30T00:00:00Z', '-271821-04-20T00:00:00Z', 'yesterday'),
        );
        break;
      case 'reference':
        typed = fc.oneof(ids(), fc.webUrl(), hostileString());
        break;
      default:
        typed = fc.oneof(
          { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
          { weight: 2, arbitrary: hostileString() },
          { weight: 1, arbitrary: attribute.name === 'value' ? ids() : fc.emailAddress() },
          {
            weight: 1,
            arbitrary: attribute.canonicalValues?.length
              ? fc.constantFrom(...attribute.canonicalValues)
              : fc.constant('work'),
          },
        );
    }
    return fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: junk() });
  }

  /** A resource body from its schema and extensions, in the shapes IdPs send and others. */
  function resourceBody(urn: string): fc.Arbitrary<unknown> {
    const core = schema(urn);
    const attributes = Object.fromEntries(core.attributes.map((a) => [a.name, valueOf(a)]));
    const withExtensions =
      urn === USER_URN
        ? Object.fromEntries(
            extensions().map((ext) => [
              ext.id,
              fc.record(Object.fromEntries(ext.attributes.map((a) => [a.name, valueOf(a)])), {
                requiredKeys: [],
              }),
            ]),
          )
        : {};
    const fields: Record<string, fc.Arbitrary<unknown>> = {
      schemas: fc.oneof(fc.constant([urn, ...Object.keys(withExtensions)]), junk()),
      ...attributes,
      ...withExtensions,
      licensePoolName: fc.oneof(
        fc.constantFrom('Sales', 'sales ', 'Nope', '', null),
        hostileString(),
      ),
      id: ids(),
      meta: junk(),
    };
    const required = urn === USER_URN ? 'userName' : 'displayName';
    return fc.oneof(
      { weight: 8, arbitrary: fc.record(fields, { requiredKeys: [required] }) },
      { weight: 1, arbitrary: junk() },
    );
  }

  /** Attribute paths from the schema, in every shape RFC 7644 allows and a few it does not. */
  function paths(urn: string): fc.Arbitrary<string> {
    const core = schema(urn);
    const names: string[] = [];
    const valueFilters: string[] = [];
    for (const attribute of core.attributes) {
      names.push(attribute.name, `${urn}:${attribute.name}`);
      for (const sub of attribute.subAttributes ?? []) {
        names.push(`${attribute.name}.${sub.name}`);
        if (attribute.multiValued) valueFilters.push(attribute.name);
      }
    }
    if (urn === USER_URN) {
      for (const ext of extensions()) {
        for (const attribute of ext.attributes) {
          names.push(`${ext.id}:${attribute.name}`);
          for (const sub of attribute.subAttributes ?? []) {
            names.push(`${ext.id}:${attribute.name}.${sub.name}`);
          }
        }
      }
    }
    const filterValue = fc.oneof(
      ids(),
      fc.constantFrom(...SQL_INJECTIONS),
      fc.string({ maxLength: 10 }),
    );
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...names) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...new Set(valueFilters)),
            fc.constantFrom('value', 'type', 'display', 'primary'),
            fc.constantFrom('eq', 'ne', 'co', 'sw', 'pr', 'gt'),
            filterValue,
            fc.constantFrom('', '.value', '.type', '.display', '.nope'),
          )
          .map(([attribute, sub, op, value, tail]) =>
            op === 'pr'
              ? `${attribute}[${sub} pr]${tail}`
              : `${attribute}[${sub} ${op} ${JSON.stringify(value)}]${tail}`,
          ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '',
          'nope',
          'name..givenName',
          'emails[',
          'emails[type eq',
          '[]',
          '.',
          'meta.created',
          'id',
          'groups',
        ),
      },
      { weight: 1, arbitrary: hostileString() },
    );
  }

  function patchBody(urn: string): fc.Arbitrary<unknown> {
    const core = schema(urn);
    const anyValue = fc.oneof(...core.attributes.map((a) => valueOf(a)), junk());
    const operation = fc.record(
      {
        op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE', 'copy', ''),
        path: paths(urn),
        value: anyValue,
      },
      { requiredKeys: ['op'] },
    );
    return fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          schemas: fc.oneof(
            { weight: 5, arbitrary: fc.constant([PATCH_OP]) },
            { weight: 1, arbitrary: junk() },
          ),
          Operations: fc.oneof(fc.array(operation, { minLength: 1, maxLength: 4 }), junk()),
        }),
      },
      { weight: 1, arbitrary: junk() },
    );
  }

  async function state(): Promise<string> {
    return snapshot.take(tenant.id);
  }

  /** How many of these ids are users or groups of another organization than the tenant's. */
  async function notOurs(found: string[]): Promise<number> {
    if (found.length === 0) return 0;
    const [row] = await app.dataSource.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM users WHERE id = ANY($1::uuid[]) AND organization_id <> $2)
            + (SELECT count(*) FROM groups WHERE id = ANY($1::uuid[]) AND organization_id <> $2) AS n`,
      [found, tenant.id],
    );
    return Number(row?.n ?? -1);
  }

  /** No membership anywhere joins a group and a user of different organizations. */
  async function crossTenantMemberships(): Promise<number> {
    const [row] = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM group_members gm
         JOIN users u ON u.id = gm.user_id
         JOIN groups g ON g.id = gm.group_id
        WHERE u.organization_id <> gm.organization_id OR g.organization_id <> gm.organization_id`,
    );
    return row?.n ?? -1;
  }

  /** What every answer must satisfy: no 5xx; errors in the SCIM envelope with a known scimType. */
  function expectScimAnswer(label: unknown, response: Response): void {
    expect([label, response.status < 500]).toEqual([label, true]);
    if (response.status >= 400) {
      const body = response.body as { schemas?: unknown; status?: unknown; scimType?: string };
      expect([label, body.schemas, body.status]).toEqual([
        label,
        [SCIM_ERROR],
        String(response.status),
      ]);
      if (body.scimType !== undefined) {
        expect([label, SCIM_TYPES.has(body.scimType)]).toEqual([label, true]);
      }
    }
  }

  /** A write that may be refused: checked, and when refused, nothing of the tenant's changed. */
  async function write(
    label: unknown,
    before: string,
    send: () => Promise<Response>,
  ): Promise<string> {
    const response = await send();
    expectScimAnswer(label, response);
    const after = await state();
    if (response.status >= 400) {
      expect([label, snapshotDifference(before, after)]).toEqual([label, undefined]);
    }
    return after;
  }

  it(
    'answers every filter on both resources with 200 or 400 invalidFilter, and only with this tenant’s resources',
    async () => {
      const userFilters = filterStrings([
        'userName',
        'name.familyName',
        'emails.value',
        'emails[type eq "work"]',
        'meta.lastModified',
        'active',
        'id',
        ...SQL_INJECTIONS.slice(0, 6).map((s) => JSON.stringify(s)),
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      ]);
      const groupFilters = filterStrings([
        'displayName',
        'members.value',
        'members[value eq "x"]',
        'id',
        'externalId',
        ...SQL_INJECTIONS.slice(6, 12).map((s) => JSON.stringify(s)),
      ]);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.tuple(fc.constant('/Users'), userFilters),
            fc.tuple(fc.constant('/Groups'), groupFilters),
            fc.tuple(
              fc.constantFrom('/Users', '/Groups'),
              fc
                .constantFrom(foreignUser, foreignGroup)
                .map((id) => `id eq "${id}" or members.value eq "${id}"`),
            ),
          ),
          async ([resource, filter]) => {
            const response = await scim.get(
              resource,
              resource === '/Groups' ? { filter, excludedAttributes: 'members' } : { filter },
            );
            expectScimAnswer(filter, response);
            if (response.status === 400)
              expect([filter, response.body.scimType]).toEqual([filter, 'invalidFilter']);
            if (response.status === 200) {
              const found = (response.body.Resources as { id: string }[]).map((r) => r.id);
              expect([filter, await notOurs(found)]).toEqual([filter, 0]);
            }
          },
        ),
        { numRuns: runs(1200) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'answers every list, read and search parameter with 200 or 400',
    async () => {
      const parameter = fc.oneof(
        fc.constantFrom(
          '1',
          '0',
          '-1',
          '200',
          '201',
          '1e3',
          '9007199254740993',
          '2147483648',
          'x',
          '',
        ),
        hostileString(),
      );
      const attributeList = fc.oneof(
        fc
          .array(
            fc.constantFrom(
              'userName',
              'members',
              'emails.value',
              'name',
              'meta',
              'id',
              'urn:ietf:params:scim:schemas:core:2.0:User:userName',
              'nope',
              '',
              'members[value eq "x"]',
            ),
            { maxLength: 4 },
          )
          .map((a) => a.join(',')),
        hostileString(),
      );
      const query = fc.record(
        {
          filter: fc.constantFrom(
            'userName pr',
            'displayName pr',
            'id pr',
            'userName eq "fz1@example.com"',
            'nope',
          ),
          startIndex: parameter,
          count: parameter,
          sortBy: fc.oneof(
            fc.constantFrom(
              'userName',
              'displayName',
              'meta.created',
              'meta.lastModified',
              'emails.value',
              'name.familyName',
              'id',
              'externalId',
              'members',
            ),
            fc.constantFrom(...SQL_INJECTIONS),
          ),
          sortOrder: fc.oneof(
            fc.constantFrom('ascending', 'descending', 'DESCENDING', ''),
            hostileString(),
          ),
          attributes: attributeList,
          excludedAttributes: attributeList,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            '/Users',
            '/Groups',
            `/Users/${users[0]}`,
            `/Groups/${groups[0]}`,
            '/Users/.search',
            '/Groups/.search',
          ),
          query,
          async (path, parameters) => {
            const response = path.endsWith('.search')
              ? await scim.post(path, {
                  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
                  ...parameters,
                })
              : await scim.get(path, parameters);
            expectScimAnswer({ path, parameters }, response);
            const answered = [200, 400].includes(response.status) || refusedByHeaderLimit(response);
            expect([path, parameters, answered]).toEqual([path, parameters, true]);
            if (response.status === 200 && !/\/[0-9a-f-]{36}$/.test(path)) {
              const list = response.body as {
                itemsPerPage: number;
                Resources: unknown[];
                totalResults: number;
              };
              expect([
                path,
                parameters,
                list.itemsPerPage === list.Resources.length && list.Resources.length <= 200,
              ]).toEqual([path, parameters, true]);
            }
          },
        ),
        { numRuns: runs(1000) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'answers every generated PATCH of a user with 2xx or 4xx, and a refused one changes nothing',
    async () => {
      let before = await state();
      await fc.assert(
        fc.asyncProperty(
          patchBody(USER_URN),
          fc.nat(users.length - 1),
          fc.option(fc.constantFrom('W/"1"', '*', 'W/"999"', 'garbage')),
          async (body, index, ifMatch) => {
            const id = users[index] ?? '';
            before = await write(body, before, () => {
              const request = scim.patchBody(`/Users/${id}`, body);
              return ifMatch === null ? request : request.set('If-Match', ifMatch);
            });
          },
        ),
        { numRuns: runs(800) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'answers every generated POST and PUT of a user with 2xx or 4xx, and a refused one changes nothing',
    async () => {
      let before = await state();
      await fc.assert(
        fc.asyncProperty(
          resourceBody(USER_URN),
          fc.boolean(),
          fc.nat(users.length - 1),
          async (body, put, index) => {
            before = await write(body, before, () =>
              put ? scim.put(`/Users/${users[index]}`, body) : scim.post('/Users', body),
            );
          },
        ),
        { numRuns: runs(600) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'answers every generated PATCH, PUT and POST of a group with 2xx or 4xx, never linking another tenant’s user',
    async () => {
      let before = await state();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.tuple(fc.constant('patch' as const), patchBody(GROUP_URN)),
            fc.tuple(fc.constantFrom('put' as const, 'post' as const), resourceBody(GROUP_URN)),
          ),
          fc.nat(groups.length - 1),
          async ([method, body], index) => {
            const id = groups[index] ?? '';
            before = await write({ method, body }, before, () =>
              method === 'patch'
                ? scim.patchBody(`/Groups/${id}`, body)
                : method === 'put'
                  ? scim.put(`/Groups/${id}`, body)
                  : scim.post('/Groups', body),
            );
          },
        ),
        { numRuns: runs(800) },
      );
      expect(await crossTenantMemberships()).toBe(0);
    },
    TIMEOUT_MS,
  );
});

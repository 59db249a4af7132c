import fc from 'fast-check';
import { filterStrings } from './support/fuzz';
import { aScimTenant, type ScimTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Attribute paths, real and not, in the shapes IdPs write them. */
const paths = fc.constantFrom(
  'userName',
  'active',
  'title',
  'name.givenName',
  'name',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  'addresses[type eq "work"].postalCode',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User:licensePoolName',
  'meta.created',
  'id',
  'groups',
  'emails[value co',
  'nope.nothing',
  '',
);
const values = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constantFrom('True', 'False', null, '', 'x@example.com'),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);
const operation = fc.record(
  {
    op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE', 'copy', ''),
    path: paths,
    value: values,
  },
  { requiredKeys: ['op'] },
);
const patchBodies = fc.oneof(
  fc.record({
    schemas: fc.constant([PATCH_OP]),
    Operations: fc.array(operation, { maxLength: 4 }),
  }),
  fc.jsonValue({ maxDepth: 4 }),
);

const filters = filterStrings([
  'userName',
  'emails',
  'emails.value',
  'name.familyName',
  'meta.created',
  'active',
  'externalId',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
]);

describe('SCIM under random input', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let userId: string;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    const created = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .send({
        userName: 'fuzz@example.com',
        title: 'Original',
        emails: [{ value: 'fuzz@example.com', type: 'work' }],
      })
      .expect(201);
    userId = created.body.id as string;
  });
  afterAll(() => app.close());

  const snapshot = async () =>
    JSON.stringify(await app.dataSource.query('SELECT * FROM users ORDER BY id'));

  it('answers every filter with 200 or 400, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        const response = await app
          .http()
          .get('/scim/v2/Users')
          .query({ filter })
          .set('Authorization', tenant.scimAuth);
        expect([filter, response.status < 500]).toEqual([filter, true]);
        if (response.status === 400) expect(response.body.scimType).toBe('invalidFilter');
      }),
      { numRuns: 300 },
    );
    const [{ n }] = await app.dataSource.query('SELECT count(*)::int AS n FROM users');
    expect(n).toBe(1);
  });

  it('answers every PATCH body with 2xx or 4xx, and a rejected PATCH changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(patchBodies, async (body) => {
        const before = await snapshot();
        const response = await app
          .http()
          .patch(`/scim/v2/Users/${userId}`)
          .set('Authorization', tenant.scimAuth)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body));
        expect([body, response.status < 500]).toEqual([body, true]);
        if (response.status >= 400) {
          expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers every POST body with 201, 400 or 409, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({
            userName: fc.oneof(fc.string(), fc.integer()),
            emails: values,
            name: values,
            active: values,
          }),
        ),
        async (body) => {
          const response = await app
            .http()
            .post('/scim/v2/Users')
            .set('Authorization', tenant.scimAuth)
            .send(JSON.stringify(body))
            .set('Content-Type', 'application/scim+json');
          expect([body, [201, 400, 409].includes(response.status)]).toEqual([body, true]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

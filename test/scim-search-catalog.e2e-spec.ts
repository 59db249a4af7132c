/**
 * The SCIM search catalogs (the users and groups repositories' USER_SEARCH_COLUMNS and
 * GROUP_SEARCH_COLUMNS, reached through libs/scim-*'s path mapping): every attribute /Schemas
 * offers can be filtered on, finds the very value stored for it, and every single-valued one sorts.
 */
import { aScimTenant, type ScimTenant } from './support/factories';
import { scimClient, type ScimClient } from './support/scim-client';
import { startTestApp, type TestApp } from './support/test-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';

/** A user with every attribute set, each to a value no other attribute holds. */
const FULL = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  userName: 'full@example.com',
  externalId: 'ext-full',
  name: {
    formatted: 'Ms. Fay Q. Full III',
    familyName: 'Full',
    givenName: 'Fay',
    middleName: 'Quinn',
    honorificPrefix: 'Ms.',
    honorificSuffix: 'III',
  },
  displayName: 'Fay Full',
  nickName: 'Fuzzy',
  profileUrl: 'https://example.com/fay',
  title: 'Tester',
  userType: 'Contractor',
  preferredLanguage: 'fr-CA',
  locale: 'fr-FR',
  timezone: 'Europe/Paris',
  active: true,
  emails: [{ value: 'fay@work.example.com', type: 'work', primary: true, display: 'Work mail' }],
  phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
  ims: [{ value: 'fay-im', type: 'xmpp' }],
  photos: [{ value: 'https://example.com/fay.png', type: 'photo' }],
  addresses: [
    {
      formatted: '1 Main St, Lyon',
      streetAddress: '1 Main St',
      locality: 'Lyon',
      region: 'Rhone',
      postalCode: '69001',
      country: 'FR',
      type: 'work',
      primary: true,
    },
  ],
  [ENTERPRISE]: {
    employeeNumber: 'E-42',
    costCenter: 'CC-7',
    organization: 'Acme Org',
    division: 'Research',
    department: 'Quality',
    manager: { value: 'boss-1', displayName: 'Big Boss' },
  },
};

const BOTH = ['bare@example.com', 'full@example.com'];
/** The attributes the bare user (only a userName) has too. */
const BARE_HAS = new Set([
  'id',
  'userName',
  'active',
  'meta.created',
  'meta.lastModified',
  `${ROLLCALL}:licensePoolName`,
]);
const FULL_ONLY = ['full@example.com'];

/** [filter, the users it finds]: one row per attribute path /Schemas offers for filtering. */
const ROWS: [path: string, filter: string, expected: string[]][] = [
  ['id', 'id pr', BOTH],
  ['externalId', 'externalId eq "ext-full"', FULL_ONLY],
  ['userName', 'userName eq "FULL@example.com"', FULL_ONLY],
  ['name.formatted', 'name.formatted eq "Ms. Fay Q. Full III"', FULL_ONLY],
  ['name.familyName', 'name.familyName eq "full"', FULL_ONLY],
  ['name.givenName', 'name.givenName eq "fay"', FULL_ONLY],
  ['name.middleName', 'name.middleName eq "Quinn"', FULL_ONLY],
  ['name.honorificPrefix', 'name.honorificPrefix eq "Ms."', FULL_ONLY],
  ['name.honorificSuffix', 'name.honorificSuffix eq "III"', FULL_ONLY],
  ['displayName', 'displayName eq "Fay Full"', FULL_ONLY],
  ['nickName', 'nickName eq "Fuzzy"', FULL_ONLY],
  ['profileUrl', 'profileUrl eq "https://example.com/fay"', FULL_ONLY],
  ['title', 'title eq "Tester"', FULL_ONLY],
  ['userType', 'userType eq "Contractor"', FULL_ONLY],
  ['preferredLanguage', 'preferredLanguage eq "fr-CA"', FULL_ONLY],
  ['locale', 'locale eq "fr-FR"', FULL_ONLY],
  ['timezone', 'timezone eq "Europe/Paris"', FULL_ONLY],
  ['active', 'active eq true', BOTH],
  ['emails', 'emails[display eq "Work mail" and primary eq true]', FULL_ONLY],
  ['phoneNumbers', 'phoneNumbers[value eq "+1 555 0100" and type eq "mobile"]', FULL_ONLY],
  ['ims', 'ims.value eq "fay-im"', FULL_ONLY],
  ['photos', 'photos.type eq "photo"', FULL_ONLY],
  [
    'addresses',
    'addresses[formatted eq "1 Main St, Lyon" and streetAddress eq "1 Main St" and locality eq "Lyon" and region eq "Rhone" and postalCode eq "69001" and country eq "FR" and type eq "work" and primary eq true]',
    FULL_ONLY,
  ],
  ['meta.created', 'meta.created gt "2000-01-01T00:00:00Z"', BOTH],
  ['meta.lastModified', 'meta.lastModified lt "2000-01-01T00:00:00Z"', []],
  [`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:employeeNumber eq "E-42"`, FULL_ONLY],
  [`${ENTERPRISE}:costCenter`, `${ENTERPRISE}:costCenter eq "CC-7"`, FULL_ONLY],
  [`${ENTERPRISE}:organization`, `${ENTERPRISE}:organization eq "Acme Org"`, FULL_ONLY],
  [`${ENTERPRISE}:division`, `${ENTERPRISE}:division eq "Research"`, FULL_ONLY],
  [`${ENTERPRISE}:department`, `${ENTERPRISE}:department eq "Quality"`, FULL_ONLY],
  [`${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager.value eq "boss-1"`, FULL_ONLY],
  [
    `${ENTERPRISE}:manager.displayName`,
    `${ENTERPRISE}:manager.displayName eq "Big Boss"`,
    FULL_ONLY,
  ],
  [`${ROLLCALL}:licensePoolName`, `${ROLLCALL}:licensePoolName eq "default license pool"`, BOTH],
  [`${ROLLCALL}:licensePoolName`, `${ROLLCALL}:licensePoolName eq "Sales"`, []],
];

/**
 * Paths /Schemas lists that are not filtered on their own: complex parents (their sub-attributes
 * are), the never-returned password, the read-only group memberships, and a manager's $ref.
 */
const NOT_FILTERED = new Set(
  ['name', 'password', 'groups', `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.$ref`].map((p) =>
    p.toLowerCase(),
  ),
);

interface SchemaAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  subAttributes?: SchemaAttribute[];
}

describe('SCIM search catalogs', () => {
  let app: TestApp;
  let tenant: ScimTenant;
  let scim: ScimClient;
  let fullId: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await aScimTenant(app);
    scim = scimClient(app, tenant);
    fullId = (await scim.post('/Users', FULL).expect(201)).body.id as string;
    await scim.post('/Users', { userName: 'bare@example.com' }).expect(201);
    await scim
      .post('/Groups', {
        displayName: 'Readers',
        externalId: 'g-ext',
        members: [{ value: fullId }],
      })
      .expect(201);
    await scim.post('/Groups', { displayName: 'Empty' }).expect(201);
  });
  afterAll(() => app.close());

  const userNames = (body: { Resources?: { userName: string }[] }) =>
    (body.Resources ?? []).map((r) => r.userName).sort();

  it.each(ROWS)('%s: filter %s', async (_path, filter, expected) => {
    const response = await scim.get('/Users', { filter });
    expect([response.status, response.body]).toMatchObject([
      200,
      { totalResults: expected.length },
    ]);
    expect(userNames(response.body)).toEqual(expected);
  });

  it('has a row for every attribute path that /Schemas offers', async () => {
    const schemas = (await scim.get('/Schemas').expect(200)).body as {
      Resources: { id: string; attributes: SchemaAttribute[] }[];
    };
    const offered = schemas.Resources.filter((s) =>
      ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, ROLLCALL].includes(s.id),
    ).flatMap((schema) => {
      const prefix = schema.id.endsWith(':core:2.0:User') ? '' : `${schema.id}:`;
      return schema.attributes.flatMap((a) => [
        `${prefix}${a.name}`,
        ...(a.type === 'complex' && !a.multiValued
          ? (a.subAttributes ?? []).map((s) => `${prefix}${a.name}.${s.name}`)
          : []),
      ]);
    });
    const covered = new Set([...ROWS.map(([path]) => path.toLowerCase()), ...NOT_FILTERED]);
    expect(offered.filter((path) => !covered.has(path.toLowerCase()))).toEqual([]);
    expect(offered.length).toBeGreaterThan(30);
  });

  it.each(
    ROWS.map(([path]) => path).filter(
      (path, i, all) =>
        all.indexOf(path) === i &&
        !['emails', 'phoneNumbers', 'ims', 'photos', 'addresses'].includes(path),
    ),
  )('sorts by %s', async (sortBy) => {
    const ids = async (sortOrder: string) =>
      (
        (await scim.get('/Users', { sortBy, sortOrder }).expect(200)).body.Resources as {
          id: string;
        }[]
      ).map((r) => r.id);
    const [ascending, descending] = [await ids('ascending'), await ids('descending')];
    if (BARE_HAS.has(sortBy)) {
      expect(descending).toEqual([...ascending].reverse());
    } else {
      // Only the full user has a value, and absent values sort last in either order.
      expect([ascending[0], descending[0], ascending.length]).toEqual([fullId, fullId, 2]);
    }
  });

  it('groups: filter members.value by the member id', async () => {
    const response = await scim.get('/Groups', { filter: `members.value eq "${fullId}"` });
    expect(response.status).toBe(200);
    expect(response.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
      'Readers',
    ]);
  });

  it.each(['displayName', 'externalId', 'meta.created', 'meta.lastModified'])(
    'groups: sorts by %s',
    async (sortBy) => {
      expect((await scim.get('/Groups', { sortBy })).status).toBe(200);
    },
  );

  it.each(['addresses', 'groups', 'password', 'nosuchattribute'])(
    'refuses sortBy=%s with a 400 in the SCIM envelope naming it',
    async (sortBy) => {
      const response = await scim.get('/Users', { sortBy });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '400',
        scimType: 'invalidValue',
      });
      expect(response.body.detail).toContain(sortBy);
    },
  );

  it('sorts by the primary email, as RFC 7644 §3.4.2.3 asks of a multi-valued attribute', async () => {
    const response = await scim.get('/Users', { sortBy: 'emails', sortOrder: 'descending' });
    expect(response.status).toBe(200);
    // The bare user has no email: absent values sort last either way.
    expect(response.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'full@example.com',
      'bare@example.com',
    ]);
  });

  it.each([
    ['displayName eq "Readers"', ['Readers']],
    ['externalId eq "g-ext"', ['Readers']],
    ['id pr', ['Empty', 'Readers']],
    ['members.display eq "fay full"', ['Readers']],
    ['members pr', ['Readers']],
    ['members.type eq "User"', ['Readers']],
    ['meta.created gt "2000-01-01T00:00:00Z"', ['Empty', 'Readers']],
    ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
  ])('groups: filter %s', async (filter, expected) => {
    const response = await scim.get('/Groups', { filter, excludedAttributes: 'members' });
    expect(response.status).toBe(200);
    expect(
      (response.body.Resources as { displayName: string }[]).map((g) => g.displayName).sort(),
    ).toEqual(expected);
  });
});

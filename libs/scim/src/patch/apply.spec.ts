import { FIXTURE_COMMON, FIXTURE_SCHEMA } from '../filter/testing/fixtures';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ROLLCALL_USER_SCHEMA,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_RESOURCE,
  USER_SCHEMA,
} from '../schema/definitions';
import { applyPatch, type PatchResult } from './apply';
import { parsePatchRequest, type PatchOperation } from './request';
import { failure } from '../filter/testing/failure';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;
const ROLLCALL = ROLLCALL_USER_SCHEMA;

function user(): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'okta-1',
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    displayName: 'Babs Jensen',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ],
    addresses: [{ type: 'work', locality: 'Hollywood', postalCode: '91608' }],
    groups: [{ value: 'g1', display: 'Sales' }],
    meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', version: 'W/"1"' },
    [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
  };
}

function patch(operations: PatchOperation[], resource = user()): PatchResult {
  const before = JSON.stringify(resource);
  const result = applyPatch(resource, operations, USER_RESOURCE, COMMON_ATTRIBUTES);
  expect(JSON.stringify(resource)).toBe(before);
  return result;
}

describe('applyPatch: simple attributes', () => {
  it('replaces a value, in any op case, and reports what it touched', () => {
    const result = patch([{ op: 'Replace', path: 'displayName', value: 'Barbara J.' }]);
    expect(result.resource.displayName).toBe('Barbara J.');
    expect(result.touched).toEqual(['displayName']);
    expect(result.changed).toBe(true);
  });

  it.each([
    ['"False"', 'False', false],
    ['"true"', 'true', true],
    ['" TRUE "', ' TRUE ', true],
    ['false', false, false],
  ])('coerces active %s to a boolean', (_label, value, expected) => {
    expect(patch([{ op: 'replace', path: 'active', value }]).resource.active).toBe(expected);
  });

  it('returns a new document and reports no change when nothing changed', () => {
    const resource = user();
    const result = patch([{ op: 'replace', path: 'active', value: 'True' }], resource);
    expect(result.resource).not.toBe(resource);
    expect(result.resource).toEqual(resource);
    expect(result).toMatchObject({ changed: false, touched: ['active'] });
  });

  it('clears a simple attribute given null or ""', () => {
    expect(
      patch([{ op: 'replace', path: 'displayName', value: null }]).resource,
    ).not.toHaveProperty('displayName');
    expect(patch([{ op: 'add', path: 'displayName', value: '' }]).resource).not.toHaveProperty(
      'displayName',
    );
  });

  it('writes the canonical spelling of attribute names', () => {
    const result = patch([{ op: 'add', path: 'DISPLAYNAME', value: 'X' }]);
    expect(result.resource.displayName).toBe('X');
    expect(result.resource).not.toHaveProperty('DISPLAYNAME');
  });

  it('accepts numbers and booleans for text attributes', () => {
    expect(patch([{ op: 'add', path: 'externalId', value: 12345 }]).resource.externalId).toBe(
      '12345',
    );
  });

  it.each([
    ['active', 'yes', '"active" must be true or false, not the text "yes"'],
    ['displayName', { a: 1 }, '"displayName" must be text, not an object'],
    ['displayName', ['a'], '"displayName" must be text, not a list'],
    ['name', 'Barbara', '"name" must be an object, not the text "Barbara"'],
    ['emails', [{ value: { nested: true } }], '"emails[0].value" must be text, not an object'],
    ['title', 'a\u0000b', 'NUL'],
  ])('refuses %s = %j with invalid_value', (path, value, message) => {
    const error = failure(() => patch([{ op: 'replace', path, value }]));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toContain(message);
    expect(error.detail).toMatch(/^PATCH operation 1 \(replace "[^"]+"\): /);
  });
});

describe('applyPatch: operations without a path', () => {
  it('applies each key of the value as an attribute path (Entra style)', () => {
    const result = patch([
      {
        op: 'Replace',
        value: {
          'name.givenName': 'Barb',
          active: 'False',
          [`${ENTERPRISE}:department`]: 'Marketing',
          [`${UDEMY_USER_SCHEMA_ALIAS}:licensePoolName`]: 'Pro pool',
          'emails[type eq "work"].value': 'barb@example.com',
        },
      },
    ]);
    expect(result.resource).toMatchObject({
      name: { givenName: 'Barb', familyName: 'Jensen' },
      active: false,
      [ENTERPRISE]: { department: 'Marketing' },
      [ROLLCALL]: { licensePoolName: 'Pro pool' },
    });
    expect(result.resource.emails).toEqual([
      { value: 'barb@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ]);
    expect(result.touched).toEqual([
      'name.givenName',
      'active',
      `${ENTERPRISE}:department`,
      `${ROLLCALL}:licensePoolName`,
      'emails',
    ]);
  });

  it('reads schema URN keys holding objects, including the alias URN and the core URN', () => {
    const result = patch([
      {
        op: 'add',
        value: {
          [ENTERPRISE]: { employeeNumber: 701984, manager: 'm2' },
          [UDEMY_USER_SCHEMA_ALIAS]: { licensePoolName: 'Default License Pool' },
          [USER_SCHEMA]: { title: 'Tour Guide' },
        },
      },
    ]);
    expect(result.resource[ENTERPRISE]).toEqual({
      department: 'Sales',
      employeeNumber: '701984',
      // Another manager: the former one's display name goes.
      manager: { value: 'm2' },
    });
    expect(result.resource[ROLLCALL]).toEqual({ licensePoolName: 'Default License Pool' });
    expect(result.resource).not.toHaveProperty(UDEMY_USER_SCHEMA_ALIAS);
    expect(result.resource.schemas).toEqual([USER_SCHEMA, ENTERPRISE, ROLLCALL]);
    expect(result.resource.title).toBe('Tour Guide');
  });

  it('accepts licensePoolName at the top level', () => {
    const result = patch([{ op: 'replace', value: { licensePoolName: '' } }]);
    expect(result.touched).toEqual([`${ROLLCALL}:licensePoolName`]);
    expect(result.changed).toBe(false);
  });

  it('ignores unknown attributes, unparseable keys and schemas', () => {
    const result = patch([
      {
        op: 'replace',
        value: {
          roles: [{ value: 'admin' }],
          'cost center': 'x',
          'name.nickname': 'x',
          'urn:example:unknown:Thing:field': 1,
          schemas: ['urn:whatever'],
        },
      },
      { op: 'add', path: 'entitlements', value: 'x' },
      { op: 'remove', path: 'x509Certificates' },
      { op: 'replace', path: 'emails[type eq "work"].nope', value: 'x' },
    ]);
    expect(result).toMatchObject({ changed: false, touched: [] });
  });

  it('refuses a value that is not an object', () => {
    const error = failure(() => patch([{ op: 'add', value: 'x' }]));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toContain('without a "path", the value must be an object');
  });

  it('refuses a remove without a path with no_target', () => {
    const error = failure(() => patch([{ op: 'remove' }]));
    expect(error.code).toBe('no_target');
    expect(error.detail).toContain('needs a "path"');
  });
});

describe('applyPatch: complex attributes', () => {
  it('sets sub-attributes by dotted path, creating the object when needed', () => {
    const resource = { ...user(), name: undefined };
    delete resource.name;
    const result = patch([{ op: 'add', path: 'name.givenName', value: 'B' }], resource);
    expect(result.resource.name).toEqual({ givenName: 'B' });
    expect(result.touched).toEqual(['name.givenName']);
  });

  it('merges add and replace of a complex value (RFC 7644 §3.5.2.3: others unchanged)', () => {
    const added = patch([{ op: 'add', path: 'name', value: { middleName: 'J' } }]);
    expect(added.resource.name).toEqual({
      givenName: 'Barbara',
      familyName: 'Jensen',
      middleName: 'J',
    });
    const replaced = patch([
      { op: 'replace', path: 'name', value: { givenName: 'B', familyName: null } },
    ]);
    expect(replaced.resource.name).toEqual({ givenName: 'B' });
  });

  it('removes a complex attribute whose last sub-attribute goes', () => {
    const result = patch([
      { op: 'remove', path: 'name.givenName' },
      { op: 'replace', path: 'name.familyName', value: '' },
    ]);
    expect(result.resource).not.toHaveProperty('name');
  });

  it('takes a bare id as the manager, dropping the display name of the former one', () => {
    const result = patch([{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'm9' }]);
    expect(result.resource[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'm9' } });
    expect(result.touched).toEqual([`${ENTERPRISE}:manager`]);
    const bySub = patch([{ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'm3' }]);
    expect(bySub.touched).toEqual([`${ENTERPRISE}:manager.value`]);
    expect(bySub.resource[ENTERPRISE]).toMatchObject({ manager: { value: 'm3' } });
  });

  it('drops read-only sub-attributes sent inside a value', () => {
    const result = patch([
      {
        op: 'replace',
        path: `${ENTERPRISE}:manager`,
        value: { value: 'm1', displayName: 'Other' },
      },
    ]);
    expect(result.resource[ENTERPRISE]).toMatchObject({
      manager: { value: 'm1', displayName: 'Boss' },
    });
  });

  describe('the manager as a reference (value and $ref)', () => {
    const ref = (id: string) => `https://example.com/scim/v2/Users/${id}`;
    const withRef = () => ({
      ...user(),
      [ENTERPRISE]: { manager: { value: 'm1', $ref: ref('m1'), displayName: 'Boss' } },
    });
    const managerAfter = (operations: PatchOperation[]) =>
      (patch(operations, withRef()).resource[ENTERPRISE] as { manager?: unknown }).manager;

    it('keeps the $ref it is given, by the manager object, its path and the extension object', () => {
      expect(
        managerAfter([
          { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'm2', $ref: ref('m2') } },
        ]),
      ).toEqual({ value: 'm2', $ref: ref('m2') });
      expect(
        managerAfter([{ op: 'replace', path: `${ENTERPRISE}:manager.$ref`, value: ref('x') }]),
      ).toEqual({ value: 'm1', $ref: ref('x'), displayName: 'Boss' });
      expect(
        managerAfter([
          { op: 'replace', path: ENTERPRISE, value: { manager: { value: 'm3', $ref: ref('m3') } } },
        ]),
      ).toEqual({ value: 'm3', $ref: ref('m3') });
    });

    it('drops the former $ref and display name when value changes, in every shape', () => {
      for (const operations of [
        [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'm2' }],
        [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm2' } }],
        [{ op: 'add', path: `${ENTERPRISE}:manager.value`, value: 'm2' }],
        [{ op: 'replace', value: { [`${ENTERPRISE}:manager`]: 'm2' } }],
        [{ op: 'replace', value: { [ENTERPRISE]: { manager: { value: 'm2' } } } }],
      ]) {
        expect([operations, managerAfter(operations)]).toEqual([operations, { value: 'm2' }]);
      }
    });

    it('keeps them while value stays (in any case) and keeps a $ref written earlier in the request', () => {
      expect(
        managerAfter([{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'M1' } }]),
      ).toEqual({ value: 'M1', $ref: ref('m1'), displayName: 'Boss' });
      expect(
        managerAfter([
          { op: 'replace', path: `${ENTERPRISE}:manager.$ref`, value: ref('m2') },
          { op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'm2' },
        ]),
      ).toEqual({ value: 'm2', $ref: ref('m2') });
    });

    it('removes the reference whole when its value is removed', () => {
      const result = patch([{ op: 'remove', path: `${ENTERPRISE}:manager.value` }], withRef());
      expect(result.resource).not.toHaveProperty(ENTERPRISE);
    });
  });

  it('removes an extension object (and its schema URN) when its last attribute goes', () => {
    const result = patch([
      { op: 'remove', path: `${ENTERPRISE}:department` },
      { op: 'remove', path: 'manager' },
    ]);
    expect(result.resource).not.toHaveProperty(ENTERPRISE);
    expect(result.resource.schemas).toEqual([USER_SCHEMA]);
  });

  it('treats a schema URN path as the object of its attributes', () => {
    const added = patch([{ op: 'add', path: ROLLCALL, value: { licensePoolName: 'P' } }]);
    expect(added.resource[ROLLCALL]).toEqual({ licensePoolName: 'P' });
    const removed = patch([{ op: 'remove', path: ENTERPRISE }]);
    expect(removed.resource).not.toHaveProperty(ENTERPRISE);
    // Every attribute of the extension counts as removed (licensePoolName for the Rollcall one).
    expect(removed.touched).toEqual(
      ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'].map(
        (name) => `${ENTERPRISE}:${name}`,
      ),
    );
  });
});

describe('applyPatch: multi-valued attributes', () => {
  it('updates the sub-attribute of the values a filter selects', () => {
    const result = patch([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
      { op: 'replace', path: 'addresses[type eq "work"].postalCode', value: '90210' },
    ]);
    expect(result.resource.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ]);
    expect(result.resource.addresses).toEqual([
      { type: 'work', locality: 'Hollywood', postalCode: '90210' },
    ]);
    expect(result.touched).toEqual(['emails', 'addresses']);
  });

  it('creates the value a filter of eq comparisons describes when none matches', () => {
    const result = patch([
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      {
        op: 'replace',
        path: 'addresses[type eq "home" and primary eq true].locality',
        value: 'LA',
      },
      { op: 'Add', path: 'emails[type eq "other"]', value: { value: 'o@x.com', display: 'O' } },
    ]);
    expect(result.resource.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    expect(result.resource.addresses).toEqual([
      { type: 'work', locality: 'Hollywood', postalCode: '91608' },
      { type: 'home', primary: true, locality: 'LA' },
    ]);
    expect((result.resource.emails as unknown[])[2]).toEqual({
      type: 'other',
      value: 'o@x.com',
      display: 'O',
    });
  });

  it('answers no_target when a filter matching nothing cannot describe a new value', () => {
    const error = failure(() =>
      patch([{ op: 'replace', path: 'emails[value co "@nowhere"].type', value: 'work' }]),
    );
    expect(error.code).toBe('no_target');
    expect(error.detail).toContain('no value of "emails" matches [value co "@nowhere"]');
  });

  it('replaces the values a filter selects, keeping what the filter says', () => {
    const result = patch([
      { op: 'replace', path: 'emails[type eq "home"]', value: { value: 'b2@home.example' } },
    ]);
    expect(result.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { type: 'home', value: 'b2@home.example' },
    ]);
  });

  it('clears a filtered value given null or "" (the whole value when it is "value")', () => {
    const result = patch([{ op: 'replace', path: 'emails[type eq "home"].value', value: '' }]);
    expect(result.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    const noMatch = patch([{ op: 'replace', path: 'emails[type eq "other"].value', value: null }]);
    expect(noMatch.changed).toBe(false);
  });

  it('appends on add, merging a value already present instead of duplicating it', () => {
    const result = patch([
      {
        op: 'add',
        path: 'emails',
        value: [
          { value: 'BJENSEN@example.com', type: 'work' },
          { value: 'third@example.com', type: 'other' },
        ],
      },
    ]);
    expect(result.resource.emails).toEqual([
      { value: 'BJENSEN@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
      { value: 'third@example.com', type: 'other' },
    ]);
  });

  it('moves primary to a value added with primary: true', () => {
    const result = patch([
      {
        op: 'add',
        path: 'emails',
        value: { value: 'new@example.com', type: 'work', primary: 'True' },
      },
    ]);
    expect(result.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@home.example', type: 'home' },
      { value: 'new@example.com', type: 'work', primary: true },
    ]);
    const bySub = patch([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect(bySub.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@home.example', type: 'home', primary: true },
    ]);
  });

  it('replaces the whole list on replace, and removes it given an empty list', () => {
    const result = patch([{ op: 'replace', path: 'emails', value: [{ value: 'only@x.com' }] }]);
    expect(result.resource.emails).toEqual([{ value: 'only@x.com' }]);
    expect(patch([{ op: 'replace', path: 'emails', value: [] }]).resource).not.toHaveProperty(
      'emails',
    );
  });

  it('removes the values a filter selects; nothing matching is a no-op', () => {
    const result = patch([{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(result.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    const none = patch([{ op: 'remove', path: 'emails[type eq "other"]' }]);
    expect(none.changed).toBe(false);
    expect(patch([{ op: 'remove', path: 'phoneNumbers' }]).changed).toBe(false);
  });

  it('removes listed values given a value list (Entra members style)', () => {
    const result = patch([
      {
        op: 'remove',
        path: 'emails',
        value: [{ value: 'BABS@home.example' }, { value: 'nobody@x' }],
      },
    ]);
    expect(result.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
  });

  it('sets a sub-attribute of every value without a filter', () => {
    const result = patch([{ op: 'replace', path: 'addresses.country', value: 'US' }]);
    expect(result.resource.addresses).toEqual([
      { type: 'work', locality: 'Hollywood', postalCode: '91608', country: 'US' },
    ]);
  });

  it.each([
    ['displayName[value eq "x"]', 'is not a multi-valued complex attribute'],
    ['emails[nope eq "x"].value', '"nope" inside "emails[...]" is not a sub-attribute of "emails"'],
    ['emails[type eq "work"', 'expected "]"'],
    ['emails[primary gt true]', 'the operator "gt" cannot be used'],
  ])('refuses the path %s with invalid_path', (path, message) => {
    const error = failure(() => patch([{ op: 'replace', path, value: 'x' }]));
    expect(error.code).toBe('invalid_path');
    expect(error.detail).toContain(message);
  });
});

describe('applyPatch: mutability and atomicity', () => {
  it('accepts id set to its current value and refuses any other', () => {
    expect(
      patch([
        { op: 'replace', value: { id: '2819c223-7f76-453a-919d-413861904646', active: false } },
      ]).touched,
    ).toEqual(['active']);
    const error = failure(() => patch([{ op: 'replace', path: 'id', value: 'other' }]));
    expect(error.code).toBe('mutability');
    expect(error.detail).toContain('"id" is read-only');
  });

  it.each([
    [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }, 'meta.created'],
    [{ op: 'replace', path: 'meta', value: { version: 'x' } }, 'meta'],
    [{ op: 'add', path: 'groups', value: [{ value: 'g2' }] }, 'groups'],
    [{ op: 'remove', path: 'groups[value eq "g1"]' }, 'groups'],
    [
      { op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'x' },
      'manager.displayName',
    ],
  ])('refuses writing read-only attributes: %j', (operation, label) => {
    const error = failure(() => patch([operation]));
    expect(error.code).toBe('mutability');
    expect(error.detail).toContain(`${label}" is read-only`);
  });

  it('refuses removing or emptying userName', () => {
    for (const operation of [
      { op: 'remove', path: 'userName' },
      { op: 'replace', path: 'userName', value: '' },
      { op: 'replace', value: { userName: null } },
    ]) {
      const error = failure(() => patch([operation]));
      expect(error.code).toBe('invalid_value');
      expect(error.detail).toContain('"userName" is required and cannot be removed');
    }
  });

  it('allows setting an immutable attribute once, and refuses changing it', () => {
    const apply = (resource: Record<string, unknown>, value: unknown) =>
      applyPatch(
        resource,
        [{ op: 'replace', path: 'serial', value }],
        FIXTURE_SCHEMA,
        FIXTURE_COMMON,
      );
    expect(apply({ userName: 'a' }, 'S1').resource.serial).toBe('S1');
    expect(apply({ userName: 'a', serial: 'S1' }, 'S1').changed).toBe(false);
    const error = failure(() => apply({ userName: 'a', serial: 'S1' }, 'S2'));
    expect(error.code).toBe('mutability');
    expect(error.detail).toContain('"serial" is immutable');
  });

  it('applies all operations or none', () => {
    const resource = user();
    const error = failure(() =>
      patch(
        [
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'replace', path: 'active', value: 'maybe' },
        ],
        resource,
      ),
    );
    expect(error.detail).toMatch(/^PATCH operation 2 \(replace "active"\)/);
    expect(error.fieldErrors).toEqual([
      { field: 'Operations[1].path', message: expect.any(String) },
    ]);
    expect(resource.displayName).toBe('Babs Jensen');
  });

  it('works on what parsePatchRequest returns (an Okta deactivation)', () => {
    const operations = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(patch(operations).resource.active).toBe(false);
  });

  it('refuses more than 1000 operations', () => {
    const operations = Array<PatchOperation>(1001).fill({
      op: 'replace',
      path: 'title',
      value: 'x',
    });
    expect(failure(() => patch(operations)).code).toBe('invalid_syntax');
  });
});

describe('applyPatch: hostile documents', () => {
  it('copies a "__proto__" key as data and leaves it alone', () => {
    const resource = JSON.parse('{"userName":"a","__proto__":{"polluted":true}}') as Record<
      string,
      unknown
    >;
    const result = applyPatch(
      resource,
      [{ op: 'replace', path: 'title', value: 'x' }],
      USER_RESOURCE,
      COMMON_ATTRIBUTES,
    );
    expect(Object.getPrototypeOf(result.resource)).toBe(Object.prototype);
    expect(Object.keys(result.resource)).toEqual(['userName', '__proto__', 'title']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { DomainError } from '@rollcall/common';
import fc from 'fast-check';
import { formatFilter } from '../filter/format';
import { filterTree } from '../filter/testing/arbitraries';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_RESOURCE,
  USER_SCHEMA,
} from '../schema/definitions';
import { applyPatch, type PatchResult } from './apply';
import { deepEqual } from './document';
import { parsePatchRequest, PATCH_OP_SCHEMA, type PatchOperation } from './request';

const PATCH_CODES = ['invalid_syntax', 'invalid_path', 'invalid_value', 'no_target', 'mutability'];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Succeeds or throws a DomainError with a PATCH code and a detail; anything else fails the property. */
function attempt<T>(run: () => T): T | DomainError {
  try {
    return run();
  } catch (error) {
    if (error instanceof DomainError && PATCH_CODES.includes(error.code) && error.detail !== '') {
      return error;
    }
    throw error;
  }
}

const PATHS = [
  'active',
  'ACTIVE',
  'displayName',
  'userName',
  'id',
  'externalId',
  'name',
  'name.givenName',
  'name.nope',
  'meta',
  'meta.created',
  'emails',
  'emails.value',
  'emails.primary',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "work" and primary eq true].display',
  'emails[value co "@x"]',
  'emails[not (type pr)].type',
  'emails[nope eq 1]',
  'addresses[type eq "home"].postalCode',
  'phoneNumbers[type eq "mobile"].value',
  'groups',
  'groups[value eq "g1"]',
  'roles',
  'displayName[value eq "x"]',
  ENTERPRISE_USER_SCHEMA,
  `${ENTERPRISE_USER_SCHEMA}:manager`,
  `${ENTERPRISE_USER_SCHEMA}:manager.value`,
  `${ENTERPRISE_USER_SCHEMA}:manager.$ref`,
  `${ENTERPRISE_USER_SCHEMA}:manager.displayName`,
  `${ENTERPRISE_USER_SCHEMA}:department`,
  `${UDEMY_USER_SCHEMA_ALIAS}:licensePoolName`,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_SCHEMA,
  `${USER_SCHEMA}:name.familyName`,
  'licensePoolName',
  'schemas',
  'emails[type eq "work"',
  'a b',
  '',
];

const scalar = fc.oneof(
  fc.constantFrom('True', 'false', '', 'work', 'a@x.com', '2024-01-01T00:00:00Z', 'g1', 'm1'),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

const element = fc.dictionary(
  fc.constantFrom('value', 'type', 'primary', 'display', 'Value', 'givenName', 'nope', '$ref'),
  scalar,
  { maxKeys: 4 },
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  element,
  fc.array(element, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...PATHS), fc.oneof(scalar, element, fc.array(element)), {
    maxKeys: 4,
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

const path: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: filterTree.map((filter) => `emails[${formatFilter(filter)}].value`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const operation: fc.Arbitrary<PatchOperation> = fc
  .record(
    {
      op: fc.constantFrom('add', 'Add', 'REPLACE', 'replace', 'remove', 'Remove', 'move'),
      path,
      value,
    },
    { requiredKeys: ['op'] },
  )
  .map((record) => {
    const op: PatchOperation = { op: record.op };
    if (record.path !== undefined) op.path = record.path;
    if ('value' in record) op.value = record.value;
    return op;
  });

const baseUser = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u-1',
  userName: 'bjensen',
  name: { givenName: 'Barbara' },
  active: true,
  emails: [
    { value: 'b@x.com', type: 'work', primary: true },
    { value: 'b@home', type: 'home' },
  ],
  groups: [{ value: 'g1' }],
  meta: { created: '2024-01-01T00:00:00.000Z' },
  [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'm1', $ref: '../Users/m1', displayName: 'Boss' } },
};

const resource: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constant(baseUser),
  fc.record({ userName: fc.string(), emails: fc.jsonValue({ maxDepth: 2 }), name: fc.jsonValue() }),
  fc.dictionary(
    fc.constantFrom(...PATHS, 'emails', 'name', 'active'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

function apply(document: Record<string, unknown>, operations: PatchOperation[]) {
  return applyPatch(document, operations, USER_RESOURCE, COMMON_ATTRIBUTES);
}

describe('PATCH (properties)', () => {
  it('parsePatchRequest returns operations or throws invalid_syntax for any JSON', () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        schemas: fc.oneof(fc.constant([PATCH_OP_SCHEMA]), fc.jsonValue()),
        Operations: fc.oneof(fc.array(operation, { maxLength: 4 }), fc.jsonValue()),
      }),
    );
    fc.assert(
      fc.property(body, (candidate) => {
        const outcome = attempt(() => parsePatchRequest(candidate));
        if (outcome instanceof DomainError) expect(outcome.code).toBe('invalid_syntax');
      }),
      { numRuns: 2_000 },
    );
  });

  it('applyPatch succeeds or throws a DomainError, and never changes its input', () => {
    fc.assert(
      fc.property(resource, fc.array(operation, { maxLength: 5 }), (document, operations) => {
        const frozen = deepFreeze(structuredClone(document));
        const outcome = attempt(() => apply(frozen, operations));
        expect(frozen).toEqual(document);
        if (outcome instanceof DomainError) return;
        expect(outcome.resource).not.toBe(frozen);
        expect(outcome.changed).toBe(!deepEqual(outcome.resource, frozen));
        expect(new Set(outcome.touched).size).toBe(outcome.touched.length);
      }),
      { numRuns: 2_000 },
    );
  });

  it('applies what parsePatchRequest accepts, or refuses it with a DomainError', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 5 }), (operations) => {
        const parsed = attempt(() => parsePatchRequest({ Operations: operations }));
        if (parsed instanceof DomainError) return;
        attempt(() => apply(baseUser, parsed));
      }),
      { numRuns: 1_000 },
    );
  });

  it('replace without value filters is idempotent', () => {
    // (A value filter is not: replacing emails[type eq "work"] with {type: "home"} moves the target.)
    const plain = PATHS.filter((text) => !text.includes('['));
    const replace = fc
      .record(
        {
          path: fc.constantFrom(...plain),
          value: fc.oneof(
            value.filter((v) => !JSON.stringify(v ?? null).includes('[')),
            fc.dictionary(fc.constantFrom(...plain), fc.oneof(scalar, element, fc.array(element))),
          ),
        },
        { requiredKeys: ['value'] },
      )
      .map((record): PatchOperation => ({ op: 'replace', ...record }));
    fc.assert(
      fc.property(fc.array(replace, { maxLength: 4 }), (operations) => {
        const once = attempt(() => apply(baseUser, operations));
        if (once instanceof DomainError) return;
        const twice: PatchResult = apply(once.resource, operations);
        expect(twice.resource).toEqual(once.resource);
        expect(twice.changed).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it('a successful replace of a text attribute reads back', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(
        fc.constantFrom('displayName', 'title', 'NickName', 'locale'),
        text,
        (name, v) => {
          const result = attempt(() => apply(baseUser, [{ op: 'replace', path: name, value: v }]));
          if (result instanceof DomainError) {
            expect(result.detail).toContain('unpaired');
            return;
          }
          const key = Object.keys(result.resource).find(
            (k) => k.toLowerCase() === name.toLowerCase(),
          );
          expect(key && result.resource[key]).toBe(v);
        },
      ),
      { numRuns: 500 },
    );
  });
});

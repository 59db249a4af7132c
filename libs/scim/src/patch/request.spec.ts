import { MAX_PATCH_OPERATIONS, PATCH_OP_SCHEMA, parsePatchRequest } from './request';
import { failure } from '../filter/testing/failure';

describe('parsePatchRequest', () => {
  it('reads a well-formed request', () => {
    expect(
      parsePatchRequest({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'replace', path: 'active', value: false },
          { op: 'remove', path: 'emails[type eq "home"]' },
        ],
      }),
    ).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: 'emails[type eq "home"]' },
    ]);
  });

  it('accepts what identity providers send: any case, no schemas, empty paths', () => {
    expect(
      parsePatchRequest({
        operations: [
          { OP: 'Replace', Path: ' name.givenName ', VALUE: 'Barbara' },
          { op: 'ADD', path: '', value: { displayName: 'B' } },
          { op: 'remove', path: 'title', value: null },
          { op: 'add', path: null, value: { active: 'True' } },
        ],
      }),
    ).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Barbara' },
      { op: 'add', value: { displayName: 'B' } },
      { op: 'remove', path: 'title', value: null },
      { op: 'add', value: { active: 'True' } },
    ]);
    expect(parsePatchRequest({ schemas: PATCH_OP_SCHEMA.toUpperCase(), Operations: [] })).toEqual(
      [],
    );
  });

  it('keeps null values of add and replace (they clear the attribute)', () => {
    expect(
      parsePatchRequest({ Operations: [{ op: 'replace', path: 'title', value: null }] }),
    ).toEqual([{ op: 'replace', path: 'title', value: null }]);
  });

  it.each([
    [null, 'must be a JSON object'],
    [[], 'must be a JSON object'],
    ['text', 'must be a JSON object'],
    [{}, 'has no "Operations" list'],
    [{ Operations: {} }, 'must be a list of operations'],
    [{ schemas: ['urn:wrong'], Operations: [] }, `must list "${PATCH_OP_SCHEMA}"`],
    [{ Operations: [42] }, 'PATCH operation 1 must be an object'],
    [{ Operations: [{ path: 'x', value: 1 }] }, 'PATCH operation 1 has no "op"'],
    [
      { Operations: [{ op: 'move', path: 'x' }] },
      'The op "move" of PATCH operation 1 is not supported',
    ],
    [
      {
        Operations: [
          { op: 'add', path: 'x', value: 1 },
          { op: 'replace', path: 'x' },
        ],
      },
      'PATCH operation 2 (replace) has no "value"',
    ],
    [
      { Operations: [{ op: 'add', path: 7, value: 1 }] },
      'The "path" of PATCH operation 1 must be text',
    ],
  ])('refuses %j with invalid_syntax', (body, message) => {
    const error = failure(() => parsePatchRequest(body));
    expect(error.code).toBe('invalid_syntax');
    expect(error.detail).toContain(message);
    expect(error.fieldErrors.length).toBe(1);
  });

  it('names the offending operation field', () => {
    const error = failure(() =>
      parsePatchRequest({ Operations: [{ op: 'add', path: 'a', value: 1 }, { op: 'copy' }] }),
    );
    expect(error.fieldErrors).toEqual([{ field: 'Operations[1].op', message: error.detail }]);
  });

  it(`accepts ${MAX_PATCH_OPERATIONS} operations and refuses more`, () => {
    const operation = { op: 'replace', path: 'title', value: 'x' };
    expect(
      parsePatchRequest({ Operations: Array(MAX_PATCH_OPERATIONS).fill(operation) }),
    ).toHaveLength(MAX_PATCH_OPERATIONS);
    const error = failure(() =>
      parsePatchRequest({ Operations: Array(MAX_PATCH_OPERATIONS + 1).fill(operation) }),
    );
    expect(error.code).toBe('invalid_syntax');
    expect(error.detail).toContain('at most 1000');
  });
});

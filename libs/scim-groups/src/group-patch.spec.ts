import { DomainError } from '@rollcall/common';
import { parsePatchRequest } from '@rollcall/scim';
import { onlyMemberChange, planGroupPatch } from './group-patch';

const A = '2819c223-7f76-453a-919d-413861904646';
const B = '6c5bb468-14b2-4183-baf2-06d523e03bd3';
const NO_OP = { op: 'add', value: {} };

function plan(...operations: unknown[]) {
  return planGroupPatch(
    parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: operations,
    }),
  );
}

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('planGroupPatch', () => {
  it.each([
    [
      { op: 'add', path: 'members', value: [{ value: A }] },
      { op: 'add', userIds: [A] },
    ],
    [
      { op: 'Add', path: 'members', value: [{ value: A, $ref: null }, { value: B }] },
      { op: 'add', userIds: [A, B] },
    ],
    [
      { op: 'ADD', path: 'Members', value: { value: A } },
      { op: 'add', userIds: [A] },
    ],
    [
      { op: 'add', path: 'members', value: A },
      { op: 'add', userIds: [A] },
    ],
    [
      { op: 'remove', path: `members[value eq "${A}"]` },
      { op: 'remove', userIds: [A] },
    ],
    [
      { op: 'remove', path: `members[value eq "${A}" or value eq "${B}"]` },
      { op: 'remove', userIds: [A, B] },
    ],
    [
      { op: 'Remove', path: 'members', value: [{ value: A, $ref: null }] },
      { op: 'remove', userIds: [A] },
    ],
    [{ op: 'remove', path: 'members' }, { op: 'removeAll' }],
    [{ op: 'remove', path: 'members', value: null }, { op: 'removeAll' }],
    [
      { op: 'replace', path: 'members', value: [{ value: B }] },
      { op: 'replace', userIds: [B] },
    ],
    [{ op: 'replace', path: 'members', value: [] }, { op: 'removeAll' }],
    [
      { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [A] },
      { op: 'add', userIds: [A] },
    ],
    // Okta: no type, no $ref, display on some members only, several in one operation.
    [
      {
        op: 'add',
        path: 'members',
        value: [{ value: A, display: 'ann@example.com' }, { value: B }],
      },
      { op: 'add', userIds: [A, B] },
    ],
    [{ op: 'replace', path: 'members', value: null }, { op: 'removeAll' }],
    [
      { op: 'remove', path: 'members', value: [{ value: A, display: 'Ann' }, { value: B }] },
      { op: 'remove', userIds: [A, B] },
    ],
    [
      { op: 'remove', path: 'members', value: [] },
      { op: 'remove', userIds: [] },
    ],
  ])('reads %j as a member change', (operation, change) => {
    expect(plan(operation)).toEqual({ attributeOperations: [NO_OP], memberChanges: [change] });
  });

  it('splits a no-path value into member changes and the other attributes', () => {
    expect(
      plan(
        { op: 'replace', value: { displayName: 'New', MEMBERS: [{ value: A }] } },
        { op: 'add', value: { members: [{ value: B }] } },
      ),
    ).toEqual({
      attributeOperations: [
        { op: 'replace', value: { displayName: 'New' } },
        { op: 'add', value: {} },
      ],
      memberChanges: [
        { op: 'replace', userIds: [A] },
        { op: 'add', userIds: [B] },
      ],
    });
  });

  it('reads Okta\'s "Push now" of an empty group with no path as removing every member', () => {
    expect(plan({ op: 'replace', value: { displayName: 'Same', members: [] } })).toEqual({
      attributeOperations: [{ op: 'replace', value: { displayName: 'Same' } }],
      memberChanges: [{ op: 'removeAll' }],
    });
  });

  it('leaves other attributes, and paths it cannot read, to the PATCH engine', () => {
    const operations = [
      { op: 'replace', path: 'displayName', value: 'x' },
      { op: 'remove', path: 'externalId' },
      { op: 'replace', path: 'members[value eq', value: 'x' },
      { op: 'remove' },
    ];
    expect(plan(...operations)).toEqual({ attributeOperations: operations, memberChanges: [] });
  });

  it.each([
    [{ op: 'add', path: `members[value eq "${A}"]`, value: [{ value: B }] }, 'invalid_path'],
    [{ op: 'replace', path: `members[value eq "${A}"]`, value: { value: B } }, 'invalid_path'],
    [{ op: 'remove', path: 'members[display eq "Ann"]' }, 'invalid_path'],
    [{ op: 'remove', path: `members[value eq "${A}" and value eq "${B}"]` }, 'invalid_path'],
    [{ op: 'replace', path: `members[value eq "${A}"].display`, value: 'x' }, 'invalid_path'],
    [{ op: 'remove', path: 'members.value' }, 'invalid_path'],
    [{ op: 'add', path: 'members', value: [{ value: A, type: 'Group' }] }, 'invalid_value'],
    [
      { op: 'add', path: 'members', value: [{ value: A, $ref: 'https://x/scim/v2/Groups/1' }] },
      'invalid_value',
    ],
    [{ op: 'add', path: 'members', value: [{ value: A, type: 'Robot' }] }, 'invalid_value'],
    [{ op: 'add', path: 'members', value: [{ display: 'no value' }] }, 'invalid_value'],
    [{ op: 'add', path: 'members', value: [7] }, 'invalid_value'],
    [{ op: 'add', value: { members: [{ value: '' }] } }, 'invalid_value'],
  ])('refuses %j', (operation, code) => {
    const error = failure(() => plan({ op: 'add', path: 'members', value: [] }, operation));
    expect(error.code).toBe(code);
    expect(error.detail).toMatch(/^PATCH operation 2 \(/);
    expect(error.fieldErrors[0]?.field).toMatch(/^Operations\[1\]/);
  });

  it('names nested groups in the refusal', () => {
    const error = failure(() =>
      plan({ op: 'add', path: 'members', value: [{ value: A, type: 'Group' }] }),
    );
    expect(error.detail).toContain('nested groups are not supported');
    expect(error.detail).toContain(A);
  });

  it('takes only the values of members to remove', () => {
    expect(
      plan({ op: 'remove', path: 'members', value: [{ value: A, type: 'Group', $ref: 'x' }] })
        .memberChanges,
    ).toEqual([{ op: 'remove', userIds: [A] }]);
  });
});

describe('onlyMemberChange', () => {
  it('takes one add or one remove of members and nothing else', () => {
    expect(onlyMemberChange(plan({ op: 'add', path: 'members', value: [{ value: A }] }))).toEqual({
      op: 'add',
      userIds: [A],
    });
    expect(onlyMemberChange(plan({ op: 'remove', path: `members[value eq "${B}"]` }))).toEqual({
      op: 'remove',
      userIds: [B],
    });
  });

  it('leaves attributes, several changes, replace and remove-all to the general path', () => {
    const add = { op: 'add', path: 'members', value: [{ value: A }] };
    expect(onlyMemberChange(plan(add, { op: 'replace', path: 'displayName', value: 'X' }))).toBe(
      undefined,
    );
    expect(onlyMemberChange(plan(add, add))).toBe(undefined);
    expect(onlyMemberChange(plan({ op: 'replace', path: 'members', value: [{ value: A }] }))).toBe(
      undefined,
    );
    expect(onlyMemberChange(plan({ op: 'remove', path: 'members' }))).toBe(undefined);
    expect(onlyMemberChange(plan({ op: 'replace', path: 'displayName', value: 'X' }))).toBe(
      undefined,
    );
  });
});

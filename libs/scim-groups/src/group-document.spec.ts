import { DomainError } from '@rollcall/common';
import { readGroupDocument, toScimGroup } from './group-document';

const A = '2819c223-7f76-453a-919d-413861904646';

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('readGroupDocument', () => {
  it('reads displayName, externalId and members in any case, ignoring read-only attributes', () => {
    expect(
      readGroupDocument({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: 'ignored',
        DisplayName: '  Sales  ',
        EXTERNALID: 42,
        Members: [{ value: A, $ref: null, display: 'Ann' }, ` ${A} `],
        meta: { resourceType: 'Group' },
      }),
    ).toEqual({ displayName: 'Sales', externalId: '42', memberIds: [A, A] });
    expect(readGroupDocument({ displayName: 'x', members: null })).toEqual({
      displayName: 'x',
      externalId: null,
      memberIds: [],
    });
  });

  it('tells a body without members (a PUT that keeps them) from an empty member list', () => {
    const read = readGroupDocument({ displayName: 'Renamed' });
    expect(read).toEqual({ displayName: 'Renamed', externalId: null });
    expect('memberIds' in read).toBe(false);
    expect(readGroupDocument({ displayName: 'x', members: [] }).memberIds).toEqual([]);
    expect(
      readGroupDocument({
        displayName: 'x',
        'urn:ietf:params:scim:schemas:core:2.0:Group:members': [A],
      }).memberIds,
    ).toEqual([A]);
  });

  it.each([
    [[], 'invalid_syntax', 'JSON object'],
    [{}, 'invalid_value', 'displayName is required'],
    [{ displayName: ' ' }, 'invalid_value', 'displayName'],
    [{ displayName: 'x'.repeat(257) }, 'invalid_value', '256'],
    [{ displayName: 'x', externalId: {} }, 'invalid_value', 'externalId'],
    [{ displayName: 'x', members: [{ value: A, type: 'Group' }] }, 'invalid_value', 'nested'],
    [{ displayName: 'x', members: [{ value: A, type: 3 }] }, 'invalid_value', 'members[0].type'],
    [{ displayName: 'x', members: [null] }, 'invalid_value', 'members[0]'],
  ])('refuses %j', (body, code, mention) => {
    const error = failure(() => readGroupDocument(body));
    expect(error.code).toBe(code);
    expect(error.detail).toContain(mention);
  });
});

describe('toScimGroup', () => {
  const group = {
    id: 'g1',
    organizationId: 'o1',
    displayName: 'Sales',
    externalId: null,
    scimManaged: true,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-02T00:00:00.000Z'),
    version: 3,
  };

  it('lists members only when given, with $ref, display and type', () => {
    expect(toScimGroup(group, 'https://x/scim/v2')).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'Sales',
      meta: {
        resourceType: 'Group',
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-02T00:00:00.000Z',
        location: 'https://x/scim/v2/Groups/g1',
        version: 'W/"3"',
      },
    });
    expect(
      toScimGroup(group, 'https://x/scim/v2', [{ userId: 'u1', display: 'Ann' }]).members,
    ).toEqual([{ value: 'u1', $ref: 'https://x/scim/v2/Users/u1', display: 'Ann', type: 'User' }]);
  });
});

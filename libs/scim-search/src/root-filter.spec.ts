import { DomainError } from '@rollcall/common';
import { formatFilter, parseFilter } from '@rollcall/scim';
import { rootFilterParts } from './root-filter';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** [Users' part, Groups' part], a filter written as text (true: everything, false: not asked). */
function parts(text: string): (string | boolean)[] {
  return rootFilterParts(parseFilter(text)).map((part) =>
    typeof part === 'boolean' ? part : formatFilter(part),
  );
}

function refusal(text: string): DomainError {
  try {
    rootFilterParts(parseFilter(text));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('rootFilterParts', () => {
  it.each([
    // The type-wide attributes select a type.
    ['meta.resourceType eq "User"', [true, false]],
    ['meta.resourceType eq "Group"', [false, true]],
    ['meta.resourceType ne "Group"', [true, false]],
    ['meta.resourceType eq "user"', [false, false]], // caseExact
    ['meta.resourceType pr', [true, true]],
    ['not (meta.resourceType eq "User")', [false, true]],
    [`schemas eq "${USER}"`, [true, false]],
    [`schemas eq "${GROUP.toUpperCase()}"`, [false, true]], // URIs in any case
    [`schemas eq "urn:example:unknown"`, [false, false]],
    ['schemas pr', [true, true]],
    // An attribute one type lacks is unassigned there.
    ['userName eq "x"', ['userName eq "x"', false]],
    ['members.value eq "x"', [false, 'members.value eq "x"']],
    ['members pr', [false, 'members pr']],
    ['userName ne "x"', ['userName ne "x"', true]],
    ['userName eq null', ['userName eq null', true]],
    ['emails[type eq "work"]', ['emails[type eq "work"]', false]],
    ['not (userName eq "x")', ['not (userName eq "x")', true]],
    // Attributes both types have pass through as written.
    ['displayName sw "S"', ['displayName sw "S"', 'displayName sw "S"']],
    [
      'externalId eq "e" and meta.created gt "2020-01-01T00:00:00Z"',
      [
        'externalId eq "e" and meta.created gt "2020-01-01T00:00:00Z"',
        'externalId eq "e" and meta.created gt "2020-01-01T00:00:00Z"',
      ],
    ],
    // Constants simplify away.
    ['meta.resourceType eq "User" and userName sw "a"', ['userName sw "a"', false]],
    ['meta.resourceType eq "Group" or userName sw "a"', ['userName sw "a"', true]],
    [
      'userName eq "a" or displayName eq "S"',
      ['userName eq "a" or displayName eq "S"', 'displayName eq "S"'],
    ],
    [`schemas eq "${USER}" and not (active eq false)`, ['not (active eq false)', false]],
  ])('%s', (text, expected) => {
    expect(parts(text)).toEqual(expected);
  });

  it('refuses an attribute neither type defines', () => {
    const error = refusal('nickname2 eq "x"');
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain('"nickname2" is not an attribute of User or Group resources');
  });

  it('refuses a schemas filter that depends on the user (the enterprise extension)', () => {
    const error = refusal(`schemas eq "${ENTERPRISE}"`);
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain('depends on each User');
  });

  it('checks a branch the simplification drops', () => {
    // Each bad comparison is in a branch its type is ruled out by: still refused.
    expect(refusal('meta.resourceType eq "Group" and active eq "maybe"').code).toBe(
      'invalid_filter',
    );
    expect(refusal('meta.resourceType eq "User" and members.value ge null').code).toBe(
      'invalid_filter',
    );
  });
});

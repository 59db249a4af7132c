import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, USER_RESOURCE } from '../schema/definitions';
import { compileElementMatcher, matchesFilter } from './evaluate';
import { parseFilter } from './parser';
import { EXT_URN, FIXTURE_COMMON, FIXTURE_SCHEMA } from './testing/fixtures';
import { failure } from './testing/failure';

const DOCUMENT: Record<string, unknown> = {
  schemas: ['urn:example:core:2.0:Thing', EXT_URN],
  id: 'u1',
  externalId: 'Ext-1',
  userName: 'Alice@Example.com',
  displayName: 'Alice Liddell',
  code: 'AbC',
  active: true,
  loginCount: 7,
  score: 2.5,
  lastSeen: '2024-03-01T10:00:00.000Z',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [
    { value: 'alice@work.example', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  tokens: [],
  meta: { created: '2024-01-01T00:00:00Z', lastModified: '2024-02-01T00:00:00.000Z' },
  [EXT_URN]: { department: 'R&D', manager: { value: 'm1', displayName: 'Boss' } },
};

function matches(filter: string, document: Record<string, unknown> = DOCUMENT): boolean {
  return matchesFilter(document, parseFilter(filter), FIXTURE_SCHEMA, FIXTURE_COMMON);
}

describe('matchesFilter', () => {
  it.each([
    ['userName eq "alice@example.com"', true],
    ['USERNAME EQ "ALICE@EXAMPLE.COM"', true],
    ['userName eq "alice"', false],
    ['userName ne "alice"', true],
    ['userName co "@EXAMPLE"', true],
    ['userName sw "alice@"', true],
    ['userName ew ".COM"', true],
    ['userName ew "example"', false],
    ['userName gt "alice"', true],
    ['userName lt "alice"', false],
    ['userName ge "alice@example.com"', true],
    ['userName le "ALICE@EXAMPLE.COM"', true],
  ])('compares case-insensitive text: %s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it.each([
    ['code eq "AbC"', true],
    ['code eq "abc"', false],
    ['code co "bC"', true],
    ['code gt "AbB"', true],
    ['code gt "a"', false],
    ['externalId eq "ext-1"', false],
    ['externalId eq "Ext-1"', true],
  ])('compares case-exact text: %s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it.each([
    ['active eq true', true],
    ['active eq "True"', true],
    ['active eq False', false],
    ['active ne false', true],
    ['loginCount eq 7', true],
    ['loginCount gt 6', true],
    ['loginCount le "6"', false],
    ['score ge 2.5', true],
    ['score lt 2.50', false],
    ['lastSeen gt "2024-03-01T09:59:59Z"', true],
    ['lastSeen eq "2024-03-01T11:00:00+01:00"', true],
    ['lastSeen lt "2024-03-01"', false],
    ['meta.created eq "2024-01-01T00:00:00.000Z"', true],
    ['meta.lastModified gt 2024-01-15T00:00:00Z', true],
  ])('compares booleans, numbers and instants: %s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it.each([
    ['emails.value eq "alice@home.example"', true],
    ['emails eq "ALICE@WORK.EXAMPLE"', true],
    ['emails.type eq "other"', false],
    ['emails.type ne "work"', true],
    ['emails[type eq "work" and value co "@work"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails[not (primary pr)]', true],
    ['emails[primary eq true] and emails[type eq "home"]', true],
    ['emails pr', true],
    ['tokens pr', false],
    ['tokens.value pr', false],
    ['tokens eq null', true],
    ['emails.primary pr', true],
  ])('matches multi-valued attributes when any value matches: %s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it.each([
    ['title pr', false],
    ['displayName pr', true],
    ['name pr', true],
    ['name.middleName pr', false],
    ['department eq "r&d"', true],
    [`${EXT_URN}:manager.value eq "m1"`, true],
    [`${EXT_URN}:manager pr`, true],
    ['manager[value eq "m1"]', true],
    ['displayName eq null', false],
    ['nickName eq null', true],
    ['nickName ne null', false],
    ['nickName ne "x"', true],
    ['nickName eq "x"', false],
    ['nickName gt "a"', false],
  ])('handles presence and absence: %s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('treats empty strings, arrays and objects as absent for pr', () => {
    const document = { displayName: '', emails: [], name: { givenName: '' } };
    expect(matches('displayName pr', document)).toBe(false);
    expect(matches('emails pr', document)).toBe(false);
    expect(matches('name pr', document)).toBe(false);
    expect(matches('displayName eq ""', document)).toBe(true);
  });

  it('combines with and, or and not', () => {
    expect(matches('userName sw "bob" or (active eq true and not (loginCount lt 5))')).toBe(true);
    expect(matches('not (userName sw "alice")')).toBe(false);
  });

  it('ignores values of the wrong type in the document instead of failing', () => {
    const document = { active: 'maybe', loginCount: 'many', lastSeen: 'yesterday', emails: 'x' };
    expect(matches('active eq true', document)).toBe(false);
    expect(matches('loginCount gt 1', document)).toBe(false);
    expect(matches('lastSeen lt "2030-01-01"', document)).toBe(false);
    expect(matches('emails[type eq "work"]', document)).toBe(false);
  });

  it('checks every attribute before evaluating', () => {
    const error = failure(() => matches('userName pr or nope eq 1'));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain('"nope" is not an attribute of User resources');
  });

  it.each([
    ['active gt true', 'the operator "gt" cannot be used with "active"'],
    ['active eq "yes"', '"yes" is not a valid boolean value for "active"'],
    ['loginCount eq "seven"', 'not a valid integer'],
    ['loginCount co 7', 'the operator "co" cannot be used'],
    ['lastSeen gt "last tuesday"', 'not a valid dateTime'],
    ['lastSeen gt "2024-02-30"', 'not a valid dateTime'],
    ['name eq "Alice"', 'is a complex attribute'],
    ['userName gt null', 'only eq and ne accept null'],
    ['emails[nope eq 1]', '"nope" inside "emails[...]" is not a sub-attribute of "emails"'],
    ['userName[value eq 1]', 'not a complex attribute'],
    ['emails.nope eq 1', 'check the sub-attribute "nope"'],
  ])('refuses %s', (filter, message) => {
    const error = failure(() => matches(filter));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain(message);
  });

  it('works on the real User catalog with extension attributes under their URN', () => {
    const user = {
      userName: 'bjensen',
      emails: [{ value: 'b@x.com', type: 'work' }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: '26118915' } },
    };
    const filter = parseFilter(
      `emails[type eq "work" and value co "@x.com"] and ${ENTERPRISE_USER_SCHEMA}:manager.value eq "26118915" and department eq "sales"`,
    );
    expect(matchesFilter(user, filter, USER_RESOURCE, COMMON_ATTRIBUTES)).toBe(true);
  });
});

describe('compileElementMatcher', () => {
  const emails = FIXTURE_SCHEMA.core.attributes.find((a) => a.name === 'emails');

  it('matches elements of a multi-valued attribute', () => {
    if (!emails) throw new Error('fixture');
    const matcher = compileElementMatcher(
      parseFilter('type eq "WORK" and primary eq "true"'),
      emails,
    );
    expect(matcher({ type: 'work', primary: true })).toBe(true);
    expect(matcher({ type: 'work' })).toBe(false);
    expect(matcher('not an object')).toBe(false);
  });

  it('reports unknown sub-attributes with the code it is given', () => {
    if (!emails) throw new Error('fixture');
    const error = failure(() =>
      compileElementMatcher(parseFilter('kind eq 1'), emails, 'invalid_path'),
    );
    expect(error.code).toBe('invalid_path');
  });
});

import type { Filter } from './ast';
import { formatFilter, formatPatchPath } from './format';
import { MAX_FILTER_DEPTH, parseAttributeList, parseFilter, parsePatchPath } from './parser';
import { failure } from './testing/failure';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseFilter', () => {
  it('parses a comparison', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({
      kind: 'compare',
      path: { name: 'userName' },
      operator: 'eq',
      value: 'bjensen',
    });
  });

  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])(
    'parses the %s operator',
    (op) => {
      expect(parseFilter(`title ${op} "x"`)).toMatchObject({ kind: 'compare', operator: op });
    },
  );

  it('parses keywords in any case and extra whitespace', () => {
    expect(parseFilter('  title   PR\tAND\n userName Eq "a"  ')).toEqual({
      kind: 'and',
      left: { kind: 'present', path: { name: 'title' } },
      right: { kind: 'compare', path: { name: 'userName' }, operator: 'eq', value: 'a' },
    });
  });

  it('gives not precedence over and, and and over or', () => {
    const filter = parseFilter('a pr or b pr and not (c pr)');
    expect(formatFilter(filter)).toBe('a pr or b pr and not (c pr)');
    expect(filter).toEqual({
      kind: 'or',
      left: { kind: 'present', path: { name: 'a' } },
      right: {
        kind: 'and',
        left: { kind: 'present', path: { name: 'b' } },
        right: { kind: 'not', filter: { kind: 'present', path: { name: 'c' } } },
      },
    });
  });

  it('honours parentheses', () => {
    const filter = parseFilter('(a pr or b pr) and c pr');
    expect(filter).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('is left-associative', () => {
    expect(parseFilter('a pr and b pr and c pr')).toMatchObject({
      kind: 'and',
      left: { kind: 'and' },
      right: { kind: 'present', path: { name: 'c' } },
    });
  });

  it('accepts not without parentheses before an attribute expression', () => {
    expect(parseFilter('not title pr')).toEqual({
      kind: 'not',
      filter: { kind: 'present', path: { name: 'title' } },
    });
  });

  it('reads an attribute named "not" as an attribute', () => {
    expect(parseFilter('not pr')).toEqual({ kind: 'present', path: { name: 'not' } });
  });

  it('parses value paths', () => {
    expect(parseFilter('emails[type eq "work" and value co "@x.com"]')).toEqual({
      kind: 'valuePath',
      path: { name: 'emails' },
      filter: {
        kind: 'and',
        left: { kind: 'compare', path: { name: 'type' }, operator: 'eq', value: 'work' },
        right: { kind: 'compare', path: { name: 'value' }, operator: 'co', value: '@x.com' },
      },
    });
  });

  it('combines value paths with other expressions', () => {
    const filter = parseFilter('userType eq "Employee" and emails[type eq "work"] or title pr');
    expect(formatFilter(filter)).toBe(
      'userType eq "Employee" and emails[type eq "work"] or title pr',
    );
  });

  it('refuses nested value filters', () => {
    const error = failure(() => parseFilter('emails[type eq "work" and x[y pr]]'));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain('cannot be nested');
  });

  it('reads a sub-attribute comparison after a value filter as part of it', () => {
    expect(parseFilter('emails[type eq "work"].value co "@x.com"')).toEqual(
      parseFilter('emails[type eq "work" and value co "@x.com"]'),
    );
    expect(parseFilter('emails[type eq "work"].display pr')).toMatchObject({
      filter: { kind: 'and', right: { kind: 'present', path: { name: 'display' } } },
    });
    expect(failure(() => parseFilter('emails[type eq "work"].value')).detail).toContain(
      'expected an operator',
    );
  });

  it('refuses a value filter after a sub-attribute', () => {
    expect(failure(() => parseFilter('name.givenName[x pr]')).code).toBe('invalid_filter');
  });

  it('parses sub-attributes and URN prefixes', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toMatchObject({
      path: { name: 'name', subAttribute: 'familyName' },
    });
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915"`)).toMatchObject({
      path: { uri: ENTERPRISE, name: 'manager', subAttribute: 'value' },
      value: '26118915',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toMatchObject(
      {
        path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'userName' },
      },
    );
  });

  it('decodes JSON string escapes', () => {
    expect(parseFilter('title eq "a\\"b\\\\c\\/d\\u00e9\\n\\t"')).toMatchObject({
      value: 'a"b\\c/d\u00e9\n\t',
    });
    expect(parseFilter('title eq "\\ud83d\\ude00"')).toMatchObject({ value: '\u{1F600}' });
  });

  it('parses numbers, booleans and null', () => {
    expect(parseFilter('n eq 42')).toMatchObject({ value: 42 });
    expect(parseFilter('n eq -1.5e3')).toMatchObject({ value: '-1.5e3' });
    expect(parseFilter('n eq -1500')).toMatchObject({ value: -1500 });
    expect(parseFilter('n eq 0.25')).toMatchObject({ value: 0.25 });
    expect(parseFilter('active eq true')).toMatchObject({ value: true });
    expect(parseFilter('active eq false')).toMatchObject({ value: false });
    expect(parseFilter('manager eq null')).toMatchObject({ value: null });
  });

  it('takes unquoted values as text unless they are literals or canonical numbers', () => {
    expect(parseFilter('externalId eq abc123')).toMatchObject({ value: 'abc123' });
    expect(parseFilter('userName eq alice@x.com')).toMatchObject({ value: 'alice@x.com' });
    expect(parseFilter('externalId eq 00123')).toMatchObject({ value: '00123' });
    expect(parseFilter('active eq True')).toMatchObject({ value: 'True' });
    expect(parseFilter('emails[value eq a@b.c]')).toMatchObject({
      filter: { value: 'a@b.c' },
    });
    expect(parseFilter('meta.lastModified gt 2011-05-13T04:42:34Z')).toMatchObject({
      value: '2011-05-13T04:42:34Z',
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['userName', 'expected an operator'],
    ['userName eq', 'expected a value after "eq" but found the end of the text'],
    [
      'userName equals "x"',
      'expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) at character 10',
    ],
    ['userName eq "x" title pr', 'at character 17 but found "title"'],
    ['displayName eq John Smith', 'put values that contain spaces in double quotes'],
    ['(userName pr', 'expected ")" to close the "(" at character 1'],
    ['userName pr)', 'found ")"'],
    ['emails[type eq "work"', 'expected "]" to close the "[" at character 7'],
    ['userName eq "abc', 'has no closing double quote'],
    ['userName eq "a\\qb"', 'invalid escape "\\q" at character 15'],
    ['userName eq "a\\u12"', 'invalid escape'],
    ['1abc pr', 'is not an attribute name'],
    ['a.b.c pr', 'more than one "."'],
    [':name pr', 'empty schema URN'],
    ['name. pr', 'invalid sub-attribute name'],
    ['and pr and', 'expected an attribute name'],
    ['userName eq "a\\u0000"', 'NUL'],
    ['userName eq "\\ud800"', 'unpaired'],
    ['() ', 'expected an attribute name at character 2'],
  ])('rejects %j', (text, message) => {
    const error = failure(() => parseFilter(text));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain(message);
  });

  it('rejects filters longer than 10,000 characters', () => {
    const text = `title eq "${'x'.repeat(10_000)}"`;
    expect(failure(() => parseFilter(text)).detail).toContain('at most 10000');
  });

  it('accepts nesting up to the limit and refuses one level more', () => {
    const nest = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
    expect(() => parseFilter(nest(MAX_FILTER_DEPTH))).not.toThrow();
    expect(failure(() => parseFilter(nest(MAX_FILTER_DEPTH + 1))).detail).toContain('50 levels');
    expect(failure(() => parseFilter(`${'not '.repeat(60)}a pr`)).code).toBe('invalid_filter');
    expect(failure(() => parseFilter('('.repeat(9_000))).code).toBe('invalid_filter');
  });

  it('handles long flat chains without deep recursion', () => {
    const text = Array.from({ length: 800 }, (_, i) => `a${i} pr`).join(' and ');
    const filter: Filter = parseFilter(text);
    expect(filter.kind).toBe('and');
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['name.givenName', { attribute: { name: 'name', subAttribute: 'givenName' } }],
    ['active', { attribute: { name: 'active' } }],
    [
      'emails[type eq "work"].value',
      {
        attribute: { name: 'emails' },
        valueFilter: { kind: 'compare', path: { name: 'type' }, operator: 'eq', value: 'work' },
        subAttribute: 'value',
      },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      {
        attribute: { name: 'members' },
        valueFilter: {
          kind: 'compare',
          path: { name: 'value' },
          operator: 'eq',
          value: '2819c223-7f76-453a-919d-413861904646',
        },
      },
    ],
    [`${ENTERPRISE}:manager`, { attribute: { uri: ENTERPRISE, name: 'manager' } }],
    [
      `${ENTERPRISE}:manager.value`,
      { attribute: { uri: ENTERPRISE, name: 'manager', subAttribute: 'value' } },
    ],
    [
      'addresses[type eq "work" and primary eq true].postalCode',
      { attribute: { name: 'addresses' }, subAttribute: 'postalCode' },
    ],
  ])('parses %s', (text, expected) => {
    expect(parsePatchPath(text)).toMatchObject(expected);
  });

  it('round-trips through formatPatchPath', () => {
    const text = 'emails[type eq "work" and value ew "@x.com"].display';
    expect(formatPatchPath(parsePatchPath(text))).toBe(text);
  });

  it.each([
    ['', 'empty'],
    ['emails[type eq "work"', 'expected "]"'],
    ['emails[type eq "work"].', 'is not an attribute name'],
    ['emails[type eq "work"].value.x', 'is not a sub-attribute name'],
    ['emails[type eq "work"] extra', 'expected the end of the path'],
    ['name.givenName[type eq "x"]', 'follows a sub-attribute'],
    ['emails[x[y pr]]', 'cannot be nested'],
    ['emails]', 'expected the end of the path'],
    ['a b', 'expected the end of the path'],
  ])('rejects %j with invalid_path', (text, message) => {
    const error = failure(() => parsePatchPath(text));
    expect(error.code).toBe('invalid_path');
    expect(error.detail).toContain(message);
  });
});

describe('parseAttributeList', () => {
  it('splits on commas, trims and skips empty items', () => {
    expect(parseAttributeList(` userName , name.givenName,,${ENTERPRISE}:department,`)).toEqual([
      { name: 'userName' },
      { name: 'name', subAttribute: 'givenName' },
      { uri: ENTERPRISE, name: 'department' },
    ]);
    expect(parseAttributeList('')).toEqual([]);
  });

  it.each(['emails[type eq "work"]', 'user name', '1x', 'a.b.c'])('rejects %j', (text) => {
    expect(failure(() => parseAttributeList(text)).code).toBe('invalid_path');
  });
});

import { DomainError } from '@rollcall/common';
import { parseFilter } from './parser';
import { compileFilter, SqlParams, type SqlColumn } from './sql';
import { FIXTURE_COMMON, FIXTURE_SCHEMA } from './testing/fixtures';
import { fixtureMapping, jsonbElements } from './testing/sql-mapping';
import { failure } from './testing/failure';

function compile(filter: string, params = new SqlParams()) {
  const sql = compileFilter(
    parseFilter(filter),
    FIXTURE_SCHEMA,
    FIXTURE_COMMON,
    fixtureMapping,
    params,
  );
  return { sql, params: params.values };
}

const EMAILS = 'jsonb_array_elements(u.emails) AS e1';

describe('SqlParams', () => {
  it('numbers placeholders from where it starts', () => {
    const params = new SqlParams(3);
    expect(params.add('a')).toBe('$3');
    expect(params.add(1)).toBe('$4');
    expect(params.values).toEqual(['a', 1]);
    expect(new SqlParams().add(null)).toBe('$1');
  });
});

describe('compileFilter', () => {
  it.each([
    ['userName eq "Alice"', 'lower(u.user_name) = lower($1::text)', ['Alice']],
    ['userName ne "Alice"', 'lower(u.user_name) IS DISTINCT FROM lower($1::text)', ['Alice']],
    [
      'userName sw "a%_\\\\b"',
      "lower(u.user_name) LIKE lower($1::text) ESCAPE '\\'",
      ['a\\%\\_\\\\b%'],
    ],
    ['userName co "x"', "lower(u.user_name) LIKE lower($1::text) ESCAPE '\\'", ['%x%']],
    ['userName ew "@x.com"', "lower(u.user_name) LIKE lower($1::text) ESCAPE '\\'", ['%@x.com']],
    ['userName gt "m"', 'lower(u.user_name) COLLATE "C" > lower($1::text)', ['m']],
    ['externalId eq "Ext-1"', 'u.external_id = $1::text', ['Ext-1']],
    ['externalId eq 12345', 'u.external_id = $1::text', ['12345']],
    ['code co "x"', "u.code LIKE $1::text ESCAPE '\\'", ['%x%']],
    ['code le "m"', 'u.code COLLATE "C" <= $1::text', ['m']],
  ])('compiles text comparisons: %s', (filter, sql, params) => {
    expect(compile(filter)).toEqual({ sql, params });
  });

  it.each([
    ['active eq true', 'u.active = $1::boolean', [true]],
    ['active eq "True"', 'u.active = $1::boolean', [true]],
    ['active ne "false"', 'u.active IS DISTINCT FROM $1::boolean', [false]],
    ['loginCount ge 5', 'u.login_count >= $1::bigint', [5]],
    ['loginCount lt "5"', 'u.login_count < $1::bigint', [5]],
    ['score lt 2.5', 'u.score < $1::numeric', [2.5]],
    ['lastSeen gt "2024-01-01"', 'u.last_seen > $1::timestamptz', ['2024-01-01T00:00:00.000Z']],
    [
      'meta.lastModified ge "2024-01-01T02:00:00+02:00"',
      'u.updated_at >= $1::timestamptz',
      ['2024-01-01T00:00:00.000Z'],
    ],
  ])('compiles typed comparisons: %s', (filter, sql, params) => {
    expect(compile(filter)).toEqual({ sql, params });
  });

  it.each([
    ['title pr', "(u.title IS NOT NULL AND u.title <> '')"],
    ['active pr', 'u.active IS NOT NULL'],
    ['title eq null', "NOT (u.title IS NOT NULL AND u.title <> '')"],
    ['title ne null', "(u.title IS NOT NULL AND u.title <> '')"],
    ['emails pr', '(u.emails IS NOT NULL AND jsonb_array_length(u.emails) > 0)'],
    ['emails eq null', 'NOT (u.emails IS NOT NULL AND jsonb_array_length(u.emails) > 0)'],
    [
      'emails.type pr',
      `EXISTS (SELECT 1 FROM ${EMAILS} WHERE (e1->>'type' IS NOT NULL AND e1->>'type' <> ''))`,
    ],
    [
      'name pr',
      "((u.given_name IS NOT NULL AND u.given_name <> '') OR (u.family_name IS NOT NULL AND " +
        "u.family_name <> '') OR (u.middle_name IS NOT NULL AND u.middle_name <> ''))",
    ],
  ])('compiles presence: %s', (filter, sql) => {
    expect(compile(filter)).toEqual({ sql, params: [] });
  });

  it('compiles value paths to EXISTS over the jsonb array', () => {
    expect(compile('emails[type eq "work" and value co "@x.com"]')).toEqual({
      sql:
        `EXISTS (SELECT 1 FROM ${EMAILS} WHERE (lower(e1->>'type') = lower($1::text) AND ` +
        `lower(e1->>'value') LIKE lower($2::text) ESCAPE '\\'))`,
      params: ['work', '%@x.com%'],
    });
  });

  it('adds the GIN-servable value index prefilter when an eq on value is required', () => {
    expect(compile('emails eq "A@x.com"')).toEqual({
      sql:
        `(u.email_values @> ARRAY[lower($1::text)] AND EXISTS (SELECT 1 FROM ${EMAILS} ` +
        `WHERE lower(e1->>'value') = lower($2::text)))`,
      params: ['A@x.com', 'A@x.com'],
    });
    expect(compile('emails[type eq "work" and value eq "a@x.com"]').sql).toMatch(
      /^\(u\.email_values @> ARRAY\[lower\(\$1::text\)\] AND EXISTS/,
    );
  });

  it('leaves the prefilter out when the value equality is optional or case-exact', () => {
    expect(compile('emails[value eq "a" or type eq "work"]').sql).not.toContain('email_values');
    expect(compile('emails[not (value eq "a")]').sql).not.toContain('email_values');
    expect(compile('emails.value co "a"').sql).not.toContain('email_values');
    expect(compile('tokens eq "Tok"')).toEqual({
      sql: "EXISTS (SELECT 1 FROM jsonb_array_elements(u.tokens) AS e1 WHERE e1->>'value' = $1::text)",
      params: ['Tok'],
    });
  });

  it('casts boolean sub-attributes and gives every EXISTS its own alias', () => {
    expect(compile('emails[primary eq true] or emails.type eq "home"')).toEqual({
      sql:
        `(EXISTS (SELECT 1 FROM ${EMAILS} WHERE (e1->>'primary')::boolean = $1::boolean) OR ` +
        "EXISTS (SELECT 1 FROM jsonb_array_elements(u.emails) AS e2 WHERE lower(e2->>'type') = lower($2::text)))",
      params: [true, 'home'],
    });
  });

  it('compiles and/or/not with precedence and two-valued negation', () => {
    expect(compile('userName sw "a" or not (title pr) and active eq true')).toEqual({
      sql:
        "(lower(u.user_name) LIKE lower($1::text) ESCAPE '\\' OR ((u.title IS NOT NULL AND " +
        "u.title <> '') IS NOT TRUE AND u.active = $2::boolean))",
      params: ['a%', true],
    });
  });

  it('compiles value paths over single-valued complex attributes stored in columns', () => {
    expect(compile('name[givenName eq "a" and familyName pr]')).toEqual({
      sql: "(lower(u.given_name) = lower($1::text) AND (u.family_name IS NOT NULL AND u.family_name <> ''))",
      params: ['a'],
    });
  });

  it('passes the lowercased canonical path to the mapping', () => {
    const seen: string[] = [];
    const mapping = (path: string): SqlColumn | undefined => {
      seen.push(path);
      return fixtureMapping(path);
    };
    compileFilter(
      parseFilter(
        'USERNAME pr and urn:example:extension:legacy:2.0:Thing:Manager.Value pr and EMAILS.TYPE pr and Meta.LastModified pr',
      ),
      FIXTURE_SCHEMA,
      FIXTURE_COMMON,
      mapping,
      new SqlParams(),
    );
    expect(seen).toEqual([
      'username',
      'urn:example:extension:corp:2.0:thing:manager.value',
      'emails',
      'meta.lastmodified',
    ]);
  });

  it('continues the numbering of the params it is given', () => {
    const params = new SqlParams();
    params.add('org-id');
    expect(compile('userName eq "a"', params)).toEqual({
      sql: 'lower(u.user_name) = lower($2::text)',
      params: ['org-id', 'a'],
    });
  });

  it('leaves params untouched when a filter fails', () => {
    const params = new SqlParams();
    params.add('org-id');
    expect(() => compile('userName eq "a" and active gt true', params)).toThrow(DomainError);
    expect(params.values).toEqual(['org-id']);
    expect(params.add('next')).toBe('$2');
  });

  it('never puts values into the SQL text', () => {
    const { sql } = compile(`userName eq "'; DROP TABLE users; --" or emails[value co "'||'"]`);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("'||'");
  });

  it.each([
    ['nope eq 1', '"nope" is not an attribute of User resources'],
    ['groups.value eq "x"', 'the attribute "groups.value" cannot be used in filters'],
    ['serial eq "x"', 'the attribute "serial" cannot be used in filters'],
    ['emails.display eq "x" and tokens.nope pr', 'check the sub-attribute "nope"'],
    ['active gt true', 'the operator "gt" cannot be used with "active"'],
    ['active eq "yes"', 'not a valid boolean'],
    ['loginCount sw 1', 'the operator "sw" cannot be used'],
    ['lastSeen eq "soon"', 'not a valid dateTime'],
    ['name eq "x"', 'is a complex attribute'],
    ['emails[nope eq "x"]', 'is not a sub-attribute of "emails"'],
    ['userName[value eq "x"]', 'not a complex attribute'],
    ['score gt null', 'only eq and ne accept null'],
  ])('refuses %s with invalid_filter', (filter, message) => {
    const error = failure(() => compile(filter));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain(message);
  });

  it('refuses sub-attributes the jsonb mapping does not list', () => {
    const mapping = (path: string): SqlColumn | undefined =>
      path === 'emails'
        ? {
            kind: 'jsonArray',
            sql: 'u.emails',
            subAttributes: { value: { type: 'string', caseExact: false } },
            exists: jsonbElements('u.emails'),
          }
        : undefined;
    const error = failure(() =>
      compileFilter(
        parseFilter('emails[type eq "work"]'),
        FIXTURE_SCHEMA,
        FIXTURE_COMMON,
        mapping,
        new SqlParams(),
      ),
    );
    expect(error.detail).toContain('"emails.type" cannot be used in filters');
  });
});

describe('compileFilter with relation columns (values stored as rows of another table)', () => {
  const relationMapping = (path: string): SqlColumn | undefined => {
    switch (path) {
      case 'emails':
        return {
          kind: 'relation',
          subAttributes: {
            value: { sql: 'r.value', type: 'string', caseExact: false },
            type: { sql: 'r.type', type: 'string', caseExact: false },
            primary: { sql: 'r.is_primary', type: 'boolean', caseExact: false },
          },
          exists: (condition) =>
            `EXISTS (SELECT 1 FROM thing_emails r WHERE r.thing_id = u.id AND ${condition})`,
        };
      case 'groups':
        return {
          kind: 'relation',
          subAttributes: {
            value: { sql: 'm.group_id', type: 'string', caseExact: true, uuid: true },
          },
          exists: (condition) =>
            `EXISTS (SELECT 1 FROM memberships m WHERE m.thing_id = u.id AND ${condition})`,
        };
      default:
        return fixtureMapping(path);
    }
  };
  const EMAILS = (condition: string) =>
    `EXISTS (SELECT 1 FROM thing_emails r WHERE r.thing_id = u.id AND ${condition})`;
  const GROUPS = (condition: string) =>
    `EXISTS (SELECT 1 FROM memberships m WHERE m.thing_id = u.id AND ${condition})`;
  const ID = '2819c223-7f76-453a-919d-413861904646';

  function compileWith(filter: string) {
    const params = new SqlParams();
    const sql = compileFilter(
      parseFilter(filter),
      FIXTURE_SCHEMA,
      FIXTURE_COMMON,
      relationMapping,
      params,
    );
    return { sql, params: params.values };
  }

  it.each([
    ['emails pr', EMAILS('TRUE'), []],
    ['emails eq null', `NOT (${EMAILS('TRUE')})`, []],
    ['emails.type pr', EMAILS("(r.type IS NOT NULL AND r.type <> '')"), []],
    ['emails eq "A@x.com"', EMAILS('lower(r.value) = lower($1::text)'), ['A@x.com']],
    ['emails.value co "@x"', EMAILS("lower(r.value) LIKE lower($1::text) ESCAPE '\\'"), ['%@x%']],
    ['emails.primary eq true', EMAILS('r.is_primary = $1::boolean'), [true]],
    [
      'emails[type eq "work" and value sw "a"]',
      EMAILS(
        "(lower(r.type) = lower($1::text) AND lower(r.value) LIKE lower($2::text) ESCAPE '\\')",
      ),
      ['work', 'a%'],
    ],
    [
      'not (emails[type eq "work"])',
      `(${EMAILS('lower(r.type) = lower($1::text)')}) IS NOT TRUE`,
      ['work'],
    ],
  ])('compiles %s through the mapping’s exists()', (filter, sql, params) => {
    expect(compileWith(filter)).toEqual({ sql, params });
  });

  it('compares a uuid sub-attribute as a uuid, lowercased, so an index serves eq', () => {
    expect(compileWith(`groups eq "${ID.toUpperCase()}"`)).toEqual({
      sql: GROUPS('m.group_id = $1::uuid'),
      params: [ID],
    });
    expect(compileWith(`groups[value ne "${ID}"]`)).toEqual({
      sql: GROUPS('m.group_id IS DISTINCT FROM $1::uuid'),
      params: [ID],
    });
  });

  it('matches nothing, without a parameter, when a uuid is compared with a non-UUID', () => {
    expect(compileWith('groups.value eq "not-a-uuid"')).toEqual({
      sql: GROUPS('FALSE'),
      params: [],
    });
    expect(compileWith('groups[value ne "x"]')).toEqual({ sql: GROUPS('TRUE'), params: [] });
  });

  it('compares the text form of a uuid for the other operators and presence', () => {
    expect(compileWith('groups.value sw "2819"')).toEqual({
      sql: GROUPS("(m.group_id)::text LIKE $1::text ESCAPE '\\'"),
      params: ['2819%'],
    });
    expect(compileWith('groups.value pr').sql).toBe(
      GROUPS("((m.group_id)::text IS NOT NULL AND (m.group_id)::text <> '')"),
    );
  });

  it.each([
    ['emails.display eq "x"', 'the attribute "emails.display" cannot be used in filters'],
    ['emails[display eq "x"]', 'the attribute "emails.display" cannot be used in filters'],
    ['emails.primary gt true', 'the operator "gt" cannot be used with "emails.primary"'],
    ['emails.primary co "x"', 'the operator "co" cannot be used'],
    ['emails[nope eq "x"]', 'is not a sub-attribute of "emails"'],
  ])('refuses %s with invalid_filter', (filter, message) => {
    const error = failure(() => compileWith(filter));
    expect(error.code).toBe('invalid_filter');
    expect(error.detail).toContain(message);
  });

  it('never puts values into the SQL text', () => {
    const { sql } = compileWith(`emails[value eq "'; DROP TABLE x; --"] or groups eq "' OR 1=1"`);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('1=1');
  });
});

/**
 * Runs compiled filters on a real database (embedded PGlite, or the PostgreSQL server in DATABASE_URL)
 * and checks that they select exactly the rows the in-memory evaluator matches.
 */
import { PGlite } from '@electric-sql/pglite';
import { DomainError } from '@rollcall/common';
import fc from 'fast-check';
import { Client } from 'pg';
import type { AttributePath, Filter, FilterValue } from './ast';
import { compileMatcher } from './evaluate';
import { formatFilter } from './format';
import { parseFilter } from './parser';
import { compileFilter, SqlParams, type SqlMapping } from './sql';
import { filterTree, logical, OPERATORS, tokenSoup } from './testing/arbitraries';
import { EXT_ALIAS, EXT_URN, FIXTURE_COMMON, FIXTURE_SCHEMA } from './testing/fixtures';
import { fixtureMapping } from './testing/sql-mapping';

interface Database {
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function openDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) {
    const client = new Client({ connectionString: url });
    await client.connect();
    return {
      query: async (sql, params) =>
        (await client.query(sql, params)).rows as Record<string, unknown>[],
      close: () => client.end(),
    };
  }
  const pglite = new PGlite();
  return {
    query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows,
    close: () => pglite.close(),
  };
}

const CREATE_TABLE = `
  CREATE TEMP TABLE things (
    id text PRIMARY KEY, external_id text, user_name text NOT NULL, display_name text, title text,
    nick_name text, code text, active boolean, login_count integer, score numeric,
    last_seen timestamptz(3), given_name text, family_name text, middle_name text,
    emails jsonb, email_values text[], tokens jsonb, created_at timestamptz(3),
    updated_at timestamptz(3), department text, manager_id text
  )`;

/** Stores a SCIM document the way a repository would: columns, jsonb arrays, a lower(value) index. */
const INSERT = `
  INSERT INTO things
  SELECT d->>'id', d->>'externalId', d->>'userName', d->>'displayName', d->>'title',
    d->>'nickName', d->>'code', (d->>'active')::boolean, (d->>'loginCount')::integer,
    (d->>'score')::numeric, (d->>'lastSeen')::timestamptz, d->'name'->>'givenName',
    d->'name'->>'familyName', d->'name'->>'middleName', d->'emails',
    ARRAY(SELECT lower(e->>'value') FROM jsonb_array_elements(COALESCE(d->'emails', '[]')) AS e),
    d->'tokens', (d->'meta'->>'created')::timestamptz, (d->'meta'->>'lastModified')::timestamptz,
    d->'${EXT_URN}'->>'department', d->'${EXT_URN}'->'manager'->>'value'
  FROM (SELECT $1::jsonb AS d) AS source`;

const WORDS = [
  'alice',
  'Alice',
  'ALICE',
  'bob',
  'Bob Smith',
  'a%b',
  'a_b',
  'back\\slash',
  '',
  'Zed',
  'x',
];
const DATES = ['2024-01-01T00:00:00.000Z', '2024-03-01T10:00:00.000Z', '2023-12-31T23:59:59.999Z'];

const word = fc.constantFrom(...WORDS);
const date = fc.constantFrom(...DATES);
const optional = { requiredKeys: [] as never[] };

const documentArbitrary = fc.record(
  {
    externalId: word,
    userName: word.filter((w) => w !== ''),
    displayName: word,
    title: word,
    nickName: word,
    code: word,
    active: fc.boolean(),
    loginCount: fc.integer({ min: -5, max: 10 }),
    score: fc.constantFrom(0, 1, 2.5, -3, 7),
    lastSeen: date,
    name: fc.record({ givenName: word, familyName: word, middleName: word }, optional),
    emails: fc.array(
      fc.record(
        {
          value: fc.constantFrom('a@x.com', 'A@X.com', 'b@y.org', 'a%b@x.com', ''),
          type: fc.constantFrom('work', 'home', 'WORK'),
          primary: fc.boolean(),
          display: word,
        },
        optional,
      ),
      { maxLength: 3 },
    ),
    tokens: fc.array(fc.record({ value: word, type: word }, optional), { maxLength: 2 }),
    meta: fc.record({ created: date, lastModified: date }),
    [EXT_URN]: fc.record({ department: word, manager: fc.record({ value: word }) }, optional),
  },
  { requiredKeys: ['userName', 'meta'] },
);

const DOCUMENTS: Record<string, unknown>[] = fc
  .sample(documentArbitrary, { numRuns: 40, seed: 20240601 })
  .map((document, index) => ({ ...document, id: `d${String(index).padStart(2, '0')}` }));

const value: fc.Arbitrary<FilterValue> = fc.oneof(
  word,
  fc.constantFrom('a@x.com', '@x.com', 'x.com', 'work', 'WORK', 'True', 'false', '2.5', '7'),
  date,
  fc.constantFrom('2024-01-01', '2024-03-01T11:00:00+01:00'),
  fc.constantFrom(0, 1, 2.5, -3, 7, 1e21),
  fc.boolean(),
  fc.constant(null),
);

const TOP_PATHS = [
  'userName',
  'displayName',
  'title',
  'nickName',
  'code',
  'active',
  'loginCount',
  'score',
  'lastSeen',
  'name.givenName',
  'name.familyName',
  'name',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'emails.display',
  'tokens',
  'tokens.value',
  'tokens.type',
  'id',
  'externalId',
  'meta.created',
  'meta.lastModified',
  'department',
  `${EXT_URN}:department`,
  `${EXT_ALIAS}:manager.value`,
  'manager',
  'groups',
  'serial',
  'nope',
]
  .map((text) => parseFilter(`${text} pr`))
  .map((filter) => (filter.kind === 'present' ? filter.path : { name: 'unreachable' }));

function leaf(paths: fc.Arbitrary<AttributePath>): fc.Arbitrary<Filter> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      path: paths,
      operator: fc.constantFrom(...OPERATORS),
      value,
    }),
    fc.record({ kind: fc.constant('present' as const), path: paths }),
  );
}

const subPath = (...names: string[]) => fc.constantFrom(...names).map((name) => ({ name }));

const fixtureFilter: fc.Arbitrary<Filter> = logical(
  fc.oneof(
    { weight: 5, arbitrary: leaf(fc.constantFrom(...TOP_PATHS)) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('valuePath' as const),
        path: fc.constantFrom({ name: 'emails' }, { name: 'tokens' }),
        filter: logical(leaf(subPath('value', 'type', 'primary', 'display')), 2),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('valuePath' as const),
        path: fc.constantFrom({ name: 'name' }, { name: 'manager' }),
        filter: logical(leaf(subPath('givenName', 'familyName', 'value')), 1),
      }),
    },
  ),
  3,
);

type Outcome = { ids: string[] } | { error: DomainError };

function attempt(run: () => string[]): Outcome {
  try {
    return { ids: run() };
  } catch (error) {
    if (error instanceof DomainError) return { error };
    throw error;
  }
}

describe('compiled filters on a real database', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase();
    await db.query(CREATE_TABLE, []);
    for (const document of DOCUMENTS) await db.query(INSERT, [JSON.stringify(document)]);
  });

  afterAll(async () => {
    await db.close();
  });

  async function select(filter: Filter): Promise<Outcome> {
    const params = new SqlParams();
    const compiled = attempt(() => [
      compileFilter(filter, FIXTURE_SCHEMA, FIXTURE_COMMON, fixtureMapping, params),
    ]);
    if ('error' in compiled) return compiled;
    const rows = await db.query(
      `SELECT u.id FROM things AS u WHERE ${compiled.ids[0]} ORDER BY u.id`,
      params.values,
    );
    return { ids: rows.map((row) => String(row.id)).sort() };
  }

  function evaluate(filter: Filter): Outcome {
    return attempt(() => {
      const matcher = compileMatcher(filter, FIXTURE_SCHEMA, FIXTURE_COMMON);
      return DOCUMENTS.filter(matcher)
        .map((document) => String(document.id))
        .sort();
    });
  }

  async function selectText(text: string): Promise<string[]> {
    const outcome = await select(parseFilter(text));
    if ('error' in outcome) throw outcome.error;
    return outcome.ids;
  }

  it('stores the fixture documents', async () => {
    const rows = await db.query('SELECT count(*)::int AS n FROM things', []);
    expect(rows[0].n).toBe(DOCUMENTS.length);
  });

  it.each([
    'userName eq "alice"',
    'userName sw "A"',
    'userName co "%"',
    'userName co "_"',
    'userName ew "\\\\slash"',
    'code eq "Alice"',
    'code gt "Zed"',
    'active eq "True" and loginCount ge 3',
    'score lt 2.5 or score eq null',
    'lastSeen gt "2024-01-01T00:00:00Z"',
    'title pr',
    'not (title pr)',
    'emails eq "a@x.com"',
    'emails[type eq "work" and value co "@x.com"]',
    'emails[primary eq true and type eq "home"]',
    'not (emails[value eq "A@X.COM"])',
    'emails pr and not (emails.value pr)',
    'tokens eq "Alice"',
    'name[givenName eq "bob" or familyName pr]',
    `${EXT_URN}:manager.value eq "x" or department ne "x"`,
    'meta.lastModified ge "2024-03-01T11:00:00+01:00"',
  ])('selects what the evaluator matches: %s', async (text) => {
    const filter = parseFilter(text);
    expect(await select(filter)).toEqual(evaluate(filter));
  });

  it('finds rows through the value index prefilter', async () => {
    const expected = DOCUMENTS.filter((document) =>
      ((document.emails ?? []) as { value?: string }[]).some(
        (email) => email.value?.toLowerCase() === 'a@x.com',
      ),
    ).map((document) => String(document.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(await selectText('emails[value eq "A@x.COM"]')).toEqual(expected.sort());
  });

  it('agrees with the evaluator on generated filters', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureFilter, async (filter) => {
        const expected = evaluate(filter);
        const actual = await select(filter);
        if ('error' in expected) {
          expect(actual).toMatchObject({ error: { code: 'invalid_filter' } });
        } else if ('error' in actual) {
          // Only the mapping may refuse what the evaluator accepts (attributes without columns).
          expect(actual.error.detail).toContain('cannot be used in filters');
        } else {
          expect(actual.ids).toEqual(expected.ids);
        }
      }),
      { numRuns: 600 },
    );
  });

  describe('with emails stored as rows of another table (a relation column)', () => {
    const emailRows: SqlMapping = (path) =>
      path === 'emails'
        ? {
            kind: 'relation',
            subAttributes: {
              value: { sql: 'r.value', type: 'string', caseExact: false },
              type: { sql: 'r.type', type: 'string', caseExact: false },
              primary: { sql: 'r.is_primary', type: 'boolean', caseExact: false },
              display: { sql: 'r.display', type: 'string', caseExact: false },
            },
            exists: (condition) =>
              `EXISTS (SELECT 1 FROM thing_emails r WHERE r.thing_id = u.id AND ${condition})`,
          }
        : fixtureMapping(path);
    // `groups` (absent from the documents) as memberships of uuid group ids.
    const groupRows: SqlMapping = (path) =>
      path === 'groups'
        ? {
            kind: 'relation',
            subAttributes: {
              value: { sql: 'm.group_id', type: 'string', caseExact: true, uuid: true },
            },
            exists: (condition) =>
              `EXISTS (SELECT 1 FROM memberships m WHERE m.thing_id = u.id AND ${condition})`,
          }
        : emailRows(path);
    const GROUP = '2819c223-7f76-453a-919d-413861904646';

    beforeAll(async () => {
      await db.query(
        `CREATE TEMP TABLE thing_emails AS
         SELECT u.id AS thing_id, e->>'value' AS value, e->>'type' AS type,
           (e->>'primary')::boolean AS is_primary, e->>'display' AS display
         FROM things u, jsonb_array_elements(COALESCE(u.emails, '[]')) AS e`,
        [],
      );
      await db.query('CREATE TEMP TABLE memberships (thing_id text, group_id uuid NOT NULL)', []);
      await db.query(
        `INSERT INTO memberships VALUES ('d00', $1::uuid), ('d01', $1::uuid),
           ('d01', gen_random_uuid())`,
        [GROUP],
      );
    });

    async function selectWith(filter: Filter, mapping = emailRows): Promise<Outcome> {
      const params = new SqlParams();
      const compiled = attempt(() => [
        compileFilter(filter, FIXTURE_SCHEMA, FIXTURE_COMMON, mapping, params),
      ]);
      if ('error' in compiled) return compiled;
      const rows = await db.query(
        `SELECT u.id FROM things AS u WHERE ${compiled.ids[0]} ORDER BY u.id`,
        params.values,
      );
      return { ids: rows.map((row) => String(row.id)).sort() };
    }

    it.each([
      'emails pr',
      'emails eq null',
      'emails eq "a@x.com"',
      'emails.value pr',
      'emails[type eq "work" and value co "@x.com"]',
      'emails[primary eq true and type eq "home"]',
      'not (emails[value eq "A@X.COM"])',
      'emails pr and not (emails.value pr)',
      'emails.display sw "a" or emails.type ne "work"',
    ])('selects what the evaluator matches: %s', async (text) => {
      const filter = parseFilter(text);
      expect(await selectWith(filter)).toEqual(evaluate(filter));
    });

    it('agrees with the evaluator on generated filters', async () => {
      await fc.assert(
        fc.asyncProperty(fixtureFilter, async (filter) => {
          const expected = evaluate(filter);
          const actual = await selectWith(filter);
          if ('error' in expected) {
            expect(actual).toMatchObject({ error: { code: 'invalid_filter' } });
          } else if ('error' in actual) {
            expect(actual.error.detail).toContain('cannot be used in filters');
          } else {
            expect(actual.ids).toEqual(expected.ids);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('matches uuid values in any case, and nothing for a value that is not a UUID', async () => {
      const ids = async (text: string) => {
        const outcome = await selectWith(parseFilter(text), groupRows);
        if ('error' in outcome) throw outcome.error;
        return outcome.ids;
      };
      expect(await ids(`groups eq "${GROUP}"`)).toEqual(['d00', 'd01']);
      expect(await ids(`groups[value eq "${GROUP.toUpperCase()}"]`)).toEqual(['d00', 'd01']);
      expect(await ids(`groups[value ne "${GROUP}"]`)).toEqual(['d01']);
      expect(await ids('groups.value eq "2819c223"')).toEqual([]);
      expect(await ids('groups.value sw "2819c223"')).toEqual(['d00', 'd01']);
      expect(await ids('groups pr')).toEqual(['d00', 'd01']);
      expect((await ids('not (groups eq "nope")')).length).toBe(DOCUMENTS.length);
    });
  });

  it('compiles any parsed text to SQL that runs, or refuses it with invalid_filter', async () => {
    const text = fc.oneof(
      tokenSoup,
      filterTree.map(formatFilter),
      fixtureFilter.map(formatFilter),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(text, async (filterText) => {
        let filter: Filter;
        try {
          filter = parseFilter(filterText);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_filter' });
          return;
        }
        const outcome = await select(filter);
        if ('error' in outcome) expect(outcome.error.code).toBe('invalid_filter');
      }),
      { numRuns: 600 },
    );
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { type DatabaseConfig, observeStatements } from '@rollcall/common';
import { dataSourceOptions, migrateToLatest } from '@rollcall/database';
import { adminQuery, serverUrl, withDatabase } from '../../../../test/support/test-database';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const TEST_ACTOR = { type: 'system', worker: 'users-insert.spec' } as const;
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';

/**
 * `UsersRepository.insert` writes a user with one hand-written INSERT (the hot path of SCIM
 * creates) instead of TypeORM's persistence, so nothing but this suite keeps that statement, the
 * UserEntity and the migrated `users` table in agreement. It reads the statement the repository
 * really sends (through the statement log, so the SQL is not copied here) and checks it against
 * TypeORM's metadata of UserEntity and against `information_schema` of a database migrated from
 * scratch: the column list, the placeholders and their values, the types, the defaults of what it
 * leaves out; then that every value lands in its own column.
 *
 * On the embedded database by default and on PostgreSQL when DATABASE_URL is set.
 */
describe('the hand-written users INSERT', () => {
  let database: { config: DatabaseConfig; drop(): Promise<void> };
  let dataSource: DataSource;
  let users: UsersRepository;
  let organizationId: string;
  let licensePoolId: string;
  let table: Map<string, TableColumn>;

  beforeAll(async () => {
    database = await emptyDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.config)).initialize();
    // Every migration, from an empty database: a migration that drifts from the entity fails below.
    expect(await migrateToLatest(dataSource)).toHaveLength(dataSource.migrations.length);
    users = new UsersRepository(dataSource);
    table = await tableColumns(dataSource, 'users');
    [{ id: organizationId }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO organizations (name, slug, plan, total_licenses)
       VALUES ('Insert spec', 'insert-spec', 'enterprise', 10) RETURNING id`,
    );
    [{ id: licensePoolId }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity)
       VALUES ($1, 'Default license pool', true, 10) RETURNING id`,
      [organizationId],
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const metadata = () => dataSource.getMetadata(UserEntity);

  /** The entity's columns, one per database column (a relation's join column is listed once). */
  function entityColumns(): ColumnMetadata[] {
    const byName = new Map<string, ColumnMetadata>();
    for (const column of metadata().columns) {
      if (!byName.has(column.databaseName)) byName.set(column.databaseName, column);
    }
    return [...byName.values()];
  }

  /** What TypeORM's `save()` leaves to the database: generated ids and the create/update dates. */
  const generatedByDatabase = (column: ColumnMetadata) =>
    column.generationStrategy !== undefined || column.isCreateDate || column.isUpdateDate;

  /** The column's type as PostgreSQL names it (`regtype`), from the entity's declaration. */
  async function entityType(column: ColumnMetadata): Promise<string> {
    const declared = dataSource.driver.normalizeType(column);
    const [{ type }] = await dataSource.query<{ type: string }[]>(
      'SELECT $1::regtype::text AS type',
      [`${declared}${column.isArray ? '[]' : ''}`],
    );
    return type;
  }

  /** The default the entity expects the table to have, in PostgreSQL's spelling minus casts. */
  function entityDefault(column: ColumnMetadata): string | undefined {
    if (column.generationStrategy === 'uuid') return 'gen_random_uuid()'; // uuidExtension: pgcrypto
    if (column.generationStrategy !== undefined) {
      throw new Error(
        `${column.databaseName}: generation ${column.generationStrategy} is unknown here`,
      );
    }
    return dataSource.driver.normalizeDefault(column);
  }

  /**
   * Runs `insert` for a user (outside or inside a transaction) and answers the INSERT statement
   * and parameters the repository sent, as the statement log saw them.
   */
  async function captureInsert(
    user: UserEntity,
    { ifNameFree, inTransaction }: { ifNameFree: boolean; inTransaction: boolean },
  ): Promise<{ statement: ParsedInsert; parameters: readonly unknown[]; inserted: UserEntity }> {
    const seen: { text: string; parameters: readonly unknown[] }[] = [];
    const stop = observeStatements((text, parameters) => {
      if (/^\s*(WITH\s+\w+\s+AS\s+\(\s*)?INSERT\s+INTO\s+"?users"?\s*\(/i.test(text))
        seen.push({ text, parameters: parameters ?? [] });
    });
    let inserted: UserEntity | null;
    try {
      const run = (manager: EntityManager) =>
        users.insert(user, TEST_ACTOR, manager, { ifNameFree });
      inserted = inTransaction ? await dataSource.transaction(run) : await run(dataSource.manager);
    } finally {
      stop();
    }
    expect(seen).toHaveLength(1);
    if (!inserted) throw new Error('insert answered null for a free userName');
    const [{ text, parameters }] = seen;
    return { statement: parseInsert(text), parameters, inserted };
  }

  /**
   * A user with a distinct, non-default value in every column the entity writes (so that two
   * values swapped between columns read back differently), or with null in every nullable one.
   */
  function aUser(fill: 'every column' | 'nulls where allowed'): UserEntity {
    const user = new UserEntity();
    const tag = randomBytes(3).toString('hex');
    // Foreign keys and check constraints: values the table accepts, none the default.
    const fixed: Record<string, unknown> = {
      organization_id: organizationId,
      license_pool_id: licensePoolId,
      user_name: `user-${tag}@example.com`,
      role: 'group_admin',
      license_tier: 'pro',
      status: 'pending',
    };
    entityColumns().forEach((column, index) => {
      if (generatedByDatabase(column) || column.isVersion) return;
      const name = column.databaseName;
      let value: unknown;
      if (name in fixed) value = fixed[name];
      else if (fill === 'nulls where allowed' && column.isNullable) value = null;
      else value = distinctValue(column, `${name}-${tag}`, index);
      column.setEntityValue(user, value);
    });
    return user;
  }

  function distinctValue(column: ColumnMetadata, text: string, index: number): unknown {
    const type = dataSource.driver.normalizeType(column);
    if (column.isArray && (type === 'text' || type === 'character varying')) return [text];
    switch (type) {
      case 'character varying':
      case 'text':
        return column.length ? text.slice(0, Number(column.length)) : text;
      case 'uuid':
        return randomUUID();
      case 'jsonb':
        return [{ value: text, primary: index % 2 === 0 }];
      case 'boolean':
        return column.default !== true;
      case 'timestamp with time zone':
        return new Date(Date.UTC(2024, 0, 1, 0, 0, 0, index + 1));
      case 'integer':
        return index + 1;
      default:
        throw new Error(`${column.databaseName}: no distinct value for type ${type}; add one here`);
    }
  }

  it('the entity and the migrated table agree: columns, types, nullability, lengths, defaults', async () => {
    const columns = entityColumns();
    expect(columns.map((c) => c.databaseName).sort()).toEqual([...table.keys()].sort());
    const disagreements: string[] = [];
    for (const column of columns) {
      const actual = table.get(column.databaseName);
      if (!actual) continue;
      const name = column.databaseName;
      const type = await entityType(column);
      if (type !== actual.type) disagreements.push(`${name}: entity ${type}, table ${actual.type}`);
      if (column.isNullable !== actual.nullable) {
        disagreements.push(
          `${name}: entity nullable ${column.isNullable}, table ${actual.nullable}`,
        );
      }
      if (column.length && Number(column.length) !== actual.maxLength) {
        disagreements.push(`${name}: entity length ${column.length}, table ${actual.maxLength}`);
      }
      if (typeof column.precision === 'number' && column.precision !== actual.datetimePrecision) {
        disagreements.push(
          `${name}: entity precision ${column.precision}, table ${actual.datetimePrecision}`,
        );
      }
      const expected = entityDefault(column);
      if (expected !== actual.default) {
        disagreements.push(`${name}: entity default ${expected}, table default ${actual.default}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  for (const variant of [
    { ifNameFree: false, inTransaction: false },
    { ifNameFree: true, inTransaction: true },
  ]) {
    const name = `ifNameFree ${variant.ifNameFree}, ${variant.inTransaction ? 'in' : 'outside'} a transaction`;

    it(`writes every column the entity writes, once, and only those (${name})`, async () => {
      const { statement, parameters } = await captureInsert(aUser('every column'), variant);
      expect(statement.table).toBe('users');
      const duplicates = statement.columns.filter((c, i) => statement.columns.indexOf(c) !== i);
      expect(duplicates).toEqual([]);
      const known = new Set(entityColumns().map((c) => c.databaseName));
      expect(statement.columns.filter((c) => !known.has(c) || !table.has(c))).toEqual([]);
      const insertable = entityColumns().filter((c) => !generatedByDatabase(c));
      expect([...statement.columns].sort()).toEqual(insertable.map((c) => c.databaseName).sort());
      // One value per column; no parameter in two columns' values; every parameter used, the
      // ones no value uses in the WHERE clause (the pools' fingerprint) or, the last one (the
      // actor), by the event the same statement writes.
      expect(statement.values).toHaveLength(statement.columns.length);
      const perValue = statement.values.map((v) => new Set(placeholdersOf(v)));
      const inValues = perValue.flatMap((set) => [...set]);
      expect(inValues.filter((p, i) => inValues.indexOf(p) !== i)).toEqual([]);
      const used = new Set([...inValues, ...placeholdersOf(statement.where)]);
      expect([...used].sort((a, b) => a - b)).toEqual(
        parameters.slice(0, -1).map((_p, i) => i + 1),
      );
      expect(parameters.at(-1)).toBe(JSON.stringify(TEST_ACTOR));
      expect(statement.text).toContain(`$${parameters.length}::jsonb, 'user', u.id`);
    });

    it(`leaves out only columns the database fills as the entity declares, and reads them back (${name})`, async () => {
      const { statement } = await captureInsert(aUser('every column'), variant);
      const omitted = entityColumns().filter((c) => !statement.columns.includes(c.databaseName));
      expect(omitted.length).toBeGreaterThan(0);
      const problems = omitted.flatMap((column) => {
        const name = column.databaseName;
        const tableDefault = table.get(name)?.default;
        if (!generatedByDatabase(column)) return [`${name}: left out, but save() writes it`];
        if (tableDefault === undefined) return [`${name}: left out, and the table has no default`];
        if (tableDefault !== entityDefault(column)) {
          return [`${name}: table default ${tableDefault}, entity ${entityDefault(column)}`];
        }
        // What the database generated is what `insert` fills in on the entity.
        if (!statement.returning.includes(name) && !statement.returning.includes('*')) {
          return [`${name}: generated, not RETURNING`];
        }
        return [];
      });
      expect(problems).toEqual([]);
    });

    it(`gives every value its column's type: casts, the types PostgreSQL infers, the values sent (${name})`, async () => {
      for (const fill of ['every column', 'nulls where allowed'] as const) {
        const { statement, parameters } = await captureInsert(aUser(fill), variant);
        const inferred = await parameterTypes(dataSource, statement.text);
        expect(inferred).toHaveLength(parameters.length);
        const disagreements: string[] = [];
        for (const [index, column] of statement.columns.entries()) {
          const expression = statement.values[index] ?? '';
          const entity = entityColumns().find((c) => c.databaseName === column);
          const columnType = table.get(column)?.type;
          if (!entity || !columnType) continue; // reported by the column-list test
          const placeholder =
            /^\$(\d+)(?:\s*::\s*(.+))?$/.exec(expression) ??
            (column === 'status' ? RULE_FIVE.exec(expression) : null);
          if (!placeholder) {
            // The one literal `insert` writes: version 1, as save() starts it.
            if (!(entity.isVersion && expression === '1')) {
              disagreements.push(
                `${column}: ${expression} is neither $n, $n::type, rule 5's status nor version 1`,
              );
            }
            continue;
          }
          const position = Number(placeholder[1]);
          const cast = placeholder[2];
          if (cast) {
            const [{ type }] = await dataSource.query<{ type: string }[]>(
              'SELECT $1::regtype::text AS type',
              [cast.trim()],
            );
            if (type !== columnType)
              disagreements.push(`${column}: cast to ${type}, column ${columnType}`);
          }
          if (inferred[position - 1] !== columnType) {
            disagreements.push(
              `${column}: $${position} is ${inferred[position - 1]}, column ${columnType}`,
            );
          }
          const value = parameters[position - 1];
          const problem = valueProblem(columnType, entity.isNullable, value);
          if (problem) disagreements.push(`${column}: $${position} ${problem} (${fill})`);
        }
        expect(disagreements).toEqual([]);
      }
    });

    it(`stores every value in its own column, as TypeORM reads it back (${name})`, async () => {
      for (const fill of ['every column', 'nulls where allowed'] as const) {
        // `insert` fills in only what the database generated (id, dates, version).
        const { inserted } = await captureInsert(aUser(fill), variant);
        const read = await dataSource
          .getRepository(UserEntity)
          .findOneByOrFail({ id: inserted.id });
        const byColumn = (user: UserEntity) =>
          Object.fromEntries(
            entityColumns().map((c) => [c.databaseName, c.getEntityValue(user) as unknown]),
          );
        expect({ fill, columns: byColumn(read) }).toEqual({ fill, columns: byColumn(inserted) });
        expect(read.version).toBe(1);
      }
    });
  }

  it('updates every column insert writes (but the organization), moves version and updated_at once, and writes the events with the row as written', async () => {
    for (const [from, to] of [
      ['every column', 'nulls where allowed'],
      ['nulls where allowed', 'every column'],
    ] as const) {
      const inserted = (await users.insert(aUser(from), TEST_ACTOR, dataSource.manager))!;
      const changed = aUser(to);
      for (const column of entityColumns()) {
        if (generatedByDatabase(column) || column.isVersion) continue;
        if (column.databaseName === 'organization_id') continue;
        column.setEntityValue(inserted, column.getEntityValue(changed));
      }
      const before = inserted.updatedAt;
      await dataSource.transaction((manager) =>
        users.update(
          inserted,
          [{ type: 'user.updated', details: { changed: ['x'] } }],
          TEST_ACTOR,
          manager,
        ),
      );
      const read = await dataSource.getRepository(UserEntity).findOneByOrFail({ id: inserted.id });
      const byColumn = (user: UserEntity) =>
        Object.fromEntries(
          entityColumns().map((c) => [c.databaseName, c.getEntityValue(user) as unknown]),
        );
      expect({ from, columns: byColumn(read) }).toEqual({ from, columns: byColumn(inserted) });
      expect(read.version).toBe(2);
      expect(read.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
      const [event] = await dataSource.query<{ type: string; data: { userName: string } }[]>(
        `SELECT type, data FROM events WHERE subject_id = $1 AND type = 'user.updated'`,
        [inserted.id],
      );
      expect(event).toMatchObject({ type: 'user.updated', data: { userName: read.userName } });
    }
  });

  describe('the pool it writes into', () => {
    const pools = () => new LicensePoolsRepository(dataSource);
    const count = async (userName: string) =>
      (
        await dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM users WHERE user_name = $1',
          [userName],
        )
      )[0]?.n;
    const aPool = async (capacity: number, used: number, organization = organizationId) =>
      (
        await dataSource.query<{ id: string }[]>(
          `INSERT INTO license_pools (organization_id, name, is_default, capacity, used)
           VALUES ($1, $2, false, $3, $4) RETURNING id`,
          [organization, `Pool ${randomBytes(3).toString('hex')}`, capacity, used],
        )
      )[0].id;
    const provisioned = (poolId: string) => {
      const user = aUser('every column');
      user.licensePoolId = poolId;
      user.status = 'provisioned';
      return user;
    };

    it('writes provisioned as pending when the pool has no seat left, as the row is written (rule 5)', async () => {
      const full = await aPool(2, 2);
      const free = await aPool(2, 1);
      expect((await users.insert(provisioned(full), TEST_ACTOR, dataSource.manager))?.status).toBe(
        'pending',
      );
      expect((await users.insert(provisioned(free), TEST_ACTOR, dataSource.manager))?.status).toBe(
        'provisioned',
      );
      // Other statuses are written as sent, full pool or not.
      const deactivated = provisioned(full);
      deactivated.status = 'deactivated';
      expect((await users.insert(deactivated, TEST_ACTOR, dataSource.manager))?.status).toBe(
        'deactivated',
      );
    });

    it("writes nothing into another organization's pool", async () => {
      const [{ id: other }] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO organizations (name, slug, plan, total_licenses)
         VALUES ('Other', $1, 'enterprise', 10) RETURNING id`,
        [`other-${randomBytes(3).toString('hex')}`],
      );
      const user = provisioned(await aPool(5, 0, other));
      expect(await users.insert(user, TEST_ACTOR, dataSource.manager)).toBeNull();
      expect(await count(user.userName)).toBe(0);
    });

    it('writes nothing when the pools are no longer those its fingerprint names, seat counts aside', async () => {
      const poolId = await aPool(5, 0);
      const before = await pools().catalog(organizationId, dataSource.manager);
      expect(before.pools.map((p) => p.id)).toContain(poolId);
      // Seats taken and capacity changed: the same list of pools, the same fingerprint.
      await dataSource.query('UPDATE license_pools SET used = 1, capacity = 7 WHERE id = $1', [
        poolId,
      ]);
      const same = await pools().catalog(organizationId, dataSource.manager);
      expect(same.structure).toBe(before.structure);
      const first = provisioned(poolId);
      expect(
        await users.insert(first, TEST_ACTOR, dataSource.manager, {
          poolStructure: before.structure,
        }),
      ).not.toBeNull();
      for (const change of [
        () =>
          dataSource.query('UPDATE license_pools SET name = $2 WHERE id = $1', [
            poolId,
            `Renamed ${randomBytes(3).toString('hex')}`,
          ]),
        () => aPool(3, 0),
      ]) {
        const stale = (await pools().catalog(organizationId, dataSource.manager)).structure;
        await change();
        const user = provisioned(poolId);
        for (const ifNameFree of [false, true]) {
          expect(
            await users.insert(user, TEST_ACTOR, dataSource.manager, {
              ifNameFree,
              poolStructure: stale,
            }),
          ).toBeNull();
        }
        expect(await count(user.userName)).toBe(0);
        const fresh = (await pools().catalog(organizationId, dataSource.manager)).structure;
        expect(fresh).not.toBe(stale);
        expect(
          await users.insert(user, TEST_ACTOR, dataSource.manager, { poolStructure: fresh }),
        ).not.toBeNull();
      }
    });
  });
});

/** A new database with nothing in it: in-memory PGlite, or an empty database on the server. */
async function emptyDatabase(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  const url = serverUrl();
  if (!url)
    return { config: { kind: 'embedded', dataDir: 'memory://' }, drop: async () => undefined };
  const name = `rollcall_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE "${name}"`);
  return {
    config: { kind: 'postgres', url: withDatabase(url, name), poolSize: 2 },
    drop: () => adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

interface TableColumn {
  /** As `regtype` spells it: `character varying`, `text[]`, `timestamp with time zone`. */
  type: string;
  nullable: boolean;
  maxLength: number | null;
  datetimePrecision: number | null;
  /** Without the trailing casts PostgreSQL adds (`'user'::character varying` is `'user'`). */
  default: string | undefined;
}

async function tableColumns(
  dataSource: DataSource,
  name: string,
): Promise<Map<string, TableColumn>> {
  const rows = await dataSource.query<
    {
      column_name: string;
      type: string;
      is_nullable: 'YES' | 'NO';
      character_maximum_length: number | null;
      datetime_precision: number | null;
      column_default: string | null;
    }[]
  >(
    `SELECT column_name, udt_name::regtype::text AS type, is_nullable, character_maximum_length,
            datetime_precision, column_default
     FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1`,
    [name],
  );
  return new Map(
    rows.map((row) => [
      row.column_name,
      {
        type: row.type,
        nullable: row.is_nullable === 'YES',
        maxLength: row.character_maximum_length,
        datetimePrecision: row.datetime_precision,
        default: row.column_default?.replace(/(::[a-z ]+(\[\])?)+$/, '') ?? undefined,
      },
    ]),
  );
}

/**
 * The type PostgreSQL infers for each parameter of a statement, by preparing it (nothing runs) on
 * one connection and reading `pg_prepared_statements`.
 */
async function parameterTypes(dataSource: DataSource, text: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query(`PREPARE users_insert_spec AS ${text}`);
    const [row] = (await runner.query(
      `SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = 'users_insert_spec'`,
    )) as { types: string[] }[];
    await runner.query('DEALLOCATE users_insert_spec');
    return row?.types ?? [];
  } finally {
    await runner.release();
  }
}

/** Why a parameter value does not fit a column of this type, or undefined when it does. */
function valueProblem(type: string, nullable: boolean, value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return nullable ? undefined : `is ${String(value)} for a NOT NULL column`;
  }
  const fits = ((): boolean => {
    switch (type) {
      case 'uuid':
        return (
          typeof value === 'string' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(value)
        );
      case 'character varying':
      case 'text':
        return typeof value === 'string';
      case 'text[]':
      case 'character varying[]':
        return Array.isArray(value) && value.every((v) => typeof v === 'string');
      case 'jsonb':
      case 'json':
        // pg sends a JS array as a PostgreSQL array literal, which jsonb refuses or misreads: JSON
        // goes as text (JSON.stringify) or as a plain object.
        return typeof value === 'string'
          ? isJson(value)
          : typeof value === 'object' && !Array.isArray(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'timestamp with time zone':
        return value instanceof Date && !Number.isNaN(value.getTime());
      case 'integer':
        return Number.isInteger(value);
      default:
        return false;
    }
  })();
  return fits ? undefined : `is ${show(value)}, which is not a ${type} value`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function show(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

interface ParsedInsert {
  text: string;
  table: string;
  columns: string[];
  /** One expression per column, as written (`$5`, `$5::uuid`, `1`). */
  values: string[];
  /** The WHERE clause of an INSERT … SELECT ('' for VALUES). */
  where: string;
  returning: string[];
}

/** The `$n` placeholders an SQL fragment uses. */
function placeholdersOf(sql: string): number[] {
  return [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * The status a SCIM create writes: the one sent, or `pending` for `provisioned` in a full pool
 * (SPEC §3 rule 5); its parameter is the one of the ELSE branch.
 */
const RULE_FIVE =
  /^CASE WHEN \$(\d+)::varchar = 'provisioned' AND p\.used >= p\.capacity THEN 'pending' ELSE \$\1::(varchar) END$/;

/**
 * The parts of a one-row `INSERT INTO t (columns) VALUES (values) [ON CONFLICT …] [RETURNING …]`
 * or `INSERT INTO t (columns) SELECT values FROM t2 WHERE … [ON CONFLICT …] [RETURNING …]`.
 */
function parseInsert(text: string): ParsedInsert {
  // WITH u AS (INSERT … RETURNING …), … : the INSERT inside (the statement's text stays whole).
  const cte = /^\s*WITH\s+\w+\s+AS\s+\(/i.exec(text);
  if (cte) {
    const inner = text.slice(cte[0].length, closingParenthesis(text, cte[0].length - 1));
    return { ...parseInsert(inner), text };
  }
  const head = /^\s*INSERT\s+INTO\s+"?(\w+)"?\s*\(/i.exec(text);
  if (!head?.[1]) throw new Error(`not an INSERT INTO t (…): ${text}`);
  const columnsEnd = closingParenthesis(text, head[0].length - 1);
  const afterColumns = text.slice(columnsEnd + 1);
  const unquote = (name: string) => name.trim().replace(/^"(.*)"$/, '$1');
  const columns = splitTopLevel(text.slice(head[0].length, columnsEnd)).map(unquote);
  const returningOf = (rest: string) => {
    const list = /\bRETURNING\s+([\s\S]*)$/i.exec(rest)?.[1];
    return list ? splitTopLevel(list).map(unquote) : [];
  };
  const valuesHead = /^\s*VALUES\s*\(/i.exec(afterColumns);
  if (valuesHead) {
    const valuesStart = columnsEnd + 1 + valuesHead[0].length - 1;
    const valuesEnd = closingParenthesis(text, valuesStart);
    const rest = text.slice(valuesEnd + 1);
    if (/^\s*,/.test(rest)) throw new Error(`more than one row of VALUES: ${text}`);
    const values = splitTopLevel(text.slice(valuesStart + 1, valuesEnd));
    return { text, table: head[1], columns, values, where: '', returning: returningOf(rest) };
  }
  // INSERT … SELECT <one expression per column> FROM <one table> WHERE … [ON CONFLICT …] …
  const select =
    /^\s*SELECT\s+([\s\S]*?)\s+FROM\s+\w+(?:\s+\w+)?\s+WHERE\s+([\s\S]*?)\s*(?:\bON\s+CONFLICT\b[\s\S]*?)?\s*(\bRETURNING\b[\s\S]*)?$/i.exec(
      afterColumns,
    );
  if (!select?.[1] || !select[2]) {
    throw new Error(
      `neither VALUES (…) nor SELECT … FROM t WHERE … after the column list: ${text}`,
    );
  }
  return {
    text,
    table: head[1],
    columns,
    values: splitTopLevel(select[1]),
    where: select[2],
    returning: returningOf(select[3] ?? ''),
  };
}

/** The index of the parenthesis closing the one at `open`, skipping quoted strings. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')' && (depth -= 1) === 0) return i;
  }
  throw new Error(`unbalanced parentheses: ${text}`);
}

/** Splits on the commas outside parentheses and quotes. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i += 1) {
    const c = list[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

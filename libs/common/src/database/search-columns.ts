/**
 * Where a resource's searchable attributes live in its table: the catalog a repository publishes
 * so that a filter compiler (libs/scim's, for SCIM filters) can turn conditions into SQL without
 * knowing a table, a column or a FROM clause. Every entry is fixed SQL written by the repository;
 * the compiler adds only operators and `$n` parameters.
 */

/** The value types a column holds (the RFC 7643 §2.3 data types). */
export type SearchColumnType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export type SearchColumn =
  /** A scalar column expression, e.g. 'u.user_name'. */
  | { kind: 'column'; sql: string; type: SearchColumnType; caseExact: boolean }
  | {
      /** A jsonb column holding an array of objects (emails, phoneNumbers, addresses…). */
      kind: 'jsonArray';
      /** e.g. 'u.emails' */
      sql: string;
      /** Keys lowercased: 'value', 'type', 'primary', 'display'… */
      subAttributes: Record<string, { type: SearchColumnType; caseExact: boolean }>;
      /** Optional text[] column holding lower(value) of every element, GIN-indexed. */
      valueIndex?: string;
      /**
       * SQL that holds when some element, named `alias` (a jsonb object), satisfies `condition`.
       * See `jsonArray` in user-search.repository.ts.
       */
      exists: (alias: string, condition: string) => string;
    }
  | {
      /** A multi-valued complex attribute stored as rows of another table (a group's members). */
      kind: 'relation';
      /** Keys lowercased ('value', 'display', 'type'): SQL expressions over the related row. */
      subAttributes: Record<string, RelationSubAttribute>;
      /**
       * SQL that holds when some related row satisfies `condition` (a boolean SQL expression over
       * the related row). Fixed SQL: the condition carries the only parameters.
       */
      exists: (condition: string) => string;
    };

/** A sub-attribute of a `relation` column: an expression over the related row. */
export interface RelationSubAttribute {
  sql: string;
  type: SearchColumnType;
  caseExact: boolean;
  /**
   * The expression is a uuid column: `eq`/`ne` compare it as a uuid (so an index on it serves
   * them) and a value that is not a UUID matches nothing; other operators compare its text form.
   */
  uuid?: boolean;
}

/** A scalar text column; case-insensitive unless `caseExact`. */
export function textColumn(sql: string, caseExact = false): SearchColumn {
  return { kind: 'column', sql, type: 'string', caseExact };
}

/** A timestamp column (SCIM's dateTime). */
export function timeColumn(sql: string): SearchColumn {
  return { kind: 'column', sql, type: 'dateTime', caseExact: false };
}

/**
 * A page of a search compiled over a repository's catalog: `where` is made of the catalog's
 * expressions and operators, its values `$n` parameters after the organization's `$1`; `orderBy` is
 * one of the catalog's sort expressions (then by created_at, id).
 */
export interface CatalogSearch {
  where?: string;
  params?: unknown[];
  orderBy?: string;
  descending?: boolean;
  offset: number;
  limit: number;
  /** Cursor paging (RFC 9865): the rows after (or before) a position instead of an offset. */
  keyset?: Keyset;
  /**
   * The filter matches at most one row (an `eq` on an attribute unique within the organization,
   * such as userName): the repository may read the row alone and count what it read.
   */
  atMostOne?: boolean;
}

/**
 * A position in a catalog search's order (sort key, created_at, id), as a cursor carries it, and
 * which way to read from it: `after` reads on in the search's order, `before` reads back (the
 * rows come newest-first from SQL, the caller turns them round). `inclusive`: the row at the
 * position itself is included.
 */
export interface Keyset {
  direction: 'after' | 'before';
  inclusive: boolean;
  /** The sort expression's value as text (`expr::text`), null when the row had none; absent when unsorted. */
  sortKey?: string | null;
  /** created_at as ISO 8601 (milliseconds, as stored). */
  createdAt: string;
  id: string;
}

/** A catalog: searchable attributes by lowercased name. */
export type SearchColumns = Readonly<Record<string, SearchColumn>>;

/** A catalog's (or sort table's) entry for `name`, never one of Object.prototype's. */
export function catalogEntry<T>(catalog: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(catalog, name) ? catalog[name] : undefined;
}

/**
 * Sort expressions of a catalog's scalar columns: case-insensitive text by its lowercase form (as
 * SCIM compares it), everything else as stored. Multi-valued attributes are added by the caller.
 */
export function sortExpressions(columns: SearchColumns): Record<string, string> {
  return Object.fromEntries(
    Object.entries(columns).flatMap(([name, column]) =>
      column.kind === 'column'
        ? [
            [
              name,
              column.type === 'string' && !column.caseExact ? `lower(${column.sql})` : column.sql,
            ],
          ]
        : [],
    ),
  );
}

/**
 * The ordering of a catalog search over the table aliased `alias`: its sort expression (absent
 * values last), then creation time and id, so that pages are stable; by creation when unsorted.
 * Reading back from a cursor (`keyset.direction` before), the same order turned round.
 */
export function catalogOrder(search: CatalogSearch, alias: string): string {
  const back = search.keyset?.direction === 'before';
  const descending = search.orderBy ? search.descending !== back : back;
  const direction = descending ? 'DESC' : 'ASC';
  const nulls = back ? 'NULLS FIRST' : 'NULLS LAST';
  return search.orderBy
    ? `${search.orderBy} ${direction} ${nulls}, ${alias}.created_at ${direction}, ${alias}.id ${direction}`
    : `${alias}.created_at ${direction}, ${alias}.id ${direction}`;
}

/** Where a row stands in a search's order: what a cursor that starts beside it carries. */
export type RowPosition = Pick<Keyset, 'createdAt' | 'id' | 'sortKey'>;

/** The sort key of a row, as a cursor carries it (`Keyset.sortKey`): its text form. */
export function catalogSortKey(search: CatalogSearch): string | undefined {
  return search.orderBy ? `(${search.orderBy})::text` : undefined;
}

/**
 * The condition that keeps the rows on the far side of the search's keyset position, in the
 * search's order (absent sort values last, then created_at, id), with its values as parameters
 * from `param`; undefined without a keyset. The tie on (created_at, id) is a row comparison, so
 * an index on (organization_id, created_at, id) serves an unsorted page as a range scan.
 */
export function catalogKeyset(
  search: CatalogSearch,
  alias: string,
  param: (value: unknown) => string,
): string | undefined {
  const keyset = search.keyset;
  if (!keyset) return undefined;
  const forward = keyset.direction === 'after';
  // In the search's own order, ascending or not (an unsorted search is ascending).
  const ascending = !search.orderBy || !search.descending;
  const beyond = ascending === forward ? '>' : '<';
  const tie = `(${alias}.created_at, ${alias}.id) ${beyond}${keyset.inclusive ? '=' : ''} (${param(keyset.createdAt)}::timestamptz, ${param(keyset.id)}::uuid)`;
  if (!search.orderBy) return tie;
  const key = search.orderBy;
  if (keyset.sortKey === null || keyset.sortKey === undefined) {
    // Among the rows without a value (last in the order): on by the tie; back, every row with one.
    return forward ? `(${key} IS NULL AND ${tie})` : `(${key} IS NOT NULL OR ${tie})`;
  }
  const value = param(keyset.sortKey);
  const past = `(${key} ${beyond} ${value} OR (${key} = ${value} AND ${tie}))`;
  return forward ? `(${past} OR ${key} IS NULL)` : `(${key} IS NOT NULL AND ${past})`;
}

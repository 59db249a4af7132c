import {
  catalogEntry,
  type CatalogSearch,
  DomainError,
  type RowPosition,
  type ServerKeys,
  type SearchColumns,
} from '@rollcall/common';
import { parseAttributeList, parseFilter } from '../filter/parser';
import { resolveAttribute } from '../filter/resolve';
import { compileFilter, type SqlColumn, SqlParams } from '../filter/sql';
import { COMMON_ATTRIBUTES } from '../schema/definitions';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';
import type { Filter } from '../filter/ast';
import { type Paging, parsePaging } from './list';
import { optionalString, type ScimQuery, readSortOrder } from './query';
import { type CursorBinding, CURSOR_KEY_PURPOSE } from './cursor';
import {
  cursorCountResponse,
  cursorListResponse,
  type CursorListResponse,
  type CursorRequest,
  readCursorRequest,
} from './cursor-page';

/** Where a resource type's attributes live in SQL (its repository's catalog), for filtering and sorting. */
export interface ResourceColumns {
  /** By lowercased canonical path (see compileFilter). */
  filter: (canonicalPath: string) => SqlColumn | undefined;
  /** The sort expression of a lowercased canonical path, if it is sortable. */
  sort: (canonicalPath: string) => string | undefined;
}

/** The common attributes' names in a repository's catalog (the resource's timestamps). */
const META_ATTRIBUTES: Readonly<Record<string, string>> = {
  'meta.created': 'created',
  'meta.lastmodified': 'lastmodified',
};

/**
 * A repository's search catalog and sort expressions as a resource's columns: a lowercased
 * canonical path names the catalog entry `rename(path)` (default: the same path), `meta.created`
 * and `meta.lastModified` the catalog's `created` and `lastmodified`.
 */
export function catalogColumns(
  columns: SearchColumns,
  sorts: Readonly<Record<string, string>>,
  rename: (canonicalPath: string) => string = (path) => path,
): ResourceColumns {
  const name = (path: string) => catalogEntry(META_ATTRIBUTES, path) ?? rename(path);
  return {
    filter: (path) => catalogEntry(columns, name(path)),
    sort: (path) => catalogEntry(sorts, name(path)),
  };
}

/** A list or search request compiled to parameterized SQL over the resource's table. */
export interface CompiledSearch {
  paging: Paging;
  search: CatalogSearch & { descending: boolean };
}

/**
 * Turns `filter`, `sortBy`, `sortOrder`, `startIndex` and `count` into SQL (the table's alias and
 * `$1`, the organization id, are the repository's). Shared by /Users and /Groups.
 */
export function compileSearch(
  query: ScimQuery,
  resource: ResourceSchema,
  columns: ResourceColumns,
): CompiledSearch {
  const paging = parsePaging(query.startIndex, query.count);
  const { where, params, orderBy, descending, atMostOne } = compileQuery(query, resource, columns);
  return {
    paging,
    search: {
      ...(where ? { where, params } : {}),
      ...(atMostOne ? { atMostOne } : {}),
      ...(orderBy ? { orderBy } : {}),
      descending,
      offset: paging.startIndex - 1,
      limit: paging.count,
    },
  };
}

/** A cursor-paged list or search request (RFC 9865) compiled to SQL. */
export interface CompiledCursorSearch {
  request: CursorRequest;
  /** `keyset` the request's position; `limit` its count (the repository reads one more). */
  search: CatalogSearch & { descending: boolean };
  /** What the request's cursors are bound to. */
  binding: CursorBinding;
}

/**
 * Like `compileSearch`, for a request that pages by `cursor`: the cursor is opened with `key`
 * and must belong to this organization, resource type, filter and sort (else 400 invalidCursor).
 */
export function compileCursorSearch(
  query: ScimQuery,
  resource: ResourceSchema,
  columns: ResourceColumns,
  organizationId: string,
  key: Buffer,
): CompiledCursorSearch {
  const { where, params, orderBy, descending, filterText, sortBy } = compileQuery(
    query,
    resource,
    columns,
  );
  const binding: CursorBinding = {
    organizationId,
    resource: resource.name,
    filter: filterText,
    sortBy: orderBy ? sortBy?.toLowerCase() : undefined,
    descending: orderBy ? descending : false,
  };
  const request = readCursorRequest(query, key, binding);
  return {
    request,
    search: {
      ...(where ? { where, params } : {}),
      ...(orderBy ? { orderBy } : {}),
      descending,
      offset: 0,
      limit: request.count,
      ...(request.position ? { keyset: request.position } : {}),
    },
    binding,
  };
}

/**
 * A cursor-paged list or search request (RFC 9865) answered, the same for every resource type:
 * the installation's cursor key, the request compiled and its cursor opened, then `count` (for
 * `count=0`, which asks for `totalResults` alone) or `page` (the `count + 1` rows from the
 * position, each with its own position), and the ListResponse with the cursors beside it.
 */
export async function cursorSearch<T>(options: {
  query: ScimQuery;
  resource: ResourceSchema;
  columns: ResourceColumns;
  organizationId: string;
  keys: ServerKeys;
  count: (search: CompiledCursorSearch['search']) => Promise<number>;
  page: (
    search: CompiledCursorSearch['search'],
  ) => Promise<{ resource: T; position: RowPosition }[]>;
}): Promise<CursorListResponse<T>> {
  const key = await options.keys.key(CURSOR_KEY_PURPOSE);
  const { request, search, binding } = compileCursorSearch(
    options.query,
    options.resource,
    options.columns,
    options.organizationId,
    key,
  );
  if (request.count === 0) return cursorCountResponse(await options.count(search));
  return cursorListResponse(request, await options.page(search), key, binding);
}

/** `filter`, `sortBy` and `sortOrder` as SQL. */
function compileQuery(query: ScimQuery, resource: ResourceSchema, columns: ResourceColumns) {
  const common = [...COMMON_ATTRIBUTES];
  const filterText = optionalString('filter', query.filter);
  const params = new SqlParams(2);
  const filter = filterText ? parseFilter(filterText) : undefined;
  const where = filter
    ? compileFilter(filter, resource, common, columns.filter, params)
    : undefined;
  const sortBy = optionalString('sortBy', query.sortBy);
  let orderBy: string | undefined;
  if (sortBy) {
    const [path] = parseAttributeList(sortBy);
    const resolved = path && resolveAttribute(resource, path, common);
    orderBy = resolved ? columns.sort(resolved.canonicalPath.toLowerCase()) : undefined;
    if (!orderBy) {
      throw new DomainError('invalid_value', `${resource.name}s cannot be sorted by "${sortBy}".`);
    }
  }
  return {
    where,
    params: params.values,
    orderBy,
    descending: readSortOrder(query.sortOrder),
    filterText,
    sortBy,
    atMostOne: filter !== undefined && matchesAtMostOne(filter, resource, common),
  };
}

/**
 * An `eq` on a value of an attribute the server keeps unique (`uniqueness: server`: id, userName,
 * a group's displayName), compared as that attribute compares: at most one resource matches.
 */
function matchesAtMostOne(
  filter: Filter,
  resource: ResourceSchema,
  common: AttributeDefinition[],
): boolean {
  if (filter.kind !== 'compare' || filter.operator !== 'eq' || typeof filter.value !== 'string') {
    return false;
  }
  const resolved = resolveAttribute(resource, filter.path, common);
  return (
    resolved !== undefined &&
    resolved.subAttribute === undefined &&
    !resolved.attribute.multiValued &&
    resolved.attribute.uniqueness === 'server'
  );
}

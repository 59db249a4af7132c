/**
 * A SearchRequest sent to the root (RFC 7644 §3.4.3), read and checked in full before anything
 * is searched: its `schemas`, paging, filter (split per resource type, root-filter.ts) and
 * attribute lists (split the same way).
 */
import { DomainError } from '@rollcall/common';
import {
  type AttributePath,
  COMMON_ATTRIBUTES,
  findSchemaScope,
  formatAttributePath,
  formatFilter,
  optionalString,
  type Paging,
  parseFilter,
  parsePaging,
  readProjection,
  resolveAttribute,
  type ResourceSchema,
  type ScimQuery,
  SEARCH_REQUEST,
  searchRequestQuery,
} from '@rollcall/scim';
import { ROOT_TYPES, rootFilterParts } from './root-filter';

type Json = Record<string, unknown>;

/** What one resource type is asked for; `undefined` when the filter rules the type out. */
export type RootTypeQuery = Omit<ScimQuery, 'startIndex' | 'count'> | undefined;

export interface RootSearchRequest {
  paging: Paging;
  /** One entry per resource type, in ROOT_TYPES order (Users, then Groups). */
  types: RootTypeQuery[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(body: Json, name: string): unknown {
  return Object.entries(body).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

/** `schemas` must name the SearchRequest message (RFC 7644 §3.4.3); URNs compare in any case. */
function checkSchemas(body: unknown): asserts body is Json {
  const expected = `"schemas": ["${SEARCH_REQUEST}"]`;
  if (!isObject(body)) {
    throw new DomainError(
      'invalid_syntax',
      `The request body must be a SearchRequest JSON object with ${expected}.`,
    );
  }
  const schemas = field(body, 'schemas');
  const named =
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST.toLowerCase());
  if (!named) {
    throw new DomainError('invalid_syntax', `A SearchRequest body must have ${expected}.`);
  }
}

/** What the root cannot do, refused rather than ignored (a client would get another order). */
function checkUnsupported(query: ScimQuery): void {
  if (query.sortBy !== undefined || query.sortOrder !== undefined) {
    throw new DomainError(
      'invalid_value',
      'sortBy and sortOrder are not supported at the root: results are the users, then the ' +
        'groups, each in creation order. Sort with POST /Users/.search or POST /Groups/.search.',
    );
  }
  if (query.cursor !== undefined) {
    throw new DomainError(
      'invalid_value',
      'Cursor paging is not supported at the root; page with startIndex and count, or by ' +
        'cursor with POST /Users/.search and POST /Groups/.search.',
    );
  }
}

function definedIn(resource: ResourceSchema, path: AttributePath): boolean {
  if (resolveAttribute(resource, path, [...COMMON_ATTRIBUTES])) return true;
  // A whole extension (`urn:…:enterprise:2.0:User`) is a valid attribute list entry too.
  const whole = [path.uri, path.name].filter(Boolean).join(':');
  return path.subAttribute === undefined && findSchemaScope(resource, whole)?.kind === 'extension';
}

/**
 * An attribute list split per type: each type gets the entries it defines. An entry no type
 * defines is invalidValue (as on /Users and /Groups). For `attributes`, a type that defines none of
 * the entries gets `id`, which selects what is always returned, and nothing else.
 */
function splitList(
  name: 'attributes' | 'excludedAttributes',
  paths: AttributePath[] | undefined,
): (string | undefined)[] {
  if (!paths || paths.length === 0) return ROOT_TYPES.map(() => undefined);
  for (const path of paths) {
    if (!ROOT_TYPES.some(({ resource }) => definedIn(resource, path))) {
      throw new DomainError(
        'invalid_value',
        `${name}: "${formatAttributePath(path)}" is not an attribute of User or Group.`,
      );
    }
  }
  return ROOT_TYPES.map(({ resource }) => {
    const own = paths.filter((path) => definedIn(resource, path)).map(formatAttributePath);
    if (own.length > 0) return own.join(',');
    return name === 'attributes' ? 'id' : undefined;
  });
}

export function readRootSearchRequest(body: unknown): RootSearchRequest {
  checkSchemas(body);
  const query = searchRequestQuery(body);
  checkUnsupported(query);
  const paging = parsePaging(query.startIndex, query.count);
  const filterText = optionalString('filter', query.filter);
  const filter = filterText === undefined ? undefined : parseFilter(filterText);
  const parts = filter ? rootFilterParts(filter) : ROOT_TYPES.map(() => true);
  const projection = readProjection(query.attributes, query.excludedAttributes);
  const attributes = splitList('attributes', projection.attributes);
  const excluded = splitList('excludedAttributes', projection.excludedAttributes);
  return {
    paging,
    types: parts.map((part, index) => {
      if (part === false) return undefined;
      return {
        // The filter as written when this type keeps all of it (true: no filter at all).
        ...(part === true ? {} : { filter: part === filter ? filterText : formatFilter(part) }),
        ...(attributes[index] ? { attributes: attributes[index] } : {}),
        ...(excluded[index] ? { excludedAttributes: excluded[index] } : {}),
      };
    }),
  };
}

/**
 * The parameters of list, search and read requests (RFC 7644 §3.4.2, §3.4.3, §3.9), read the same
 * way for every resource type.
 */
import { DomainError } from '@rollcall/common';
import type { AttributePath } from '../filter/ast';
import { parseAttributeList } from '../filter/parser';
import { resolveAttribute } from '../filter/resolve';
import { COMMON_ATTRIBUTES } from '../schema/definitions';
import type { ResourceSchema } from '../schema/types';

type Json = Record<string, unknown>;

/** The query parameters of GET /<Resources> and the fields of a SearchRequest, as received. */
export interface ScimQuery {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  /** RFC 9865: present (empty for the first page) for cursor paging. */
  cursor?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), parsed. */
export interface Projection {
  attributes?: AttributePath[];
  excludedAttributes?: AttributePath[];
}

/** A text parameter (a repeated query parameter is joined with commas); blank means absent. */
export function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  if (typeof value !== 'string') {
    throw new DomainError('invalid_value', `${name} must be a string.`);
  }
  return value;
}

export function readProjection(attributes: unknown, excludedAttributes: unknown): Projection {
  const included = optionalString('attributes', attributes);
  const excluded = optionalString('excludedAttributes', excludedAttributes);
  return {
    ...(included ? { attributes: parseAttributeList(included) } : {}),
    ...(excluded ? { excludedAttributes: parseAttributeList(excluded) } : {}),
  };
}

/** True when the request named `attributes` or `excludedAttributes`. */
export function hasProjection(projection: Projection): boolean {
  return (
    (projection.attributes?.length ?? 0) > 0 || (projection.excludedAttributes?.length ?? 0) > 0
  );
}

/**
 * Whether a response projected this way contains the top-level attribute `name` (or a part of it),
 * so that an expensive attribute (a group's members) is only read when it will be returned.
 */
export function projectionIncludes(
  projection: Projection,
  resource: ResourceSchema,
  name: string,
): boolean {
  const names = (paths: AttributePath[]) =>
    paths.map((path) => resolveAttribute(resource, path, [...COMMON_ATTRIBUTES]));
  const same = (attribute: string) => attribute.toLowerCase() === name.toLowerCase();
  if (projection.attributes && projection.attributes.length > 0) {
    return names(projection.attributes).some(
      (resolved) => resolved && same(resolved.attribute.name),
    );
  }
  if (projection.excludedAttributes && projection.excludedAttributes.length > 0) {
    return !names(projection.excludedAttributes).some(
      (resolved) => resolved && !resolved.subAttribute && same(resolved.attribute.name),
    );
  }
  return true;
}

/** `sortOrder`: true for descending; absent means ascending. */
export function readSortOrder(value: unknown): boolean {
  const order = optionalString('sortOrder', value)?.toLowerCase();
  if (order !== undefined && order !== 'ascending' && order !== 'descending') {
    throw new DomainError('invalid_value', 'sortOrder must be "ascending" or "descending".');
  }
  return order === 'descending';
}

/** The fields of a SearchRequest body (RFC 7644 §3.4.3), attribute names in any case. */
export function searchRequestQuery(body: unknown): ScimQuery {
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : {};
  const get = (name: string) =>
    Object.entries(object).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  return {
    filter: get('filter'),
    startIndex: get('startIndex'),
    count: get('count'),
    cursor: get('cursor'),
    sortBy: get('sortBy'),
    sortOrder: get('sortOrder'),
    attributes: get('attributes'),
    excludedAttributes: get('excludedAttributes'),
  };
}

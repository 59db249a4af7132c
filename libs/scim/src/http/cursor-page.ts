/**
 * Cursor paging of a list or search request (RFC 9865), the same for /Users and /Groups: which
 * rows to read from the request's cursor, and the ListResponse with `nextCursor` and
 * `previousCursor` from the rows read.
 */
import { DomainError, type Keyset, type RowPosition } from '@rollcall/common';
import { LIST_RESPONSE } from '../schema/definitions';
import { MAX_PAGE_SIZE } from '../schema/discovery';
import { type CursorBinding, openCursor, sealCursor } from './cursor';
import { optionalString, type ScimQuery } from './query';

export interface CursorListResponse<T> {
  schemas: string[];
  /** Only when the request asked for it alone (count=0): counting is what deep pages cannot afford. */
  totalResults?: number;
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

/** A cursor request: the page size and the position to read from (none: the first page). */
export interface CursorRequest {
  count: number;
  position?: Keyset;
}

/**
 * Whether the request pages by cursor: it carries `cursor` (empty for the first page). With
 * `startIndex` too it is refused: the two ways of paging do not mix.
 */
export function isCursorRequest(query: ScimQuery): boolean {
  if (query.cursor === undefined || query.cursor === null) return false;
  if (query.startIndex !== undefined && query.startIndex !== null && query.startIndex !== '') {
    throw new DomainError(
      'invalid_value',
      'A request pages either by startIndex or by cursor (RFC 9865), not both.',
    );
  }
  return true;
}

/**
 * `count` (default MAX_PAGE_SIZE; more is 400 invalidCount; negative means 0, and 0 asks for
 * `totalResults` alone, RFC 9865 §2) and `cursor`, read and checked.
 */
export function readCursorRequest(
  query: ScimQuery,
  key: Buffer,
  binding: CursorBinding,
): CursorRequest {
  const raw = query.count;
  let count = MAX_PAGE_SIZE;
  if (raw !== undefined && raw !== null && raw !== '') {
    count = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
    if (!Number.isInteger(count) || count > MAX_PAGE_SIZE) {
      throw new DomainError(
        'invalid_count',
        `count must be an integer from 0 to ${MAX_PAGE_SIZE} (maxPageSize), the same on every page (got ${JSON.stringify(raw)}).`,
      );
    }
    count = Math.max(0, count);
  }
  const cursor = optionalString('cursor', query.cursor);
  return { count, ...(cursor ? { position: openCursor(key, binding, cursor) } : {}) };
}

/** A cursor request with count 0: `totalResults` alone (RFC 9865 §2). */
export function cursorCountResponse(total: number): CursorListResponse<never> {
  return { schemas: [LIST_RESPONSE], totalResults: total, itemsPerPage: 0, Resources: [] };
}

/**
 * The page from the `count + 1` rows read from the request's position (in reading order: back
 * from it for a `before` cursor), with the cursors to the pages beside it. A cursor next to an
 * empty page starts at the request's own position, so going back and forth never skips a row.
 */
export function cursorListResponse<T>(
  request: CursorRequest,
  rows: { resource: T; position: RowPosition }[],
  key: Buffer,
  binding: CursorBinding,
): CursorListResponse<T> {
  const back = request.position?.direction === 'before';
  const more = rows.length > request.count;
  const page = rows.slice(0, request.count);
  if (back) page.reverse();
  const first = page[0]?.position;
  const last = page[page.length - 1]?.position;
  const seal = (direction: Keyset['direction'], position: RowPosition, inclusive = false) =>
    sealCursor(key, binding, { ...position, direction, inclusive });
  const here = request.position;
  let next: string | undefined;
  let previous: string | undefined;
  if (back) {
    if (more && first) previous = seal('before', first);
    if (last) next = seal('after', last);
    else if (here) next = seal('after', here, !here.inclusive);
  } else {
    if (more && last) next = seal('after', last);
    if (here && first) previous = seal('before', first);
    else if (here) previous = seal('before', here, !here.inclusive);
  }
  return {
    schemas: [LIST_RESPONSE],
    itemsPerPage: page.length,
    ...(next ? { nextCursor: next } : {}),
    ...(previous ? { previousCursor: previous } : {}),
    Resources: page.map((row) => row.resource),
  };
}

/**
 * SCIM paging cursors (RFC 9865): opaque to clients, a keyset position inside. A cursor is the
 * position (sort key, created_at, id of a row, and which way to read from it) as compact JSON,
 * then an HMAC-SHA-256 tag over that JSON and what it is bound to: the organization, the
 * resource type and the query's filter and sort. So a cursor cannot be forged or edited, and one
 * from another organization, another resource type or another query is refused (400
 * invalidCursor), not silently read as a position in this one. Keyset positions never expire:
 * a cursor stays valid as long as the query does (no `cursorTimeout` applies).
 */
import { createHmac } from 'node:crypto';
import { DomainError, type Keyset, secretsEqual } from '@rollcall/common';

/** What a cursor belongs to: it is refused anywhere else. */
export interface CursorBinding {
  organizationId: string;
  resource: string;
  filter: string | undefined;
  sortBy: string | undefined;
  descending: boolean;
}

/** The key's purpose in ServerKeys. */
export const CURSOR_KEY_PURPOSE = 'scim-cursor';

const VERSION = 1;
const TAG_BYTES = 16;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** RFC 9865 §2.2's wording, with what to do about it. */
export function invalidCursor(): DomainError {
  return new DomainError(
    'invalid_cursor',
    'The cursor is not valid for this request. Send an empty cursor for the first page, then the nextCursor or previousCursor of the page before, with the same filter, sortBy and sortOrder.',
  );
}

function tag(key: Buffer, binding: CursorBinding, body: string): Buffer {
  const bound = JSON.stringify([
    binding.organizationId,
    binding.resource,
    binding.filter ?? null,
    binding.sortBy ?? null,
    binding.descending,
  ]);
  return createHmac('sha256', key)
    .update(bound)
    .update('\n')
    .update(body)
    .digest()
    .subarray(0, TAG_BYTES);
}

export function sealCursor(key: Buffer, binding: CursorBinding, position: Keyset): string {
  const body = JSON.stringify([
    VERSION,
    position.direction === 'after' ? 'a' : 'b',
    position.inclusive ? 1 : 0,
    position.createdAt,
    position.id,
    ...(position.sortKey === undefined ? [] : [position.sortKey]),
  ]);
  return `${Buffer.from(body, 'utf8').toString('base64url')}.${tag(key, binding, body).toString('base64url')}`;
}

/** The position a cursor of this binding holds; anything else is a 400 invalidCursor. */
export function openCursor(key: Buffer, binding: CursorBinding, cursor: string): Keyset {
  const [encoded, signature, extra] = cursor.split('.');
  if (!encoded || !signature || extra !== undefined || cursor.length > 4096) throw invalidCursor();
  const body = Buffer.from(encoded, 'base64url').toString('utf8');
  // In constant time, with the one helper every secret comparison uses.
  if (!secretsEqual(signature, tag(key, binding, body).toString('base64url'))) {
    throw invalidCursor();
  }
  // Signed by this installation for this binding: still checked, as a matter of course.
  let parts: unknown;
  try {
    parts = JSON.parse(body);
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts[0] !== VERSION) throw invalidCursor();
  const [, direction, inclusive, createdAt, id, ...rest] = parts as unknown[];
  const sortKey = rest[0];
  if (
    (direction !== 'a' && direction !== 'b') ||
    (inclusive !== 0 && inclusive !== 1) ||
    typeof createdAt !== 'string' ||
    !ISO.test(createdAt) ||
    typeof id !== 'string' ||
    !UUID.test(id) ||
    rest.length > 1 ||
    (rest.length === 1 && sortKey !== null && typeof sortKey !== 'string') ||
    (rest.length === 1) !== (binding.sortBy !== undefined)
  ) {
    throw invalidCursor();
  }
  return {
    direction: direction === 'a' ? 'after' : 'before',
    inclusive: inclusive === 1,
    createdAt,
    id,
    ...(rest.length === 1 ? { sortKey: sortKey as string | null } : {}),
  };
}

import { DomainError } from '@rollcall/common';
import {
  type GroupAttributes,
  type Group,
  type GroupMember,
  MAX_GROUP_DISPLAY_NAME_LENGTH,
} from '@rollcall/identity';
import { etagOf, GROUP_SCHEMA } from '@rollcall/scim';

type Json = Record<string, unknown>;

/** What a SCIM Group body (POST, PUT) says, in domain terms. */
export interface GroupDocumentInput extends GroupAttributes {
  /**
   * The members the body lists; undefined when it has no `members` attribute at all (a PUT then
   * keeps the members, RFC 7644 §3.5.1: an omitted attribute is not asserted). `null` or `[]` is
   * an empty list: no members.
   */
  memberIds?: string[];
}

const MAX_EXTERNAL_ID_LENGTH = 256;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a property in any case (RFC 7643 §2.1: attribute names are case-insensitive). */
export function getKey(object: Json, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/** The member URN key a body may carry instead of `members`. */
const MEMBERS_URN = `${GROUP_SCHEMA}:members`.toLowerCase();

/** Whether a key of a Group body or PATCH value object names `members`. */
export function isMembersKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'members' || lower === MEMBERS_URN;
}

function nestedGroup(field: string, value: string): DomainError {
  return new DomainError(
    'invalid_value',
    `${field} ("${shorten(value)}") is a group: nested groups are not supported; add the group's ` +
      'users instead.',
  );
}

/**
 * Reads a member list: an array (or one value) of `{value, $ref?, type?, display?}` objects or bare
 * ids. `$ref` may be null; `display` is ignored. For removal, only the values matter.
 */
export function readMembers(
  value: unknown,
  field = 'members',
  purpose: 'write' | 'remove' = 'write',
): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item: unknown, index) => {
    const label = `${field}[${index}]`;
    if (typeof item === 'string' && item.trim() !== '') return item.trim();
    if (!isObject(item)) {
      throw new DomainError(
        'invalid_value',
        `${label} must be an object with the "value" (id) of a user.`,
      );
    }
    const id = getKey(item, 'value');
    if (typeof id !== 'string' || id.trim() === '') {
      throw new DomainError('invalid_value', `${label}.value must be the id of a user.`);
    }
    if (purpose === 'write') {
      const type = getKey(item, 'type');
      if (type !== undefined && type !== null) {
        const lower = typeof type === 'string' ? type.trim().toLowerCase() : '';
        if (lower === 'group') throw nestedGroup(label, id);
        if (lower !== 'user') {
          throw new DomainError('invalid_value', `${label}.type must be "User".`);
        }
      }
      const ref = getKey(item, '$ref');
      if (typeof ref === 'string' && /\/Groups\//i.test(ref)) throw nestedGroup(label, id);
    }
    return id.trim();
  });
}

function readText(field: string, value: unknown, limit: number, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw new DomainError('invalid_value', `${field} is required.`);
    return null;
  }
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string')
    throw new DomainError('invalid_value', `${field} must be a string.`);
  const trimmed = text.trim();
  if (trimmed === '') {
    if (required) {
      throw new DomainError(
        'invalid_value',
        `${field} is required and must be a non-empty string.`,
      );
    }
    return null;
  }
  if (trimmed.length > limit) {
    throw new DomainError('invalid_value', `${field} is longer than ${limit} characters.`);
  }
  return trimmed;
}

/** displayName (required) and externalId of a Group document. */
export function readGroupAttributes(document: Json): GroupAttributes {
  return {
    displayName: readText(
      'displayName',
      getKey(document, 'displayName'),
      MAX_GROUP_DISPLAY_NAME_LENGTH,
      true,
    ) as string,
    externalId: readText(
      'externalId',
      getKey(document, 'externalId'),
      MAX_EXTERNAL_ID_LENGTH,
      false,
    ),
  };
}

/**
 * Reads a SCIM Group body (POST, PUT): attribute names in any case, unknown and read-only
 * attributes (id, meta, schemas) ignored, members honoured when the body has them (`memberIds`
 * is undefined when it has no `members` key).
 */
export function readGroupDocument(body: unknown): GroupDocumentInput {
  if (!isObject(body)) {
    throw new DomainError('invalid_syntax', 'The request body must be a SCIM Group JSON object.');
  }
  const membersKey = Object.keys(body).find(isMembersKey);
  const attributes = readGroupAttributes(body);
  return membersKey === undefined
    ? attributes
    : { ...attributes, memberIds: readMembers(body[membersKey]) };
}

/**
 * The SCIM representation of a group (RFC 7643 §4.2). `members` is listed when given (the caller
 * reads them only when the response will carry them).
 */
export function toScimGroup(group: Group, baseUrl: string, members?: GroupMember[]): Json {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    displayName: group.displayName,
    ...(members
      ? {
          members: members.map((member) => ({
            value: member.userId,
            $ref: `${baseUrl}/Users/${member.userId}`,
            display: member.display,
            type: 'User',
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}

export function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

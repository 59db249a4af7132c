import { DomainError } from '@rollcall/common';
import type {
  EnterpriseAttributes,
  MultiValue,
  User,
  UserGroup,
  UserProfile,
} from '@rollcall/identity';
import {
  ENTERPRISE_USER_SCHEMA,
  etagOf,
  ROLLCALL_USER_SCHEMA,
  UDEMY_USER_SCHEMA_ALIAS,
  USER_SCHEMA,
} from '@rollcall/scim';

/** What a SCIM User body says, in domain terms. */
export interface UserDocumentInput {
  profile: UserProfile;
  active?: boolean;
  /** licensePoolName when the body carried it (null: present but blank). */
  licensePoolName?: string | null;
}

type Json = Record<string, unknown>;

const STRING_LIMITS: Record<string, number> = {
  userName: 256,
  externalId: 256,
  formatted: 512,
  givenName: 256,
  familyName: 256,
  middleName: 256,
  honorificPrefix: 64,
  honorificSuffix: 64,
  displayName: 512,
  nickName: 256,
  profileUrl: 2048,
  $ref: 2048,
  title: 256,
  userType: 128,
  preferredLanguage: 64,
  locale: 64,
  timezone: 64,
};

const MULTI_VALUED: Record<string, readonly string[]> = {
  emails: ['value', 'display', 'type', 'primary'],
  phoneNumbers: ['value', 'display', 'type', 'primary'],
  ims: ['value', 'display', 'type', 'primary'],
  photos: ['value', 'display', 'type', 'primary'],
  addresses: [
    'formatted',
    'streetAddress',
    'locality',
    'region',
    'postalCode',
    'country',
    'type',
    'primary',
  ],
};
const MAX_VALUES = 100;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Attribute names are case-insensitive (RFC 7643 §2.1): look keys up regardless of case. */
function caseInsensitive(object: Json): (name: string) => unknown {
  const byLower = new Map<string, unknown>();
  for (const [key, value] of Object.entries(object)) byLower.set(key.toLowerCase(), value);
  return (name) => byLower.get(name.toLowerCase());
}

function has(object: Json, name: string): boolean {
  return Object.keys(object).some((k) => k.toLowerCase() === name.toLowerCase());
}

function readString(name: string, value: unknown, field = name): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') {
    throw new DomainError('invalid_value', `${field} must be a string.`);
  }
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const limit = STRING_LIMITS[name] ?? 1024;
  if (trimmed.length > limit) {
    throw new DomainError('invalid_value', `${field} is longer than ${limit} characters.`);
  }
  return trimmed;
}

/** Booleans, including the "True"/"False" strings Entra ID sends. */
export function readBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === 'true';
  }
  throw new DomainError('invalid_value', `${field} must be true or false.`);
}

function readMultiValued(name: string, value: unknown): MultiValue[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_VALUES) {
    throw new DomainError('invalid_value', `${name} has more than ${MAX_VALUES} values.`);
  }
  const allowed = MULTI_VALUED[name] ?? [];
  return items.map((item, index) => {
    const field = `${name}[${index}]`;
    if (!isObject(item)) {
      if (typeof item === 'string' && allowed.includes('value')) return { value: item.trim() };
      throw new DomainError('invalid_value', `${field} must be an object.`);
    }
    const get = caseInsensitive(item);
    const element: MultiValue = {};
    for (const sub of allowed) {
      const raw = get(sub);
      if (raw === undefined || raw === null) continue;
      if (sub === 'primary') {
        const primary = readBoolean(`${field}.primary`, raw);
        if (primary !== undefined) element.primary = primary;
      } else {
        const text = readString(sub, raw, `${field}.${sub}`);
        if (text !== null) element[sub] = text;
      }
    }
    return element;
  });
}

function readEnterprise(value: unknown): EnterpriseAttributes {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    throw new DomainError('invalid_value', `${ENTERPRISE_USER_SCHEMA} must be an object.`);
  }
  const get = caseInsensitive(value);
  const result: EnterpriseAttributes = {};
  for (const name of [
    'employeeNumber',
    'costCenter',
    'organization',
    'division',
    'department',
  ] as const) {
    const text = readString(name, get(name), name);
    if (text !== null) result[name] = text;
  }
  const manager = get('manager');
  if (typeof manager === 'string' && manager.trim() !== '') {
    result.manager = { value: manager.trim() };
  } else if (isObject(manager)) {
    const m = caseInsensitive(manager);
    const managerValue = readString('value', m('value'), 'manager.value');
    const ref = readString('$ref', m('$ref'), 'manager.$ref');
    const displayName = readString('displayName', m('displayName'), 'manager.displayName');
    if (managerValue !== null || ref !== null || displayName !== null) {
      result.manager = {
        ...(managerValue !== null ? { value: managerValue } : {}),
        ...(ref !== null ? { $ref: ref } : {}),
        ...(displayName !== null ? { displayName } : {}),
      };
    }
  } else if (manager !== undefined && manager !== null && manager !== '') {
    throw new DomainError('invalid_value', 'manager must be an object or an id.');
  }
  return result;
}

function extensionObject(get: (name: string) => unknown, ...urns: string[]): Json | undefined {
  for (const urn of urns) {
    const value = get(urn);
    if (isObject(value)) return value;
  }
  return undefined;
}

/**
 * Reads a SCIM User body (POST, PUT, or a document after PATCH). Attribute names in any case,
 * unknown attributes ignored, read-only ones (id, meta, groups) ignored, `password` ignored.
 */
export function readUserDocument(body: unknown): UserDocumentInput {
  if (!isObject(body)) {
    throw new DomainError('invalid_syntax', 'The request body must be a SCIM User JSON object.');
  }
  const get = caseInsensitive(body);
  const userName = readString('userName', get('userName'));
  if (userName === null) {
    throw new DomainError('invalid_value', 'userName is required and must be a non-empty string.');
  }
  const nameValue = get('name');
  if (nameValue !== undefined && nameValue !== null && !isObject(nameValue)) {
    throw new DomainError('invalid_value', 'name must be an object.');
  }
  const name = caseInsensitive(isObject(nameValue) ? nameValue : {});
  const str = (attribute: string, source: (n: string) => unknown = get, prefix = '') =>
    readString(attribute, source(attribute), `${prefix}${attribute}`);

  const enterprise = extensionObject(get, ENTERPRISE_USER_SCHEMA);
  const rollcall = extensionObject(get, ROLLCALL_USER_SCHEMA, UDEMY_USER_SCHEMA_ALIAS);

  const profile: UserProfile = {
    userName,
    externalId: str('externalId'),
    formattedName: str('formatted', name, 'name.'),
    givenName: str('givenName', name, 'name.'),
    familyName: str('familyName', name, 'name.'),
    middleName: str('middleName', name, 'name.'),
    honorificPrefix: str('honorificPrefix', name, 'name.'),
    honorificSuffix: str('honorificSuffix', name, 'name.'),
    displayName: str('displayName'),
    nickName: str('nickName'),
    profileUrl: str('profileUrl'),
    title: str('title'),
    userType: str('userType'),
    preferredLanguage: str('preferredLanguage'),
    locale: str('locale'),
    timezone: str('timezone'),
    emails: readMultiValued('emails', get('emails')),
    phoneNumbers: readMultiValued('phoneNumbers', get('phoneNumbers')),
    addresses: readMultiValued('addresses', get('addresses')),
    ims: readMultiValued('ims', get('ims')),
    photos: readMultiValued('photos', get('photos')),
    enterprise: readEnterprise(enterprise),
  };

  const input: UserDocumentInput = { profile };
  const active = readBoolean('active', get('active'));
  if (active !== undefined) input.active = active;

  const poolSource =
    rollcall && has(rollcall, 'licensePoolName')
      ? rollcall
      : has(body, 'licensePoolName')
        ? body
        : undefined;
  if (poolSource) {
    const raw = caseInsensitive(poolSource)('licensePoolName');
    input.licensePoolName =
      raw === null || raw === undefined ? null : readString('licensePoolName', raw);
  }
  return input;
}

function withoutEmpty(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

/**
 * The SCIM representation of a user (RFC 7643 §4.1), unassigned attributes omitted; `groups` is the
 * read-only list of the groups the user belongs to (direct memberships: groups do not nest).
 */
export function toScimUser(user: User, baseUrl: string, groups: UserGroup[] = []): Json {
  const name = withoutEmpty({
    formatted: user.formattedName,
    familyName: user.familyName,
    givenName: user.givenName,
    middleName: user.middleName,
    honorificPrefix: user.honorificPrefix,
    honorificSuffix: user.honorificSuffix,
  });
  const enterprise = withoutEmpty({ ...user.enterprise });
  const schemas = [USER_SCHEMA];
  if (Object.keys(enterprise).length > 0) schemas.push(ENTERPRISE_USER_SCHEMA);
  schemas.push(ROLLCALL_USER_SCHEMA);
  return {
    schemas,
    id: user.id,
    ...withoutEmpty({
      externalId: user.externalId,
      userName: user.userName,
      name: Object.keys(name).length > 0 ? name : null,
      displayName: user.displayName,
      nickName: user.nickName,
      profileUrl: user.profileUrl,
      title: user.title,
      userType: user.userType,
      preferredLanguage: user.preferredLanguage,
      locale: user.locale,
      timezone: user.timezone,
    }),
    active: user.status === 'provisioned' || user.status === 'pending' || user.status === 'active',
    ...withoutEmpty({
      emails: user.emails,
      phoneNumbers: user.phoneNumbers,
      addresses: user.addresses,
      ims: user.ims,
      photos: user.photos,
    }),
    groups: groups.map((group) => ({
      value: group.value,
      $ref: `${baseUrl}/Groups/${group.value}`,
      display: group.display,
      type: 'direct',
    })),
    ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    [ROLLCALL_USER_SCHEMA]: { licensePoolName: user.licensePool.name },
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
      version: etagOf(user.version),
    },
  };
}

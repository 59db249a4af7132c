import type { SqlColumn } from '@rollcall/scim';
import { ENTERPRISE_USER_SCHEMA, ROLLCALL_USER_SCHEMA } from '@rollcall/scim';

const text = (sql: string, caseExact = false): SqlColumn => ({
  kind: 'column',
  sql,
  type: 'string',
  caseExact,
});

const MULTI_VALUE_SUBS = {
  value: { type: 'string', caseExact: false },
  display: { type: 'string', caseExact: false },
  type: { type: 'string', caseExact: false },
  primary: { type: 'boolean', caseExact: false },
} as const;

const multi = (sql: string, valueIndex?: string): SqlColumn => ({
  kind: 'jsonArray',
  sql,
  subAttributes: { ...MULTI_VALUE_SUBS },
  ...(valueIndex ? { valueIndex } : {}),
});

const enterprise = ENTERPRISE_USER_SCHEMA.toLowerCase();

/**
 * Where each filterable SCIM User attribute lives in the `users` table (alias `u`), keyed by the
 * lowercased canonical path. Every condition is parameterized by the compiler; these are fixed SQL.
 */
export const USER_COLUMNS: Record<string, SqlColumn> = {
  id: text('u.id::text', true),
  externalid: text('u.external_id', true),
  username: text('u.user_name'),
  displayname: text('u.display_name'),
  nickname: text('u.nick_name'),
  profileurl: text('u.profile_url', true),
  title: text('u.title'),
  usertype: text('u.user_type'),
  preferredlanguage: text('u.preferred_language'),
  locale: text('u.locale'),
  timezone: text('u.timezone'),
  'name.formatted': text('u.formatted_name'),
  'name.familyname': text('u.family_name'),
  'name.givenname': text('u.given_name'),
  'name.middlename': text('u.middle_name'),
  'name.honorificprefix': text('u.honorific_prefix'),
  'name.honorificsuffix': text('u.honorific_suffix'),
  active: {
    kind: 'column',
    sql: `(u.status IN ('provisioned', 'pending', 'active'))`,
    type: 'boolean',
    caseExact: false,
  },
  emails: multi('u.emails', 'u.email_values'),
  phonenumbers: multi('u.phone_numbers'),
  ims: multi('u.ims'),
  photos: multi('u.photos'),
  addresses: {
    kind: 'jsonArray',
    sql: 'u.addresses',
    subAttributes: {
      formatted: { type: 'string', caseExact: false },
      streetaddress: { type: 'string', caseExact: false },
      locality: { type: 'string', caseExact: false },
      region: { type: 'string', caseExact: false },
      postalcode: { type: 'string', caseExact: false },
      country: { type: 'string', caseExact: false },
      type: { type: 'string', caseExact: false },
      primary: { type: 'boolean', caseExact: false },
    },
  },
  'meta.created': { kind: 'column', sql: 'u.created_at', type: 'dateTime', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 'u.updated_at', type: 'dateTime', caseExact: false },
  [`${enterprise}:employeenumber`]: text(`(u.enterprise->>'employeeNumber')`),
  [`${enterprise}:costcenter`]: text(`(u.enterprise->>'costCenter')`),
  [`${enterprise}:organization`]: text(`(u.enterprise->>'organization')`),
  [`${enterprise}:division`]: text(`(u.enterprise->>'division')`),
  [`${enterprise}:department`]: text(`(u.enterprise->>'department')`),
  [`${enterprise}:manager.value`]: text(`(u.enterprise->'manager'->>'value')`),
  [`${enterprise}:manager.displayname`]: text(`(u.enterprise->'manager'->>'displayName')`),
  [`${ROLLCALL_USER_SCHEMA.toLowerCase()}:licensepoolname`]: text(
    '(SELECT p.name FROM license_pools p WHERE p.id = u.license_pool_id)',
  ),
};

/** Sorting by a multi-valued attribute sorts by its primary value (RFC 7644 §3.4.2.3). */
export const USER_SORT_COLUMNS: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(USER_COLUMNS).flatMap(([path, column]) =>
      column.kind === 'column'
        ? [
            [
              path,
              column.type === 'string' && !column.caseExact ? `lower(${column.sql})` : column.sql,
            ],
          ]
        : [],
    ),
  ),
  emails: 'u.primary_email',
  'emails.value': 'u.primary_email',
};

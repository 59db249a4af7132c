/** A column mapping for the fixture schema (see fixtures.ts), as the SCIM repositories would write one. */
import type { SqlColumn } from '../sql';
import { EXT_URN } from './fixtures';

const text = (sql: string, caseExact = false): SqlColumn => ({
  kind: 'column',
  sql,
  type: 'string',
  caseExact,
});

const elements =
  (sql: string) =>
  (alias: string, condition: string): string =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(${sql}) AS ${alias} WHERE ${condition})`;

const ext = EXT_URN.toLowerCase();

export const FIXTURE_COLUMNS: Record<string, SqlColumn> = {
  id: text('u.id', true),
  externalid: text('u.external_id', true),
  username: text('u.user_name'),
  displayname: text('u.display_name'),
  title: text('u.title'),
  nickname: text('u.nick_name'),
  code: text('u.code', true),
  active: { kind: 'column', sql: 'u.active', type: 'boolean', caseExact: false },
  logincount: { kind: 'column', sql: 'u.login_count', type: 'integer', caseExact: false },
  score: { kind: 'column', sql: 'u.score', type: 'decimal', caseExact: false },
  lastseen: { kind: 'column', sql: 'u.last_seen', type: 'dateTime', caseExact: false },
  'name.givenname': text('u.given_name'),
  'name.familyname': text('u.family_name'),
  'name.middlename': text('u.middle_name'),
  emails: {
    kind: 'jsonArray',
    sql: 'u.emails',
    subAttributes: {
      value: { type: 'string', caseExact: false },
      type: { type: 'string', caseExact: false },
      primary: { type: 'boolean', caseExact: false },
      display: { type: 'string', caseExact: false },
    },
    valueIndex: 'u.email_values',
    exists: elements('u.emails'),
  },
  tokens: {
    kind: 'jsonArray',
    sql: 'u.tokens',
    subAttributes: {
      value: { type: 'string', caseExact: true },
      type: { type: 'string', caseExact: false },
    },
    exists: elements('u.tokens'),
  },
  'meta.created': { kind: 'column', sql: 'u.created_at', type: 'dateTime', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 'u.updated_at', type: 'dateTime', caseExact: false },
  [`${ext}:department`]: text('u.department'),
  [`${ext}:manager.value`]: text('u.manager_id'),
};

export { elements as jsonbElements };

export function fixtureMapping(canonicalPath: string): SqlColumn | undefined {
  return Object.prototype.hasOwnProperty.call(FIXTURE_COLUMNS, canonicalPath)
    ? FIXTURE_COLUMNS[canonicalPath]
    : undefined;
}

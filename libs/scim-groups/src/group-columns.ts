import type { SqlColumn } from '@rollcall/scim';

const text = (sql: string, caseExact = false): SqlColumn => ({
  kind: 'column',
  sql,
  type: 'string',
  caseExact,
});

/**
 * Where each filterable SCIM Group attribute lives (alias `g` for `groups`), keyed by the lowercased
 * canonical path. `members` is a relation: a filter on it becomes an EXISTS over `group_members`
 * that the (group_id, user_id) primary key serves, counting only the members SCIM can see.
 */
export const GROUP_COLUMNS: Record<string, SqlColumn> = {
  id: text('g.id::text', true),
  externalid: text('g.external_id', true),
  // lower(display_name) = lower($n): the unique (organization_id, lower(display_name)) index serves it.
  displayname: text('g.display_name'),
  'meta.created': { kind: 'column', sql: 'g.created_at', type: 'dateTime', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 'g.updated_at', type: 'dateTime', caseExact: false },
  members: {
    kind: 'relation',
    subAttributes: {
      value: { sql: 'gm.user_id', type: 'string', caseExact: true, uuid: true },
      display: { sql: 'COALESCE(mu.display_name, mu.user_name)', type: 'string', caseExact: false },
      type: { sql: `'User'`, type: 'string', caseExact: false },
    },
    exists: (condition) =>
      'EXISTS (SELECT 1 FROM group_members gm JOIN users mu ON mu.id = gm.user_id ' +
      `WHERE gm.group_id = g.id AND mu.scim_visible AND mu.status <> 'anonymized' AND ${condition})`,
  },
};

export function groupColumn(canonicalPath: string): SqlColumn | undefined {
  return Object.prototype.hasOwnProperty.call(GROUP_COLUMNS, canonicalPath)
    ? GROUP_COLUMNS[canonicalPath]
    : undefined;
}

/** Sort keys: the single-valued attributes, case-insensitive text by its lowercase form. */
export const GROUP_SORT_COLUMNS: Record<string, string> = Object.fromEntries(
  Object.entries(GROUP_COLUMNS).flatMap(([path, column]) =>
    column.kind === 'column'
      ? [
          [
            path,
            column.type === 'string' && !column.caseExact ? `lower(${column.sql})` : column.sql,
          ],
        ]
      : [],
  ),
);

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  catalogKeyset,
  catalogOrder,
  catalogSortKey,
  type CatalogSearch,
  type RowPosition,
  runStatement,
  type SearchColumn,
  type SearchColumns,
  sortExpressions,
  textColumn as text,
  timeColumn,
} from '@rollcall/common';
import { type UserReadRow, UsersRepository } from './users.repository';

/** A search compiled over `USER_SEARCH_COLUMNS` (alias `u`), sorted by one of `USER_SORT_EXPRESSIONS`. */
export type UserSearch = CatalogSearch;

/** A jsonb array of objects: a condition holds for some element, named `alias`. */
const jsonArray = (
  sql: string,
  subAttributes: Record<string, { type: 'string' | 'boolean'; caseExact: boolean }>,
  valueIndex?: string,
): SearchColumn => ({
  kind: 'jsonArray',
  sql,
  subAttributes,
  ...(valueIndex ? { valueIndex } : {}),
  exists: (alias, condition) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(${sql}) AS ${alias} WHERE ${condition})`,
});

const MULTI_VALUE_SUBS = {
  value: { type: 'string', caseExact: false },
  display: { type: 'string', caseExact: false },
  type: { type: 'string', caseExact: false },
  primary: { type: 'boolean', caseExact: false },
} as const;

const ADDRESS_SUBS = {
  formatted: { type: 'string', caseExact: false },
  streetaddress: { type: 'string', caseExact: false },
  locality: { type: 'string', caseExact: false },
  region: { type: 'string', caseExact: false },
  postalcode: { type: 'string', caseExact: false },
  country: { type: 'string', caseExact: false },
  type: { type: 'string', caseExact: false },
  primary: { type: 'boolean', caseExact: false },
} as const;

/**
 * Where each searchable user attribute lives in the `users` table (alias `u`), by the lowercased
 * path of the user model: profile attributes as named there (`name.givenname`, `emails`),
 * `enterprise.<attribute>` for the enterprise extension, `active`, `licensepoolname`, `created`
 * and `lastmodified`.
 */
export const USER_SEARCH_COLUMNS: SearchColumns = {
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
  emails: jsonArray('u.emails', MULTI_VALUE_SUBS, 'u.email_values'),
  phonenumbers: jsonArray('u.phone_numbers', MULTI_VALUE_SUBS),
  ims: jsonArray('u.ims', MULTI_VALUE_SUBS),
  photos: jsonArray('u.photos', MULTI_VALUE_SUBS),
  addresses: jsonArray('u.addresses', ADDRESS_SUBS),
  created: timeColumn('u.created_at'),
  lastmodified: timeColumn('u.updated_at'),
  'enterprise.employeenumber': text(`(u.enterprise->>'employeeNumber')`),
  'enterprise.costcenter': text(`(u.enterprise->>'costCenter')`),
  'enterprise.organization': text(`(u.enterprise->>'organization')`),
  'enterprise.division': text(`(u.enterprise->>'division')`),
  'enterprise.department': text(`(u.enterprise->>'department')`),
  'enterprise.manager.value': text(`(u.enterprise->'manager'->>'value')`),
  'enterprise.manager.displayname': text(`(u.enterprise->'manager'->>'displayName')`),
  licensepoolname: text('(SELECT p.name FROM license_pools p WHERE p.id = u.license_pool_id)'),
};

/** Sort keys; a multi-valued attribute sorts by its primary value (RFC 7644 §3.4.2.3). */
export const USER_SORT_EXPRESSIONS: Readonly<Record<string, string>> = {
  ...sortExpressions(USER_SEARCH_COLUMNS),
  emails: 'u.primary_email',
  'emails.value': 'u.primary_email',
};

/** SCIM's view of the users table: the users it may see, chosen by a compiled filter. */
@Injectable()
export class UserSearchRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
  ) {}

  /**
   * Users SCIM may see (not deleted through SCIM, not anonymized) matching the search, how many
   * there are, and (`withGroups`) their groups: one statement. The count and the page's ids are
   * two subqueries, each with its own plan (an index-only count; an ordered, limited scan); the
   * page's rows then join on those ids in page order.
   */
  async searchScimVisible(
    organizationId: string,
    search: UserSearch,
    withGroups: boolean,
  ): Promise<{ total: number; rows: UserReadRow[] }> {
    const where = `u.organization_id = $1 AND u.scim_visible AND u.status <> 'anonymized'${search.where ? ` AND (${search.where})` : ''}`;
    const params = [organizationId, ...(search.params ?? [])];
    const count = `SELECT count(*)::int FROM users u WHERE ${where}`;
    if (search.limit <= 0) {
      const [counted] = await runStatement<{ n: number }>(
        this.dataSource,
        `SELECT (${count}) AS n`,
        params,
      );
      return { total: counted?.n ?? 0, rows: [] };
    }
    if (search.atMostOne) {
      // One row at most (an eq on a unique attribute): the row alone, and the count is what came.
      const rows = (
        await runStatement<Record<string, unknown>>(
          this.dataSource,
          `SELECT ${this.users.readSelect(withGroups)}
           FROM users u
           JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
           WHERE ${where}`,
          params,
        )
      ).map((raw) => this.users.fromReadRow(raw));
      return { total: rows.length, rows: search.offset === 0 ? rows : [] };
    }
    const raws = await runStatement<Record<string, unknown>>(
      this.dataSource,
      `WITH page AS (
         SELECT array(SELECT u.id FROM users u WHERE ${where}
           ORDER BY ${catalogOrder(search, 'u')}
           OFFSET $${params.length + 1}::bigint LIMIT $${params.length + 2}::int) AS ids
       )
       SELECT (${count}) AS "__total", r.*
       FROM page LEFT JOIN LATERAL (
         SELECT k.ord AS "__ord", ${this.users.readSelect(withGroups)}
         FROM unnest(page.ids) WITH ORDINALITY AS k(id, ord)
         JOIN users u ON u.organization_id = $1 AND u.id = k.id
         JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
       ) r ON true
       ORDER BY r."__ord"`,
      // Offset and size as parameters: one prepared statement serves every page of a filter's shape.
      [...params, search.offset, search.limit],
    );
    const total = Number(raws[0]?.__total ?? 0);
    return {
      total,
      rows: raws
        .filter((raw) => raw.__ord !== null && raw.__ord !== undefined)
        .map((raw) => this.users.fromReadRow(raw)),
    };
  }

  /**
   * A cursor page (RFC 9865) of users SCIM may see: the `limit` + 1 rows on from the search's
   * keyset (from the start without one) in the direction it reads, each with its position, in
   * one statement. No count and no offset: it costs the same at the millionth user as at the
   * first, an index on (organization_id, created_at, id) serving the unsorted order as a range.
   */
  async cursorPageScimVisible(
    organizationId: string,
    search: UserSearch,
    withGroups: boolean,
  ): Promise<{ rows: UserReadRow[]; positions: RowPosition[] }> {
    const params: unknown[] = [organizationId, ...(search.params ?? [])];
    const param = (value: unknown) => `$${params.push(value)}`;
    const keyset = catalogKeyset(search, 'u', param);
    const sortKey = catalogSortKey(search);
    const raws = await runStatement<Record<string, unknown>>(
      this.dataSource,
      // The page of users first (its LIMIT keeps the planner on the ordered index scan), then
      // their pools and groups.
      `SELECT ${this.users.readSelect(withGroups)}${sortKey ? `, ${sortKey} AS "__sortKey"` : ''}
       FROM (
         SELECT u.* FROM users u
         WHERE u.organization_id = $1 AND u.scim_visible AND u.status <> 'anonymized'
           ${search.where ? `AND (${search.where})` : ''} ${keyset ? `AND ${keyset}` : ''}
         ORDER BY ${catalogOrder(search, 'u')}
         LIMIT ${param(search.limit + 1)}::int
       ) u
       JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
       ORDER BY ${catalogOrder(search, 'u')}`,
      params,
    );
    const rows = raws.map((raw) => this.users.fromReadRow(raw));
    return {
      rows,
      positions: rows.map(({ user }, index) => ({
        createdAt: user.createdAt.toISOString(),
        id: user.id,
        ...(sortKey ? { sortKey: (raws[index]?.__sortKey as string | null) ?? null } : {}),
      })),
    };
  }
}

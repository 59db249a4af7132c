import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LicensePoolEntity } from '../license-pools/license-pool.entity';
import { POOL_STRUCTURE_SQL } from '../license-pools/license-pools.repository';
import { runStatement } from '@rollcall/common';
import type { UserGroup } from '../groups/group.model';
import type { Actor, NewEvent } from '../events/event.model';
import type { Channel } from '../license-pools/pool-policy';
import { toUser, type User } from './user.model';
import type { AdminUserCriteria, AdminUserQuery, AdminUserSortField } from './admin-user-query';
import { UserEntity } from './user.entity';

export interface UserRow {
  user: UserEntity;
  pool: { id: string; name: string; isDefault: boolean };
  /** The user as it was read, when it was read to be changed: what its events compare with. */
  before?: User;
  /** The pool policy's channel, when the change moved the user to another pool. */
  poolChannel?: Channel;
}

/** A user read for SCIM in one statement: the row, its pool and (when asked for) its groups. */
export interface UserReadRow extends UserRow {
  groups?: UserGroup[];
}

/**
 * The user's groups as a json array of `{value, display}`, ordered as SCIM lists them: a
 * correlated subquery on `u`, so a page of users and their groups are one statement.
 */
const GROUPS_OF_U = `(SELECT coalesce(json_agg(json_build_object('value', g.id, 'display', g.display_name)
    ORDER BY lower(g.display_name), g.id), '[]'::json)
  FROM group_members gm JOIN groups g ON g.id = gm.group_id AND g.organization_id = gm.organization_id
  WHERE gm.organization_id = u.organization_id AND gm.user_id = u.id)`;

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(UserEntity);
  }

  private readColumns?: { list: string; columns: { property: string; date: boolean }[] };

  /**
   * The select list of a one-statement read (`u` the user, `p` its pool), from the entity's own
   * columns, so it cannot drift from the table; `fromReadRow` turns its rows into entities.
   */
  readSelect(withGroups: boolean): string {
    const { list } = this.userColumns();
    return withGroups ? `${list}, ${GROUPS_OF_U} AS "__groups"` : list;
  }

  /** UserEntity's columns, read from its metadata once. */
  private userColumns(): { list: string; columns: { property: string; date: boolean }[] } {
    this.readColumns ??= (() => {
      const columns = this.dataSource.getMetadata(UserEntity).columns.map((c) => ({
        database: c.databaseName,
        property: c.propertyName,
        date: c.type === Date || String(c.type).startsWith('timestamp'),
      }));
      return {
        list: [
          ...columns.map((c) => `u."${c.database}" AS "${c.property}"`),
          `p.name AS "__poolName"`,
          `p.is_default AS "__poolDefault"`,
        ].join(', '),
        columns: columns.map(({ property, date }) => ({ property, date })),
      };
    })();
    return this.readColumns;
  }

  /** A row of a `readSelect` statement as an entity, its pool and its groups (if selected). */
  fromReadRow(raw: Record<string, unknown>): UserReadRow {
    const user = new UserEntity();
    const target = user as unknown as Record<string, unknown>;
    for (const { property, date } of this.userColumns().columns) {
      const value = raw[property];
      target[property] =
        date && (typeof value === 'string' || typeof value === 'number') ? new Date(value) : value;
    }
    const groups = raw.__groups;
    return {
      user,
      pool: {
        id: user.licensePoolId,
        name: String(raw.__poolName),
        isDefault: raw.__poolDefault === true,
      },
      ...(groups !== undefined
        ? { groups: (typeof groups === 'string' ? JSON.parse(groups) : groups) as UserGroup[] }
        : {}),
    };
  }

  /** A user SCIM may see (not SCIM-deleted, not anonymized), with its pool and groups: one statement. */
  async findScimVisible(
    organizationId: string,
    id: string,
    withGroups: boolean,
  ): Promise<UserReadRow | null> {
    const select = this.readSelect(withGroups);
    const [raw] = await runStatement(
      this.dataSource,
      `SELECT ${select}
       FROM users u JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
       WHERE u.organization_id = $1 AND u.id = $2 AND u.scim_visible AND u.status <> 'anonymized'`,
      [organizationId, id],
    );
    return raw ? this.fromReadRow(raw) : null;
  }

  private async withPool(
    user: UserEntity | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserRow | null> {
    if (!user) return null;
    const found = await manager
      .getRepository(LicensePoolEntity)
      .findOneByOrFail({ id: user.licensePoolId, organizationId: user.organizationId });
    const pool = { id: found.id, name: found.name, isDefault: found.isDefault };
    return { user, pool };
  }

  async findById(
    organizationId: string,
    id: string,
    manager?: EntityManager,
    lock = false,
  ): Promise<UserRow | null> {
    if (lock) {
      return this.lockedRow(manager ?? this.dataSource.manager, 'u.id = $2', [organizationId, id]);
    }
    const user = await this.repo(manager)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId AND u.id = :id', { organizationId, id })
      .getOne();
    return this.withPool(user, manager);
  }

  /** The user holding `userName` (any case), locked for the caller's transaction. */
  findByUserNameForUpdate(
    organizationId: string,
    userName: string,
    manager: EntityManager,
  ): Promise<UserRow | null> {
    return this.lockedRow(manager, 'lower(u.user_name) = lower($2)', [organizationId, userName]);
  }

  /**
   * The user a sign-in names, locked: whose userName or primary email equals one of `identifiers`
   * (any case), preferring a userName match, then the oldest. Anonymized users are never found.
   */
  async findForSignInForUpdate(
    organizationId: string,
    identifiers: string[],
    manager: EntityManager,
  ): Promise<UserRow | null> {
    const values = [...new Set(identifiers.map((i) => i.trim().toLowerCase()).filter(Boolean))];
    if (values.length === 0) return null;
    // primary_email is stored lowercased: compared as is, so its index serves the lookup.
    return this.lockedRow(
      manager,
      `u.status <> 'anonymized' AND (lower(u.user_name) = ANY($2::text[]) OR u.primary_email = ANY($2::text[]))
       ORDER BY CASE WHEN lower(u.user_name) = ANY($2::text[]) THEN 0 ELSE 1 END, u.created_at, u.id
       LIMIT 1`,
      [organizationId, values],
    );
  }

  /**
   * One user of the organization matching `condition` (`u` the user, `$1` the organization),
   * with its pool, locked (FOR UPDATE of the user's row) for a change: one statement. The row
   * remembers the user as read (`before`), for the change's events.
   */
  private async lockedRow(
    manager: EntityManager,
    condition: string,
    params: unknown[],
  ): Promise<UserRow | null> {
    const [raw] = await runStatement(
      manager,
      `SELECT ${this.readSelect(false)}
       FROM users u JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
       WHERE u.organization_id = $1 AND ${condition}
       FOR UPDATE OF u`,
      params,
    );
    if (!raw) return null;
    const row = this.fromReadRow(raw);
    return { user: row.user, pool: row.pool, before: structuredClone(toUser(row.user, row.pool)) };
  }

  /** A new, unsaved user (its columns only: what `Repository.create` makes, without the metadata walk). */
  create(values: Partial<UserEntity>): UserEntity {
    return Object.assign(new UserEntity(), values);
  }

  /**
   * Inserts a new user in one plain INSERT (the hot path of SCIM creates: no query builder, no
   * entity persistence machinery) and fills in what the database generated. Every column is
   * written as `save()` would write it (`version` starts at 1), with one rule of the pool policy
   * applied to the pool's seat count as it is when the row is written: a user sent as
   * `provisioned` into a pool with no seat left is `pending` (SPEC §3 rule 5). Nothing is written,
   * and the answer is null, when the pool is not the organization's or, with `poolStructure`, when
   * the organization's pools are no longer those it fingerprints (`POOL_STRUCTURE_SQL`: the caller
   * chose the pool from a list that has changed). `ifNameFree`: when another user holds the
   * userName (any case), nothing is written and the answer is null, where otherwise the unique
   * index refuses the row. The `user.created` event, acted by `actor`, is written by the same
   * statement.
   */
  async insert(
    user: UserEntity,
    actor: Actor,
    manager: EntityManager,
    {
      ifNameFree = false,
      poolStructure = null,
    }: { ifNameFree?: boolean; poolStructure?: string | null } = {},
  ): Promise<UserEntity | null> {
    const [row] = await runStatement<{
      id: string;
      status: UserEntity['status'];
      created_at: Date;
      updated_at: Date;
    }>(
      manager,
      `WITH u AS (INSERT INTO users (organization_id, user_name, external_id, formatted_name, given_name,
         family_name, middle_name, honorific_prefix, honorific_suffix, display_name, nick_name,
         profile_url, title, user_type, preferred_language, locale, timezone, emails, email_values,
         primary_email, phone_numbers, addresses, ims, photos, enterprise, role, license_pool_id,
         license_tier, status, scim_managed, scim_visible, first_login_at, last_login_at, version)
       SELECT $1::uuid, $2::varchar, $3::varchar, $4::varchar, $5::varchar, $6::varchar,
         $7::varchar, $8::varchar, $9::varchar, $10::varchar, $11::varchar, $12::varchar,
         $13::varchar, $14::varchar, $15::varchar, $16::varchar, $17::varchar, $18::jsonb,
         $19::text[], $20::varchar, $21::jsonb, $22::jsonb, $23::jsonb, $24::jsonb, $25::jsonb,
         $26::varchar, $27::uuid, $28::varchar,
         CASE WHEN $29::varchar = 'provisioned' AND p.used >= p.capacity THEN 'pending' ELSE $29::varchar END,
         $30::boolean, $31::boolean, $32::timestamptz, $33::timestamptz, 1
       FROM license_pools p
       WHERE p.id = $27::uuid AND p.organization_id = $1::uuid
         AND ($34::text IS NULL OR ${POOL_STRUCTURE_SQL('$1::uuid')} = $34::text)
       ${ifNameFree ? 'ON CONFLICT (organization_id, lower(user_name)) DO NOTHING' : ''}
       RETURNING *),
       e AS (INSERT INTO events (organization_id, type, actor, subject_type, subject_id, data)
         SELECT u.organization_id, 'user.created', $35::jsonb, 'user', u.id, rollcall_user_view(u, p)
         FROM u JOIN license_pools p ON p.id = u.license_pool_id)
       SELECT id, status, created_at, updated_at FROM u`,
      [...userValues(user), poolStructure, JSON.stringify(actor)],
    );
    if (!row) return null;
    user.id = row.id;
    user.status = row.status;
    user.createdAt = new Date(row.created_at);
    user.updatedAt = new Date(row.updated_at);
    user.version = 1;
    return user;
  }

  /**
   * Writes a changed user (read and locked in this transaction) and its events in one statement:
   * every column `insert` writes but the organization, `version` moved on and `updated_at` stamped
   * as TypeORM's save does (the transaction's time). The events' representation is the row as
   * written. Answers what the database set; fills it in on the entity.
   */
  async update(
    user: UserEntity,
    events: NewEvent[],
    actor: Actor,
    manager: EntityManager,
  ): Promise<UserEntity> {
    const values = userValues(user);
    const set = UPDATE_COLUMNS.map(([column, type], i) => `${column} = $${i + 3}::${type}`);
    // $1 the organization, $2 the id, then the 32 columns; then the actor and the events.
    const base = values.length + 1;
    const [row] = await runStatement<{ updated_at: Date | string; version: number }>(
      manager,
      `WITH u AS (
         UPDATE users SET ${set.join(', ')}, version = version + 1, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2
         RETURNING *),
       e AS (INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
         SELECT u.organization_id, ev.type, $${base + 1}::jsonb, 'user', u.id, ev.details,
                rollcall_user_view(u, p)
         FROM unnest($${base + 2}::text[], $${base + 3}::jsonb[]) WITH ORDINALITY AS ev(type, details, n)
         CROSS JOIN u
         JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
         ORDER BY ev.n)
       SELECT updated_at, version FROM u`,
      [
        user.organizationId,
        user.id,
        ...values.slice(1),
        JSON.stringify(actor),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.details ?? {})),
      ],
    );
    if (!row) throw new Error(`the user ${user.id} to update is not there`);
    user.updatedAt = new Date(row.updated_at);
    user.version = row.version;
    return user;
  }

  /**
   * A page of the admin list: users matching the criteria ordered by `(sort key, id)` in one
   * direction, after the position given, each with `lower(user_name)` (the userName sort key as
   * PostgreSQL compares it).
   */
  async adminPage(
    organizationId: string,
    query: AdminUserQuery,
  ): Promise<{ row: UserRow; lowerUserName: string }[]> {
    const { expression, type } = SORT_SQL[query.field];
    const { conditions, params, param } = adminConditions(query.criteria);
    const direction = query.descending ? 'DESC' : 'ASC';
    if (query.after) {
      conditions.push(
        `(${expression}, u.id) ${query.descending ? '<' : '>'} (${param(query.after.key)}::${type}, ${param(query.after.id)}::uuid)`,
      );
    }
    const where = conditions.length > 0 ? `AND (${conditions.join(' AND ')})` : '';
    const ids = await runStatement<{ id: string; lun: string }>(
      this.dataSource,
      `SELECT u.id, lower(u.user_name) AS lun FROM users u
       WHERE u.organization_id = $1 ${where}
       ORDER BY ${expression} ${direction}, u.id ${direction} LIMIT ${query.limit}`,
      [organizationId, ...params],
    );
    const rows = await this.loadRows(organizationId, ids);
    const lun = new Map(ids.map(({ id, lun }) => [id, lun]));
    return rows.map((row) => ({ row, lowerUserName: lun.get(row.user.id) ?? '' }));
  }

  /** Moves every user of a pool to another, as they are (a deleted pool's users); answers who moved. */
  async moveAllToPool(
    fromPoolId: string,
    toPoolId: string,
    manager: EntityManager,
  ): Promise<{ id: string; seated: boolean }[]> {
    const rows = await runStatement<{ id: string; seated: boolean }>(
      manager,
      `UPDATE users SET license_pool_id = $1 WHERE license_pool_id = $2
       RETURNING id, status = 'active' AS seated`,
      [toPoolId, fromPoolId],
    );
    return rows;
  }

  /**
   * Locks every admin of the organization (not anonymized), so that two demotions cannot both pass
   * the count; answers how many there are.
   */
  async lockAdmins(organizationId: string, manager: EntityManager): Promise<number> {
    const admins = await runStatement(
      manager,
      `SELECT id FROM users WHERE organization_id = $1 AND role = 'admin' AND status <> 'anonymized' ORDER BY id FOR UPDATE`,
      [organizationId],
    );
    return admins.length;
  }

  /** The rows of `ids` (with their pools), in the order given; ids no longer there are left out. */
  async loadRows(organizationId: string, ids: { id: string }[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const users = await this.repo().findBy(ids.map(({ id }) => ({ id, organizationId })));
    const pools = await this.dataSource
      .getRepository(LicensePoolEntity)
      .findBy(
        [...new Set(users.map((u) => u.licensePoolId))].map((id) => ({ id, organizationId })),
      );
    const byId = new Map(users.map((u) => [u.id, u]));
    const poolById = new Map(pools.map((p) => [p.id, p]));
    return ids.flatMap(({ id }) => {
      const user = byId.get(id);
      const pool = user && poolById.get(user.licensePoolId);
      return user && pool
        ? [{ user, pool: { id: pool.id, name: pool.name, isDefault: pool.isDefault } }]
        : [];
    });
  }
}

/**
 * The values of every column `insert` writes, in its order ($1 is the organization): one place, so
 * an insert and an update write each column alike.
 */
function userValues(user: UserEntity): unknown[] {
  return [
    user.organizationId,
    user.userName,
    user.externalId,
    user.formattedName,
    user.givenName,
    user.familyName,
    user.middleName,
    user.honorificPrefix,
    user.honorificSuffix,
    user.displayName,
    user.nickName,
    user.profileUrl,
    user.title,
    user.userType,
    user.preferredLanguage,
    user.locale,
    user.timezone,
    JSON.stringify(user.emails),
    user.emailValues,
    user.primaryEmail,
    JSON.stringify(user.phoneNumbers),
    JSON.stringify(user.addresses),
    JSON.stringify(user.ims),
    JSON.stringify(user.photos),
    JSON.stringify(user.enterprise),
    user.role,
    user.licensePoolId,
    user.licenseTier,
    user.status,
    user.scimManaged,
    user.scimVisible,
    user.firstLoginAt,
    user.lastLoginAt,
  ];
}

/** The columns an update writes, with their types: `userValues` after the organization. */
const UPDATE_COLUMNS: [string, string][] = [
  ['user_name', 'varchar'],
  ['external_id', 'varchar'],
  ['formatted_name', 'varchar'],
  ['given_name', 'varchar'],
  ['family_name', 'varchar'],
  ['middle_name', 'varchar'],
  ['honorific_prefix', 'varchar'],
  ['honorific_suffix', 'varchar'],
  ['display_name', 'varchar'],
  ['nick_name', 'varchar'],
  ['profile_url', 'varchar'],
  ['title', 'varchar'],
  ['user_type', 'varchar'],
  ['preferred_language', 'varchar'],
  ['locale', 'varchar'],
  ['timezone', 'varchar'],
  ['emails', 'jsonb'],
  ['email_values', 'text[]'],
  ['primary_email', 'varchar'],
  ['phone_numbers', 'jsonb'],
  ['addresses', 'jsonb'],
  ['ims', 'jsonb'],
  ['photos', 'jsonb'],
  ['enterprise', 'jsonb'],
  ['role', 'varchar'],
  ['license_pool_id', 'uuid'],
  ['license_tier', 'varchar'],
  ['status', 'varchar'],
  ['scim_managed', 'boolean'],
  ['scim_visible', 'boolean'],
  ['first_login_at', 'timestamptz'],
  ['last_login_at', 'timestamptz'],
];

const SORT_SQL: Record<AdminUserSortField, { expression: string; type: 'timestamptz' | 'text' }> = {
  createdAt: { expression: 'u.created_at', type: 'timestamptz' },
  userName: { expression: 'lower(u.user_name)', type: 'text' },
  // Never signed in sorts before everyone (ascending) or after everyone (descending).
  lastLoginAt: {
    expression: `coalesce(u.last_login_at, '-infinity'::timestamptz)`,
    type: 'timestamptz',
  },
};

/** The SQL conditions of the admin list's filters, with `$n` parameters after the organization's. */
function adminConditions(criteria: AdminUserCriteria) {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length + 1}`;
  };
  if (criteria.status) conditions.push(`u.status = ${param(criteria.status)}`);
  if (criteria.poolId) conditions.push(`u.license_pool_id = ${param(criteria.poolId)}`);
  if (criteria.role) conditions.push(`u.role = ${param(criteria.role)}`);
  if (criteria.scimManaged !== undefined)
    conditions.push(`u.scim_managed = ${param(criteria.scimManaged)}`);
  if (criteria.groupId) {
    conditions.push(
      `EXISTS (SELECT 1 FROM group_members gm WHERE gm.organization_id = u.organization_id AND gm.user_id = u.id AND gm.group_id = ${param(criteria.groupId)}::uuid)`,
    );
  }
  if (criteria.q) {
    const pattern = param(`%${criteria.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conditions.push(
      `(lower(u.user_name) LIKE ${pattern} OR lower(coalesce(u.display_name, '')) LIKE ${pattern} OR coalesce(u.primary_email, '') LIKE ${pattern} OR lower(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')) LIKE ${pattern})`,
    );
  }
  return { conditions, params, param };
}

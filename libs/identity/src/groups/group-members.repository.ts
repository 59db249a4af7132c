import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Cursor, runStatement } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import type { UserStatus } from '../users/user.entity';
import type { GroupMember, GroupMemberDetail, UserGroup } from './group.model';

/** What `changeInOneStatement` did. */
export type MemberChangeOutcome =
  'changed' | 'unchanged' | 'not_found' | 'version_mismatch' | 'invalid_members';

/**
 * Which memberships an operation sees: SCIM sees (and changes) only the memberships of users SCIM
 * can see — not SCIM-deleted, not anonymized — so a SCIM-deleted user's memberships survive until
 * the user comes back; the admin API sees all.
 */
export type MemberScope = 'scim' | 'all';

const SCIM_VISIBLE_USER = `u.scim_visible AND u.status <> 'anonymized'`;

function visible(scope: MemberScope): string {
  return scope === 'scim' ? ` AND ${SCIM_VISIBLE_USER}` : '';
}

/**
 * The `group_members` table: who belongs to which group. Members change through set-based SQL on the
 * listed ids only (one statement per change, whatever the group's size); reads fetch the members or
 * groups of many rows in one query. Every statement is scoped by the organization.
 */
@Injectable()
export class GroupMembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One `add` or `remove` of SCIM members in one statement (the `scim_group_member_change`
   * function: lock, version check, member check, change, version moved once). Answers what
   * happened; on anything but `changed`/`unchanged` nothing was written. `userIds`: distinct,
   * well-formed UUIDs. The change's events, acted by `actor`, are written by the same statement.
   */
  async changeInOneStatement(
    organizationId: string,
    groupId: string,
    expectedVersion: number | undefined,
    op: 'add' | 'remove',
    userIds: string[],
    actor: Actor,
  ): Promise<{ outcome: MemberChangeOutcome; version: number | null }> {
    const [row] = await runStatement<{ outcome: MemberChangeOutcome; version: number | null }>(
      this.dataSource,
      'SELECT outcome, version FROM scim_group_member_change($1, $2, $3, $4, $5::uuid[], $6::jsonb)',
      [organizationId, groupId, expectedVersion ?? null, op, userIds, JSON.stringify(actor)],
    );
    if (!row) throw new Error('scim_group_member_change answered no row');
    return row;
  }

  /** Which of `ids` name users that may join a group (never anonymized ones; SCIM: visible ones). */
  async existingUserIds(
    organizationId: string,
    ids: string[],
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<Set<string>> {
    const rows = await runStatement<{ id: string }>(
      manager,
      `SELECT u.id FROM users u WHERE u.organization_id = $1 AND u.id = ANY($2::uuid[])
         AND ${scope === 'scim' ? SCIM_VISIBLE_USER : `u.status <> 'anonymized'`}`,
      [organizationId, ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Which of `ids` are groups of the organization. */
  async existingGroupIds(
    organizationId: string,
    ids: string[],
    manager: EntityManager,
  ): Promise<Set<string>> {
    const rows = await runStatement<{ id: string }>(
      manager,
      'SELECT g.id FROM groups g WHERE g.organization_id = $1 AND g.id = ANY($2::uuid[])',
      [organizationId, ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** INSERT … ON CONFLICT DO NOTHING: the users whose memberships are new, in the order given. */
  async addMembers(
    organizationId: string,
    groupId: string,
    userIds: string[],
    manager: EntityManager,
  ): Promise<string[]> {
    if (userIds.length === 0) return [];
    return this.ids(
      manager,
      `INSERT INTO group_members (organization_id, group_id, user_id)
       SELECT $1, $2, u.id FROM unnest($3::uuid[]) WITH ORDINALITY AS m(id, n)
       JOIN users u ON u.organization_id = $1 AND u.id = m.id
       ORDER BY m.n
       ON CONFLICT DO NOTHING RETURNING user_id AS id`,
      [organizationId, groupId, userIds],
    );
  }

  /** DELETE … WHERE user_id = ANY($n): the users whose memberships were removed. */
  removeMembers(
    organizationId: string,
    groupId: string,
    userIds: string[],
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<string[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.deleteMembers(manager, scope, 'AND gm.user_id = ANY($3::uuid[])', [
      organizationId,
      groupId,
      userIds,
    ]);
  }

  /** Removes every membership in scope except those of `keep` (all of them when `keep` is empty). */
  removeMembersExcept(
    organizationId: string,
    groupId: string,
    keep: string[],
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<string[]> {
    return keep.length === 0
      ? this.deleteMembers(manager, scope, '', [organizationId, groupId])
      : this.deleteMembers(manager, scope, 'AND NOT (gm.user_id = ANY($3::uuid[]))', [
          organizationId,
          groupId,
          keep,
        ]);
  }

  /**
   * Makes the user a member of exactly the groups named (case-insensitively) and of no other; groups
   * that gain or lose the user move their version on. Names no group carries are returned, not
   * created; so are the groups the user joined and left.
   */
  async setUserGroupsByName(
    organizationId: string,
    userId: string,
    names: string[],
    manager: EntityManager,
  ): Promise<{ unknown: string[]; joined: string[]; left: string[] }> {
    const wanted = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
    const found = await runStatement<{ id: string; name: string }>(
      manager,
      `SELECT g.id, lower(g.display_name) AS name FROM groups g
        WHERE g.organization_id = $1 AND lower(g.display_name) = ANY($2::text[])`,
      [organizationId, wanted.map((n) => n.toLowerCase())],
    );
    const known = new Set(found.map((g) => g.name));
    const ids = found.map((g) => g.id);
    const changes = await runStatement<{ group_id: string; joined: boolean }>(
      manager,
      `WITH removed AS (
         DELETE FROM group_members gm
          WHERE gm.organization_id = $1 AND gm.user_id = $2 AND NOT (gm.group_id = ANY($3::uuid[]))
         RETURNING gm.group_id
       ), added AS (
         INSERT INTO group_members (organization_id, group_id, user_id)
         SELECT $1, g, $2 FROM unnest($3::uuid[]) AS g
         ON CONFLICT DO NOTHING RETURNING group_id
       ), bumped AS (
         UPDATE groups g SET version = g.version + 1, updated_at = now()
          WHERE g.organization_id = $1
            AND g.id IN (SELECT group_id FROM removed UNION SELECT group_id FROM added)
       )
       SELECT group_id, false AS joined FROM removed UNION ALL SELECT group_id, true FROM added`,
      [organizationId, userId, ids],
    );
    return {
      unknown: wanted.filter((n) => !known.has(n.toLowerCase())),
      joined: changes.filter((c) => c.joined).map((c) => c.group_id),
      left: changes.filter((c) => !c.joined).map((c) => c.group_id),
    };
  }

  /**
   * Removes a user from every group; each group it left moves its version and updated_at on.
   * Answers the groups it left.
   */
  async removeUserFromAllGroups(
    organizationId: string,
    userId: string,
    manager: EntityManager,
  ): Promise<string[]> {
    return this.ids(
      manager,
      `WITH removed AS (
         DELETE FROM group_members gm WHERE gm.organization_id = $1 AND gm.user_id = $2
         RETURNING gm.group_id
       ), bumped AS (
         UPDATE groups g SET version = g.version + 1, updated_at = now()
         WHERE g.organization_id = $1 AND g.id IN (SELECT group_id FROM removed)
       ) SELECT group_id AS id FROM removed`,
      [organizationId, userId],
    );
  }

  private deleteMembers(
    manager: EntityManager,
    scope: MemberScope,
    condition: string,
    params: unknown[],
  ): Promise<string[]> {
    const join =
      scope === 'scim'
        ? `AND EXISTS (SELECT 1 FROM users u WHERE u.id = gm.user_id${visible(scope)})`
        : '';
    return this.ids(
      manager,
      `DELETE FROM group_members gm
       WHERE gm.organization_id = $1 AND gm.group_id = $2 ${condition} ${join}
       RETURNING gm.user_id AS id`,
      params,
    );
  }

  private async ids(manager: EntityManager, sql: string, params: unknown[]): Promise<string[]> {
    const rows = await runStatement<{ id: string }>(manager, sql, params);
    return rows.map((row) => row.id);
  }

  /**
   * The members of several groups in one query, ordered by user id: SCIM-visible users only, each
   * with its displayName (else userName).
   */
  async membersOf(organizationId: string, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    const result = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    const rows = await runStatement<{ g: string; u: string; d: string }>(
      this.dataSource,
      `SELECT gm.group_id AS g, gm.user_id AS u, COALESCE(u.display_name, u.user_name) AS d
       FROM group_members gm JOIN users u ON u.id = gm.user_id AND u.organization_id = gm.organization_id
       WHERE gm.organization_id = $1 AND gm.group_id = ANY($2::uuid[]) AND ${SCIM_VISIBLE_USER}
       ORDER BY gm.group_id, gm.user_id`,
      [organizationId, groupIds],
    );
    for (const row of rows) result.get(row.g)?.push({ userId: row.u, display: row.d });
    return result;
  }

  /** One page of a group's members for admins, in the order they joined. */
  async memberPage(
    organizationId: string,
    groupId: string,
    limit: number,
    after: Cursor | undefined,
  ): Promise<(GroupMemberDetail & Cursor)[]> {
    const params: unknown[] = [organizationId, groupId, limit + 1];
    const keyset = after ? 'AND (gm.created_at, gm.user_id) > ($4::timestamptz, $5::uuid)' : '';
    if (after) params.push(after.createdAt.toISOString(), after.id);
    const rows = await runStatement<{
      user_id: string;
      user_name: string;
      display_name: string | null;
      status: UserStatus;
      created_at: Date | string;
    }>(
      this.dataSource,
      `SELECT gm.user_id, u.user_name, u.display_name, u.status, gm.created_at
       FROM group_members gm JOIN users u ON u.id = gm.user_id AND u.organization_id = gm.organization_id
       WHERE gm.organization_id = $1 AND gm.group_id = $2 ${keyset}
       ORDER BY gm.created_at, gm.user_id LIMIT $3`,
      params,
    );
    return rows.map((row) => {
      const addedAt = new Date(row.created_at);
      return {
        userId: row.user_id,
        userName: row.user_name,
        displayName: row.display_name,
        status: row.status,
        addedAt,
        createdAt: addedAt,
        id: row.user_id,
      };
    });
  }

  /** The number of members of each group, in one query. */
  async memberCounts(organizationId: string, groupIds: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>(groupIds.map((id) => [id, 0]));
    if (groupIds.length === 0) return result;
    const rows = await runStatement<{ g: string; n: number }>(
      this.dataSource,
      `SELECT gm.group_id AS g, count(*)::int AS n FROM group_members gm
       WHERE gm.organization_id = $1 AND gm.group_id = ANY($2::uuid[]) GROUP BY gm.group_id`,
      [organizationId, groupIds],
    );
    for (const row of rows) result.set(row.g, row.n);
    return result;
  }

  /** The groups of several users in one query, by display name. */
  async groupsOfUsers(
    organizationId: string,
    userIds: string[],
  ): Promise<Map<string, UserGroup[]>> {
    const result = new Map<string, UserGroup[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const rows = await runStatement<{ u: string; g: string; d: string }>(
      this.dataSource,
      `SELECT gm.user_id AS u, g.id AS g, g.display_name AS d
       FROM group_members gm JOIN groups g ON g.id = gm.group_id AND g.organization_id = gm.organization_id
       WHERE gm.organization_id = $1 AND gm.user_id = ANY($2::uuid[])
       ORDER BY gm.user_id, lower(g.display_name), g.id`,
      [organizationId, userIds],
    );
    for (const row of rows) result.get(row.u)?.push({ value: row.g, display: row.d });
    return result;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError, decodeCursor, type Page, toPage } from '@rollcall/common';
import type { GroupEntity } from './group.entity';
import {
  type Group,
  type GroupAttributes,
  type GroupMember,
  type GroupMemberDetail,
  type GroupSummary,
  MAX_DISPLAY_NAME_LENGTH,
  type MemberChange,
  toGroup,
  type UserGroup,
} from './group.model';
import { type GroupSearch, GroupsRepository, type MemberScope } from './groups.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScimGroupWrite extends GroupAttributes {
  /** The complete member list (POST, PUT). */
  memberIds: string[];
}

/** How admin writes treat SCIM-managed groups. */
export interface AdminWriteOptions {
  /** True while SCIM manages the organization: SCIM-managed groups are then read-only (SPEC §2). */
  protectScimManaged: boolean;
}

function isDisplayNameViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })
    .driverError;
  return (
    error instanceof QueryFailedError &&
    driverError?.code === '23505' &&
    driverError.constraint === 'groups_org_display_name_key'
  );
}

function displayNameTaken(displayName: string): DomainError {
  return new DomainError('uniqueness', `A group with displayName "${displayName}" already exists.`);
}

/** Trimmed, non-empty, at most 256 characters. */
function checkDisplayName(displayName: string): string {
  const trimmed = displayName.trim();
  if (trimmed === '') {
    throw new DomainError(
      'invalid_value',
      'displayName is required and must be a non-empty string.',
    );
  }
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new DomainError(
      'invalid_value',
      `displayName is longer than ${MAX_DISPLAY_NAME_LENGTH} characters.`,
    );
  }
  return trimmed;
}

/** Distinct ids, lowercased (UUIDs compare in any case). */
function distinct(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.trim().toLowerCase()))];
}

/**
 * Groups and their memberships (issue 4), for SCIM and the admin API. Every write is one
 * transaction that first locks the group row, so concurrent writes to one group apply one after the
 * other and none is lost; members change through set-based SQL on the listed ids only, so adding or
 * removing one member costs the same in a group of ten and of a hundred thousand.
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsRepository,
  ) {}

  // ---- SCIM ----------------------------------------------------------------------------------

  /**
   * SCIM create with its members. A displayName held by a group SCIM does not manage takes that
   * group over (like users, SPEC §2): it becomes SCIM-managed with exactly the posted members.
   */
  async scimCreate(organizationId: string, write: ScimGroupWrite): Promise<Group> {
    const displayName = checkDisplayName(write.displayName);
    return this.translateUniqueViolation(displayName, () =>
      this.dataSource.transaction(async (manager) => {
        const memberIds = distinct(write.memberIds);
        await this.checkMembers(organizationId, memberIds, 'scim', manager);
        const existing = await this.groups.findByDisplayNameForUpdate(
          organizationId,
          displayName,
          manager,
        );
        if (existing?.scimManaged) throw displayNameTaken(displayName);
        if (existing) {
          await this.groups.removeMembersExcept(
            organizationId,
            existing.id,
            memberIds,
            'scim',
            manager,
          );
          await this.groups.addMembers(organizationId, existing.id, memberIds, manager);
          const updated = await this.groups.update(
            existing,
            { displayName, externalId: write.externalId, scimManaged: true },
            manager,
          );
          return toGroup(updated);
        }
        const group = await this.groups.insert(
          { organizationId, displayName, externalId: write.externalId, scimManaged: true },
          manager,
        );
        await this.groups.addMembers(organizationId, group.id, memberIds, manager);
        return toGroup(group);
      }),
    );
  }

  /** SCIM PUT: the attributes and the complete member list as they should now be. */
  scimReplace(
    organizationId: string,
    id: string,
    write: ScimGroupWrite,
    expectedVersion?: number,
  ): Promise<Group> {
    return this.scimModify(organizationId, id, expectedVersion, () => write, [
      { op: 'replace', userIds: write.memberIds },
    ]);
  }

  /**
   * SCIM PATCH: `compute` turns the current group into its new attributes (or undefined for no
   * change) while the row is locked; then the member changes apply in order. Version and
   * lastModified move once, and only when something changed.
   */
  scimModify(
    organizationId: string,
    id: string,
    expectedVersion: number | undefined,
    compute: (current: Group) => GroupAttributes | undefined,
    members: MemberChange[],
  ): Promise<Group> {
    let displayName = '';
    return this.translateUniqueViolation(
      () => displayName,
      () =>
        this.dataSource.transaction(async (manager) => {
          const group = await this.lockOrFail(organizationId, id, manager);
          if (expectedVersion !== undefined && expectedVersion !== group.version) {
            throw new DomainError(
              'precondition_failed',
              `The group has changed (version ${group.version}, If-Match named ${expectedVersion}); read it again.`,
            );
          }
          const attributes = compute(toGroup(group));
          const next = attributes
            ? {
                displayName: checkDisplayName(attributes.displayName),
                externalId: attributes.externalId,
              }
            : { displayName: group.displayName, externalId: group.externalId };
          displayName = next.displayName;
          if (next.displayName !== group.displayName) {
            await this.checkNameFree(organizationId, group.id, next.displayName, manager);
          }
          let changed = 0;
          for (const change of members) {
            changed += await this.applyMemberChange(group, change, 'scim', manager);
          }
          if (
            changed === 0 &&
            group.scimManaged &&
            next.displayName === group.displayName &&
            next.externalId === group.externalId
          ) {
            return toGroup(group);
          }
          return toGroup(await this.groups.update(group, { ...next, scimManaged: true }, manager));
        }),
    );
  }

  /** SCIM DELETE: the group and its memberships go; the users stay. */
  /** Deletes a group and its memberships; `expectedVersion` (If-Match) must match when given. */
  async scimDelete(organizationId: string, id: string, expectedVersion?: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = await this.groups.lock(organizationId, id, manager);
      if (!group) throw DomainError.notFound('Group');
      if (expectedVersion !== undefined && expectedVersion !== group.version) {
        throw new DomainError(
          'precondition_failed',
          `The group has changed (version ${group.version}, If-Match named ${expectedVersion}); read it again.`,
        );
      }
      await this.groups.delete(organizationId, id, manager);
    });
  }

  async get(organizationId: string, id: string): Promise<Group> {
    const group = await this.groups.findById(organizationId, id);
    if (!group) throw DomainError.notFound('Group');
    return toGroup(group);
  }

  /** Groups that match a condition compiled from a SCIM filter. */
  async searchForScim(
    organizationId: string,
    search: GroupSearch,
  ): Promise<{ total: number; groups: Group[] }> {
    const total = await this.groups.countWhere(organizationId, search.where, search.params);
    const rows = search.limit > 0 ? await this.groups.search(organizationId, search) : [];
    return { total, groups: rows.map(toGroup) };
  }

  /** The members SCIM lists for several groups, in one query (ordered by user id). */
  membersOf(organizationId: string, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    return this.groups.membersOf(organizationId, groupIds);
  }

  /** The groups of several users in one query (the users' read-only `groups` attribute). */
  groupsOfUsers(organizationId: string, userIds: string[]): Promise<Map<string, UserGroup[]>> {
    return this.groups.groupsOfUsers(organizationId, distinct(userIds));
  }

  // ---- admin API -----------------------------------------------------------------------------

  async list(
    organizationId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<GroupSummary>> {
    const rows = await this.groups.page(organizationId, query.limit, decodeCursor(query.cursor));
    const counts = await this.groups.memberCounts(
      organizationId,
      rows.slice(0, query.limit).map((g) => g.id),
    );
    return toPage(rows, query.limit, (row) => ({
      ...toGroup(row),
      memberCount: counts.get(row.id) ?? 0,
    }));
  }

  async summary(organizationId: string, id: string): Promise<GroupSummary> {
    const group = await this.get(organizationId, id);
    const counts = await this.groups.memberCounts(organizationId, [id]);
    return { ...group, memberCount: counts.get(id) ?? 0 };
  }

  /** A page of a group's members, in the order they joined. */
  async members(
    organizationId: string,
    id: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<GroupMemberDetail>> {
    const after = decodeCursor(query.cursor);
    await this.get(organizationId, id);
    const rows = await this.groups.memberPage(organizationId, id, query.limit, after);
    return toPage(rows, query.limit, ({ userId, userName, displayName, status, addedAt }) => ({
      userId,
      userName,
      displayName,
      status,
      addedAt,
    }));
  }

  /** A group an admin makes and edits by hand (not SCIM-managed). */
  async createManual(organizationId: string, name: string): Promise<GroupSummary> {
    const displayName = checkDisplayName(name);
    const group = await this.translateUniqueViolation(displayName, () =>
      this.dataSource.transaction(async (manager) => {
        await this.checkNameFree(organizationId, undefined, displayName, manager);
        return this.groups.insert(
          { organizationId, displayName, externalId: null, scimManaged: false },
          manager,
        );
      }),
    );
    return { ...toGroup(group), memberCount: 0 };
  }

  async rename(
    organizationId: string,
    id: string,
    name: string,
    options: AdminWriteOptions,
  ): Promise<GroupSummary> {
    const displayName = checkDisplayName(name);
    await this.translateUniqueViolation(displayName, () =>
      this.adminWrite(organizationId, id, options, async (group, manager) => {
        if (displayName === group.displayName) return;
        await this.checkNameFree(organizationId, group.id, displayName, manager);
        await this.groups.update(
          group,
          { displayName, externalId: group.externalId, scimManaged: group.scimManaged },
          manager,
        );
      }),
    );
    return this.summary(organizationId, id);
  }

  async deleteManual(
    organizationId: string,
    id: string,
    options: AdminWriteOptions,
  ): Promise<void> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      await this.groups.delete(organizationId, group.id, manager);
    });
  }

  async addMembers(
    organizationId: string,
    id: string,
    userIds: string[],
    options: AdminWriteOptions,
  ): Promise<GroupSummary> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      await this.applyMemberChange(group, { op: 'add', userIds }, 'all', manager);
    });
    return this.summary(organizationId, id);
  }

  async removeMember(
    organizationId: string,
    id: string,
    userId: string,
    options: AdminWriteOptions,
  ): Promise<void> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      const removed = await this.applyMemberChange(
        group,
        { op: 'remove', userIds: [userId] },
        'all',
        manager,
      );
      if (removed === 0) throw DomainError.notFound('Membership');
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private async adminWrite(
    organizationId: string,
    id: string,
    options: AdminWriteOptions,
    work: (group: GroupEntity, manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = await this.lockOrFail(organizationId, id, manager);
      if (group.scimManaged && options.protectScimManaged) {
        throw new DomainError(
          'scim_managed',
          `The group "${group.displayName}" is managed by the organization's identity provider ` +
            'through SCIM and is read-only here; change it in the identity provider.',
        );
      }
      await work(group, manager);
    });
  }

  private async lockOrFail(
    organizationId: string,
    id: string,
    manager: EntityManager,
  ): Promise<GroupEntity> {
    const group = await this.groups.lock(organizationId, id, manager);
    if (!group) throw DomainError.notFound('Group');
    return group;
  }

  private async checkNameFree(
    organizationId: string,
    id: string | undefined,
    displayName: string,
    manager: EntityManager,
  ): Promise<void> {
    const clash = await this.groups.findByDisplayNameForUpdate(
      organizationId,
      displayName,
      manager,
    );
    if (clash && clash.id !== id) throw displayNameTaken(displayName);
  }

  /** Applies one member change in SQL; returns the number of memberships added or removed. */
  private async applyMemberChange(
    group: GroupEntity,
    change: MemberChange,
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<number> {
    const { organizationId, id } = group;
    switch (change.op) {
      case 'add': {
        const ids = distinct(change.userIds);
        await this.checkMembers(organizationId, ids, scope, manager);
        return this.groups.addMembers(organizationId, id, ids, manager);
      }
      case 'remove': {
        const ids = distinct(change.userIds).filter((userId) => UUID.test(userId));
        return this.groups.removeMembers(organizationId, id, ids, scope, manager);
      }
      case 'removeAll':
        return this.groups.removeMembersExcept(organizationId, id, [], scope, manager);
      case 'replace': {
        const ids = distinct(change.userIds);
        await this.checkMembers(organizationId, ids, scope, manager);
        const removed = await this.groups.removeMembersExcept(
          organizationId,
          id,
          ids,
          scope,
          manager,
        );
        return removed + (await this.groups.addMembers(organizationId, id, ids, manager));
      }
    }
  }

  /**
   * Every id must name a user of the organization (for SCIM: one SCIM can see). An id that names a
   * group is refused with its own message: nested groups are not supported.
   */
  private async checkMembers(
    organizationId: string,
    ids: string[],
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<void> {
    if (ids.length === 0) return;
    const wellFormed = ids.filter((id) => UUID.test(id));
    const users = await this.groups.existingUserIds(organizationId, wellFormed, scope, manager);
    const missing = ids.filter((id) => !users.has(id));
    if (missing.length === 0) return;
    const groups = await this.groups.existingGroupIds(
      organizationId,
      missing.filter((id) => UUID.test(id)),
      manager,
    );
    const nested = missing.find((id) => groups.has(id));
    if (nested !== undefined) {
      throw new DomainError(
        'invalid_value',
        `Member "${nested}" is a group: nested groups are not supported; add the group's users instead.`,
      );
    }
    const others = missing.length - 1;
    throw new DomainError(
      'invalid_value',
      `Member "${shorten(missing[0] ?? '')}" is not a user of this organization` +
        `${others > 0 ? ` (nor ${others === 1 ? 'is 1 other id' : `are ${others} other ids`})` : ''}; nothing was changed.`,
    );
  }

  private async translateUniqueViolation<T>(
    displayName: string | (() => string),
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isDisplayNameViolation(error)) {
        throw displayNameTaken(typeof displayName === 'string' ? displayName : displayName());
      }
      throw error;
    }
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

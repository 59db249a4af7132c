import { Injectable } from '@nestjs/common';
import { DomainError, decodeCursor, type Page, type RowPosition, toPage } from '@rollcall/common';
import {
  type Group,
  type GroupMember,
  type GroupMemberDetail,
  type GroupSummary,
  toGroup,
  type UserGroup,
} from './group.model';
import { distinct } from './group-core.service';
import { GroupMembersRepository } from './group-members.repository';
import { type GroupSearch, GroupsRepository } from './groups.repository';

/**
 * Reading groups and their memberships, for SCIM and the admin API (writes: ScimGroupWrites and
 * AdminGroupActions). Lists of many groups fetch their members or counts in one query.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly memberships: GroupMembersRepository,
  ) {}

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

  /** A cursor page (RFC 9865): `search.limit` + 1 groups on from its keyset, with positions. */
  async cursorSearchForScim(
    organizationId: string,
    search: GroupSearch,
  ): Promise<{ groups: { group: Group; position: RowPosition }[] }> {
    const { groups, positions } = await this.groups.cursorPage(organizationId, search);
    return {
      groups: groups.map((g, index) => ({ group: toGroup(g), position: positions[index] })),
    };
  }

  /** The members SCIM lists for several groups, in one query (ordered by user id). */
  membersOf(organizationId: string, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    return this.memberships.membersOf(organizationId, groupIds);
  }

  /** The groups of several users in one query (the users' read-only `groups` attribute). */
  groupsOfUsers(organizationId: string, userIds: string[]): Promise<Map<string, UserGroup[]>> {
    return this.memberships.groupsOfUsers(organizationId, distinct(userIds));
  }

  /** The admin list: a keyset page of groups with their member counts. */
  async list(
    organizationId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<GroupSummary>> {
    const rows = await this.groups.page(organizationId, query.limit, decodeCursor(query.cursor));
    const counts = await this.memberships.memberCounts(
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
    const counts = await this.memberships.memberCounts(organizationId, [id]);
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
    const rows = await this.memberships.memberPage(organizationId, id, query.limit, after);
    return toPage(rows, query.limit, ({ userId, userName, displayName, status, addedAt }) => ({
      userId,
      userName,
      displayName,
      status,
      addedAt,
    }));
  }
}

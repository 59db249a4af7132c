import { Injectable } from '@nestjs/common';
import type { Page } from '@rollcall/common';
import {
  type Actor,
  AdminGroupActions,
  type GroupMemberDetail,
  type GroupSummary,
  GroupsService,
} from '@rollcall/identity';
import { ScimIntegrationService } from '@rollcall/integration';
import type {
  GroupDetailResponseDto,
  GroupListResponseDto,
  GroupMemberResponseDto,
  GroupResponseDto,
} from './groups-admin.dto';

interface PageQuery {
  limit: number;
  cursor?: string;
}

function toMember(member: GroupMemberDetail): GroupMemberResponseDto {
  return { ...member, addedAt: member.addedAt.toISOString() };
}

/**
 * Groups for an organization's admins (SPEC §7): lists with member counts, a group with a page of
 * members, and manual groups. SCIM-managed groups are read-only while SCIM is enabled (SPEC §2).
 */
@Injectable()
export class GroupsAdminService {
  constructor(
    private readonly groups: GroupsService,
    private readonly actions: AdminGroupActions,
    private readonly integration: ScimIntegrationService,
  ) {}

  private async scimEnabled(organizationId: string): Promise<boolean> {
    return (await this.integration.status(organizationId)).enabled;
  }

  private async options(organizationId: string) {
    return { protectScimManaged: await this.scimEnabled(organizationId) };
  }

  private toResponse(group: GroupSummary, scimEnabled: boolean): GroupResponseDto {
    return {
      id: group.id,
      displayName: group.displayName,
      externalId: group.externalId,
      scimManaged: group.scimManaged,
      readOnly: group.scimManaged && scimEnabled,
      memberCount: group.memberCount,
      createdAt: group.createdAt.toISOString(),
      updatedAt: group.updatedAt.toISOString(),
    };
  }

  async list(organizationId: string, query: PageQuery): Promise<GroupListResponseDto> {
    const page = await this.groups.list(organizationId, query);
    const scim = await this.scimEnabled(organizationId);
    return { data: page.data.map((g) => this.toResponse(g, scim)), nextCursor: page.nextCursor };
  }

  async get(organizationId: string, id: string, query: PageQuery): Promise<GroupDetailResponseDto> {
    const group = await this.groups.summary(organizationId, id);
    const members: Page<GroupMemberDetail> = await this.groups.members(organizationId, id, query);
    return {
      ...this.toResponse(group, await this.scimEnabled(organizationId)),
      members: { data: members.data.map(toMember), nextCursor: members.nextCursor },
    };
  }

  async create(
    organizationId: string,
    displayName: string,
    actor: Actor,
  ): Promise<GroupResponseDto> {
    const group = await this.actions.createManual(organizationId, displayName, actor);
    return this.toResponse(group, await this.scimEnabled(organizationId));
  }

  async rename(
    organizationId: string,
    id: string,
    displayName: string,
    actor: Actor,
  ): Promise<GroupResponseDto> {
    const options = await this.options(organizationId);
    const group = await this.actions.rename(organizationId, id, displayName, options, actor);
    return this.toResponse(group, options.protectScimManaged);
  }

  async delete(organizationId: string, id: string, actor: Actor): Promise<void> {
    await this.actions.deleteManual(organizationId, id, await this.options(organizationId), actor);
  }

  async addMembers(
    organizationId: string,
    id: string,
    userIds: string[],
    actor: Actor,
  ): Promise<GroupResponseDto> {
    const options = await this.options(organizationId);
    const group = await this.actions.addMembers(organizationId, id, userIds, options, actor);
    return this.toResponse(group, options.protectScimManaged);
  }

  async removeMember(
    organizationId: string,
    id: string,
    userId: string,
    actor: Actor,
  ): Promise<void> {
    const options = await this.options(organizationId);
    await this.actions.removeMember(organizationId, id, userId, options, actor);
  }
}

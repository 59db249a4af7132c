import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, PageQueryDto, UuidParamPipe } from '@rollcall/common';
import type { Actor } from '@rollcall/identity';
import { AdminAuth, GroupAdminMay, OrganizationId, RequestActor } from '@rollcall/tenancy';
import {
  GroupCreateDto,
  GroupDetailResponseDto,
  GroupListResponseDto,
  GroupMembersAddDto,
  GroupRenameDto,
  GroupResponseDto,
} from './groups-admin.dto';
import { GroupsAdminService } from './groups-admin.service';

const GroupId = new UuidParamPipe('Group');
const UserId = new UuidParamPipe('User');

@ApiTags('Groups')
@AdminAuth()
@GroupAdminMay()
@Controller('api/v1/groups')
export class GroupsAdminController {
  constructor(private readonly groups: GroupsAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'List the organization’s groups with their member counts',
    description: 'In creation order; page with `nextCursor`.',
  })
  @ApiOkResponse({ type: GroupListResponseDto })
  @ApiProblems('validation_failed')
  list(
    @OrganizationId() organizationId: string,
    @Query() query: PageQueryDto,
  ): Promise<GroupListResponseDto> {
    return this.groups.list(organizationId, { limit: query.limit ?? 50, cursor: query.cursor });
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a group with a page of its members',
    description: '`limit` and `cursor` page through the members, in the order they joined.',
  })
  @ApiOkResponse({ type: GroupDetailResponseDto })
  @ApiProblems('not_found', 'validation_failed')
  get(
    @OrganizationId() organizationId: string,
    @Param('id', GroupId) id: string,
    @Query() query: PageQueryDto,
  ): Promise<GroupDetailResponseDto> {
    return this.groups.get(organizationId, id, { limit: query.limit ?? 50, cursor: query.cursor });
  }

  @Post()
  @ApiOperation({
    summary: 'Create a manual group',
    description: 'A group the admins manage themselves (SCIM does not manage it).',
  })
  @ApiCreatedResponse({ type: GroupResponseDto })
  @ApiProblems('validation_failed', 'uniqueness')
  create(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: GroupCreateDto,
  ): Promise<GroupResponseDto> {
    return this.groups.create(organizationId, body.displayName, actor);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a manual group',
    description: 'SCIM-managed groups are read-only here while SCIM is enabled (409 scim_managed).',
  })
  @ApiOkResponse({ type: GroupResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'uniqueness', 'scim_managed')
  rename(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', GroupId) id: string,
    @Body() body: GroupRenameDto,
  ): Promise<GroupResponseDto> {
    return this.groups.rename(organizationId, id, body.displayName, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a manual group',
    description: 'Its memberships go; its users stay. SCIM-managed groups are read-only here.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems('not_found', 'scim_managed')
  async delete(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', GroupId) id: string,
  ): Promise<void> {
    await this.groups.delete(organizationId, id, actor);
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add users to a manual group',
    description:
      'Every id must name a user of the organization, or nothing changes (400). Users already in ' +
      'the group are kept.',
  })
  @ApiOkResponse({ type: GroupResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'invalid_value', 'scim_managed')
  addMembers(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', GroupId) id: string,
    @Body() body: GroupMembersAddDto,
  ): Promise<GroupResponseDto> {
    return this.groups.addMembers(organizationId, id, body.userIds, actor);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a user from a manual group' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems('not_found', 'scim_managed')
  async removeMember(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', GroupId) id: string,
    @Param('userId', UserId) userId: string,
  ): Promise<void> {
    await this.groups.removeMember(organizationId, id, userId, actor);
  }
}

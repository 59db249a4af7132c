import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { UuidParamPipe } from '@rollcall/common';
import { ScimAuth, ScimOrganizationId } from '@rollcall/integration';
import { etagOf, ScimResponseInterceptor, type ScimQuery } from '@rollcall/scim';
import { type GroupResult, ScimGroupsService } from './scim-groups.service';
import {
  SCIM_GROUP_CREATE_EXAMPLE,
  SCIM_GROUP_EXAMPLE,
  SCIM_GROUP_LIST_EXAMPLE,
  SCIM_GROUP_PATCH_EXAMPLE,
} from './scim-groups.examples';

type Json = Record<string, unknown>;
const GroupId = new UuidParamPipe('Group');

/** Sets the ETag; a result without a document is answered 204 No Content. */
function send(res: Response, result: GroupResult): Json | undefined {
  res.setHeader('ETag', etagOf(result.version));
  if (!result.document) res.status(204);
  return result.document;
}

@ApiTags('SCIM 2.0')
@ScimAuth()
@UseInterceptors(ScimResponseInterceptor)
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Post()
  @ApiOperation({
    summary: 'Provision a group with its members (RFC 7644 §3.3)',
    description:
      'Members must be users of the organization; nested groups are refused. displayName is ' +
      'unique in the organization in any case (409 uniqueness).',
  })
  @ApiBody({ schema: { type: 'object', example: SCIM_GROUP_CREATE_EXAMPLE } })
  @ApiCreatedResponse({
    description: 'The group',
    schema: { type: 'object', example: SCIM_GROUP_EXAMPLE },
  })
  async create(
    @ScimOrganizationId() organizationId: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json | undefined> {
    const result = await this.groups.create(organizationId, body, query);
    res.status(201).setHeader('Location', this.groups.location(result.document));
    return send(res, result);
  }

  @Get()
  @ApiOperation({
    summary: 'List or filter groups (RFC 7644 §3.4.2)',
    description:
      'Filters on displayName, externalId, id, meta.created, meta.lastModified and members ' +
      '(members.value, members[value eq "<user id>"]). excludedAttributes=members never reads members.',
  })
  @ApiOkResponse({
    description: 'A ListResponse',
    schema: { type: 'object', example: SCIM_GROUP_LIST_EXAMPLE },
  })
  list(@ScimOrganizationId() organizationId: string, @Query() query: ScimQuery): Promise<Json> {
    return this.groups.search(organizationId, query) as unknown as Promise<Json>;
  }

  @Post('.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search groups with a SearchRequest body (RFC 7644 §3.4.3)' })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName eq "Sales Reps"',
        excludedAttributes: ['members'],
        startIndex: 1,
        count: 10,
      },
    },
  })
  @ApiOkResponse({
    description: 'A ListResponse',
    schema: { type: 'object', example: SCIM_GROUP_LIST_EXAMPLE },
  })
  search(@ScimOrganizationId() organizationId: string, @Body() body: unknown): Promise<Json> {
    return this.groups.searchRequest(organizationId, body) as unknown as Promise<Json>;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a group with its members' })
  @ApiOkResponse({
    description: 'The group',
    schema: { type: 'object', example: SCIM_GROUP_EXAMPLE },
  })
  async get(
    @ScimOrganizationId() organizationId: string,
    @Param('id', GroupId) id: string,
    @Query() query: ScimQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json | undefined> {
    return send(res, await this.groups.get(organizationId, id, query));
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace a group and its members (RFC 7644 §3.5.1)',
    description: 'The members become exactly those in the body.',
  })
  @ApiBody({ schema: { type: 'object', example: SCIM_GROUP_CREATE_EXAMPLE } })
  @ApiOkResponse({
    description: 'The group',
    schema: { type: 'object', example: SCIM_GROUP_EXAMPLE },
  })
  async replace(
    @ScimOrganizationId() organizationId: string,
    @Param('id', GroupId) id: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json | undefined> {
    return send(res, await this.groups.replace(organizationId, id, body, ifMatch, query));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Modify a group and its members (RFC 7644 §3.5.2)',
    description:
      'Answered 204 No Content with the new ETag; with `attributes` or `excludedAttributes`, 200 ' +
      'with the group as they select it. One member added or removed costs the same in a group ' +
      'of any size.',
  })
  @ApiBody({ schema: { type: 'object', example: SCIM_GROUP_PATCH_EXAMPLE } })
  @ApiNoContentResponse({ description: 'Modified (no attributes were asked for)' })
  @ApiOkResponse({
    description: 'The group, when `attributes` or `excludedAttributes` was given',
    schema: { type: 'object', example: SCIM_GROUP_EXAMPLE },
  })
  async patch(
    @ScimOrganizationId() organizationId: string,
    @Param('id', GroupId) id: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json | undefined> {
    return send(res, await this.groups.patch(organizationId, id, body, ifMatch, query));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a group: its memberships go, its users stay' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(
    @ScimOrganizationId() organizationId: string,
    @Param('id', GroupId) id: string,
  ): Promise<void> {
    await this.groups.delete(organizationId, id);
  }
}

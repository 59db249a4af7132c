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
import { OUTCOME_NOTE, UuidParamPipe } from '@rollcall/common';
import { ScimAuth, ScimOrganizationId } from '@rollcall/integration';
import { etagOf, ScimResponseInterceptor } from '@rollcall/scim';
import type { ScimQuery } from '@rollcall/scim';
import { type ScimUserResult, ScimUsersService } from './scim-users.service';
import { SCIM_USER_EXAMPLE, SCIM_PATCH_EXAMPLE, SCIM_LIST_EXAMPLE } from './scim-users.examples';

type Json = Record<string, unknown>;
const UserId = new UuidParamPipe('User');

function send(res: Response, result: ScimUserResult): Json {
  res.setHeader('ETag', etagOf(result.version));
  res.locals[OUTCOME_NOTE] = result.note;
  return result.document;
}

@ApiTags('SCIM 2.0')
@ScimAuth()
@UseInterceptors(ScimResponseInterceptor)
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Post()
  @ApiOperation({ summary: 'Provision a user (RFC 7644 §3.3)' })
  @ApiBody({ schema: { type: 'object', example: SCIM_USER_EXAMPLE } })
  @ApiCreatedResponse({
    description: 'The user',
    schema: { type: 'object', example: SCIM_USER_EXAMPLE },
  })
  async create(
    @ScimOrganizationId() organizationId: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    const result = await this.users.create(organizationId, body, query);
    res.status(201).setHeader('Location', this.users.location(result.document));
    return send(res, result);
  }

  @Get()
  @ApiOperation({ summary: 'List or filter users (RFC 7644 §3.4.2)' })
  @ApiOkResponse({
    description: 'A ListResponse',
    schema: { type: 'object', example: SCIM_LIST_EXAMPLE },
  })
  list(@ScimOrganizationId() organizationId: string, @Query() query: ScimQuery): Promise<Json> {
    return this.users.search(organizationId, query) as unknown as Promise<Json>;
  }

  @Post('.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search users with a SearchRequest body (RFC 7644 §3.4.3)' })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName eq "bjensen@example.com"',
        startIndex: 1,
        count: 10,
      },
    },
  })
  @ApiOkResponse({
    description: 'A ListResponse',
    schema: { type: 'object', example: SCIM_LIST_EXAMPLE },
  })
  search(@ScimOrganizationId() organizationId: string, @Body() body: unknown): Promise<Json> {
    return this.users.searchRequest(organizationId, body) as unknown as Promise<Json>;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({
    description: 'The user',
    schema: { type: 'object', example: SCIM_USER_EXAMPLE },
  })
  async get(
    @ScimOrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
    @Query() query: ScimQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return send(res, await this.users.get(organizationId, id, query));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a user (RFC 7644 §3.5.1)' })
  @ApiBody({ schema: { type: 'object', example: SCIM_USER_EXAMPLE } })
  @ApiOkResponse({
    description: 'The user',
    schema: { type: 'object', example: SCIM_USER_EXAMPLE },
  })
  async replace(
    @ScimOrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return send(res, await this.users.replace(organizationId, id, body, ifMatch, query));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Modify a user (RFC 7644 §3.5.2)' })
  @ApiBody({ schema: { type: 'object', example: SCIM_PATCH_EXAMPLE } })
  @ApiOkResponse({
    description: 'The user',
    schema: { type: 'object', example: SCIM_USER_EXAMPLE },
  })
  async patch(
    @ScimOrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
    @Body() body: unknown,
    @Query() query: ScimQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Json> {
    return send(res, await this.users.patch(organizationId, id, body, ifMatch, query));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deprovision a user: deactivated, kept, and hidden from SCIM' })
  @ApiNoContentResponse({ description: 'Deprovisioned' })
  async delete(
    @ScimOrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
  ): Promise<void> {
    await this.users.delete(organizationId, id);
  }
}

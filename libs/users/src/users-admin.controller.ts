import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ApiProblems, type RollcallRequest, UuidParamPipe } from '@rollcall/common';
import type { Actor } from '@rollcall/identity';
import { AdminAuth, GroupAdminMay, OrganizationId, RequestActor } from '@rollcall/tenancy';
import {
  UserFilterQueryDto,
  UserListQueryDto,
  UserListResponseDto,
  UserResponseDto,
  UserUpdateDto,
} from './user-admin.dto';
import { UsersAdminService } from './users-admin.service';

const UserId = new UuidParamPipe('User');

const CSV_EXAMPLE =
  'email,userName,givenName,familyName,displayName,role,status,licensePool,groups,externalId\r\n' +
  'bjensen@example.com,bjensen@example.com,Barbara,Jensen,Barbara Jensen,user,active,Sales,Engineering; Sales,00u1abcd2EFGH3ijk4x7\r\n';

/** A group admin may move users between pools, not change roles (SPEC §2). */
function changesRole(request: RollcallRequest): string | undefined {
  const body: unknown = request.body;
  return typeof body === 'object' && body !== null && 'role' in body
    ? 'change a user’s role'
    : undefined;
}

@ApiTags('Users')
@AdminAuth()
@Controller('api/v1/users')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  @GroupAdminMay()
  @ApiOperation({
    summary: 'List users, filtered by status, pool, role, SCIM management, group or text, sorted',
  })
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiProblems('validation_failed')
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: UserListQueryDto,
  ): Promise<UserListResponseDto> {
    const { limit, cursor, sort, ...criteria } = query;
    const page = await this.users.list(
      organizationId,
      criteria,
      sort ?? 'createdAt',
      limit ?? 50,
      cursor,
    );
    return { data: page.data.map((u) => UserResponseDto.from(u)), nextCursor: page.nextCursor };
  }

  // Declared before ':id' so that "export.csv" is not taken for an id.
  @Get('export.csv')
  @GroupAdminMay()
  @ApiOperation({
    summary: 'Export the filtered user list as CSV',
    description:
      'The same filters and sort as the list, every page at once, streamed. Columns: email, userName, givenName, familyName, displayName, role, status, licensePool, groups (names joined by "; "), externalId. Cells that a spreadsheet would run as a formula (starting with =, +, -, @) get a leading apostrophe.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'A CSV file (RFC 4180, UTF-8, CRLF line ends) with a header line',
    content: { 'text/csv': { schema: { type: 'string', example: CSV_EXAMPLE } } },
  })
  @ApiProblems('validation_failed')
  export(
    @OrganizationId() organizationId: string,
    @Query() query: UserFilterQueryDto,
  ): StreamableFile {
    const { sort, ...criteria } = query;
    return new StreamableFile(
      Readable.from(this.users.exportCsv(organizationId, criteria, sort ?? 'createdAt')),
      { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="users.csv"' },
    );
  }

  @Get(':id')
  @GroupAdminMay()
  @ApiOperation({ summary: 'Get a user with its status, license pool and role' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found')
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.get(organizationId, id));
  }

  @Patch(':id')
  @GroupAdminMay({ refuse: changesRole })
  @ApiOperation({
    summary: 'Change a user’s role or move it to another license pool',
    description:
      'A move takes the user’s seat along (refused when the pool is full). SSO may revert a move.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'pool_full')
  async update(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', UserId) id: string,
    @Body() body: UserUpdateDto,
  ): Promise<UserResponseDto> {
    const { user, note } = await this.users.update(organizationId, id, body, actor);
    return { ...UserResponseDto.from(user), ...(note ? { note } : {}) };
  }

  @Post(':id/deactivate')
  @GroupAdminMay()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a user (releases its seat)',
    description:
      'For users SCIM does not manage; a SCIM-managed user is deactivated in the identity provider while SCIM is enabled (409 `scim_managed`). Deactivating a deactivated user changes nothing.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found', 'scim_managed', 'user_anonymized')
  async deactivate(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', UserId) id: string,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.deactivate(organizationId, id, actor));
  }

  @Post(':id/reactivate')
  @GroupAdminMay()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reactivate a deactivated user',
    description:
      'Like a SCIM reactivation: back to `active` with a seat if the user signed in before (409 `pool_full` when its pool has no seat left), else `provisioned`; the "account reactivated" email is queued. For users SCIM does not manage while SCIM is enabled (409 `scim_managed`). A user that is not deactivated is unchanged.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found', 'scim_managed', 'pool_full', 'user_anonymized')
  async reactivate(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', UserId) id: string,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.reactivate(organizationId, id, actor));
  }

  @Post(':id/anonymize')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Erase a deactivated user’s personal data, irreversibly',
    description:
      'Only for deactivated users (409 `user_not_deactivated`; a SCIM-managed user is deprovisioned in the identity provider first). Every profile field is erased (userName becomes `anonymized-<id>`), the user leaves its groups, and its address and userName are erased from the email outbox and the provisioning log. SCIM answers 404 for the id afterwards and SSO never signs it in; a SCIM create with the old userName makes a new user.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found', 'user_not_deactivated', 'user_anonymized')
  async anonymize(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', UserId) id: string,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.anonymize(organizationId, id, actor));
  }
}

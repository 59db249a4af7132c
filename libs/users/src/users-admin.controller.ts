import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, UuidParamPipe } from '@rollcall/common';
import { AdminAuth, OrganizationId } from '@rollcall/tenancy';
import {
  UserListQueryDto,
  UserListResponseDto,
  UserResponseDto,
  UserUpdateDto,
} from './user-admin.dto';
import { UsersAdminService } from './users-admin.service';

const UserId = new UuidParamPipe('User');

@ApiTags('Users')
@AdminAuth()
@Controller('api/v1/users')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List users, filtered by status, pool, SCIM management or text' })
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiProblems('validation_failed')
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: UserListQueryDto,
  ): Promise<UserListResponseDto> {
    const { limit, cursor, ...criteria } = query;
    const page = await this.users.list(organizationId, criteria, limit ?? 50, cursor);
    return { data: page.data.map((u) => UserResponseDto.from(u)), nextCursor: page.nextCursor };
  }

  @Get(':id')
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
  @ApiOperation({
    summary: 'Change a user’s role or move it to another license pool',
    description:
      'A move takes the user’s seat along (refused when the pool is full). SSO may revert a move.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'pool_full')
  async update(
    @OrganizationId() organizationId: string,
    @Param('id', UserId) id: string,
    @Body() body: UserUpdateDto,
  ): Promise<UserResponseDto> {
    const { user, note } = await this.users.update(organizationId, id, body);
    return { ...UserResponseDto.from(user), ...(note ? { note } : {}) };
  }
}

import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, UuidParamPipe } from '@rollcall/common';
import { AdminAuth, OrganizationId } from '../auth/auth.decorators';
import {
  AdminApiKeyCreateDto,
  AdminApiKeyCreatedResponseDto,
  AdminApiKeyListResponseDto,
  AdminApiKeyResponseDto,
} from './admin-api-key.dto';
import { AdminApiKeysService } from './admin-api-keys.service';

@ApiTags('Admin API keys')
@AdminAuth()
@Controller('api/v1/admin-api-keys')
export class AdminApiKeysController {
  constructor(private readonly keys: AdminApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List the organization’s admin API keys, revoked ones included' })
  @ApiOkResponse({ type: AdminApiKeyListResponseDto })
  async list(@OrganizationId() organizationId: string): Promise<AdminApiKeyListResponseDto> {
    return {
      data: (await this.keys.list(organizationId)).map((key) => AdminApiKeyResponseDto.from(key)),
    };
  }

  @Post()
  @ApiOperation({ summary: 'Create an admin API key', description: 'The key is shown only once.' })
  @ApiCreatedResponse({ type: AdminApiKeyCreatedResponseDto })
  @ApiProblems('validation_failed', 'malformed_request')
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: AdminApiKeyCreateDto,
  ): Promise<AdminApiKeyCreatedResponseDto> {
    const issued = await this.keys.issue(organizationId, body.name);
    return { ...AdminApiKeyResponseDto.from(issued), key: issued.key };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke an admin API key',
    description: 'The key stops working at once. The last active key cannot be revoked.',
  })
  @ApiOkResponse({ type: AdminApiKeyResponseDto })
  @ApiProblems('not_found', 'last_admin_key')
  async revoke(
    @OrganizationId() organizationId: string,
    @Param('id', new UuidParamPipe('Admin API key')) id: string,
  ): Promise<AdminApiKeyResponseDto> {
    return AdminApiKeyResponseDto.from(await this.keys.revoke(organizationId, id));
  }
}

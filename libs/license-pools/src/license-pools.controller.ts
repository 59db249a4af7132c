import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, UuidParamPipe } from '@rollcall/common';
import { type Actor, LicensePoolsService } from '@rollcall/identity';
import { AdminAuth, GroupAdminMay, OrganizationId, RequestActor } from '@rollcall/tenancy';
import {
  LicensePoolCreateDto,
  LicensePoolListResponseDto,
  LicensePoolResponseDto,
  LicensePoolUpdateDto,
} from './license-pool.dto';

const PoolId = new UuidParamPipe('License pool');

@ApiTags('License pools')
@AdminAuth()
@Controller('api/v1/license-pools')
export class LicensePoolsController {
  constructor(private readonly pools: LicensePoolsService) {}

  @Get()
  @GroupAdminMay()
  @ApiOperation({ summary: 'List license pools with capacity, used and remaining seats' })
  @ApiOkResponse({ type: LicensePoolListResponseDto })
  async list(@OrganizationId() organizationId: string): Promise<LicensePoolListResponseDto> {
    return {
      data: (await this.pools.list(organizationId)).map((p) => LicensePoolResponseDto.from(p)),
    };
  }

  @Post()
  @ApiOperation({
    summary: 'Create a custom license pool',
    description: 'Its capacity comes out of the default pool. Enterprise plan only.',
  })
  @ApiCreatedResponse({ type: LicensePoolResponseDto })
  @ApiProblems('validation_failed', 'plan_required', 'pool_name_taken', 'not_enough_licenses')
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: LicensePoolCreateDto,
  ): Promise<LicensePoolResponseDto> {
    return LicensePoolResponseDto.from(
      await this.pools.create(organizationId, body.name, body.capacity),
    );
  }

  @Get(':id')
  @GroupAdminMay()
  @ApiOperation({ summary: 'Get a license pool' })
  @ApiOkResponse({ type: LicensePoolResponseDto })
  @ApiProblems('not_found')
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', PoolId) id: string,
  ): Promise<LicensePoolResponseDto> {
    return LicensePoolResponseDto.from(await this.pools.get(organizationId, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename or resize a custom license pool',
    description:
      'Never below the seats in use, never leaving the default pool negative. Renaming a pool that IdPs send by name makes their requests fail until they are updated too.',
  })
  @ApiOkResponse({ type: LicensePoolResponseDto })
  @ApiProblems(
    'not_found',
    'validation_failed',
    'pool_name_taken',
    'default_pool_fixed',
    'not_enough_licenses',
  )
  async update(
    @OrganizationId() organizationId: string,
    @Param('id', PoolId) id: string,
    @Body() body: LicensePoolUpdateDto,
  ): Promise<LicensePoolResponseDto> {
    return LicensePoolResponseDto.from(await this.pools.update(organizationId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a custom license pool',
    description: 'Its users move to the default pool with their seats; its capacity returns to it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems('not_found', 'default_pool_fixed', 'not_enough_licenses')
  async delete(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Param('id', PoolId) id: string,
  ): Promise<void> {
    await this.pools.delete(organizationId, id, actor);
  }
}

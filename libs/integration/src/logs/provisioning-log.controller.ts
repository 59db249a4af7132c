import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ApiProblems, TimeRangeQueryDto, timeRangeOf } from '@rollcall/common';
import { AdminAuth, GroupAdminMay, OrganizationId } from '@rollcall/tenancy';
import { type ProvisioningLogEntry, ProvisioningLogService } from './provisioning-log.service';

export class ProvisioningLogQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ enum: ['success', 'failure'], example: 'failure' })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @ApiPropertyOptional({ enum: ['User', 'Group'], example: 'User' })
  @IsOptional()
  @IsIn(['User', 'Group'])
  resourceType?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  @IsOptional()
  @IsUUID()
  resourceId?: string;

  @ApiPropertyOptional({ enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], example: 'PATCH' })
  @IsOptional()
  @IsIn(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  method?: string;
}

export class ProvisioningLogEntryDto {
  @ApiProperty({ format: 'uuid', example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  id!: string;

  @ApiProperty({ example: '2026-11-23T03:12:45.120Z' })
  occurredAt!: string;

  @ApiProperty({ nullable: true, type: String, example: '9d5b0c7e-4f3e-4e55-8a4b-3b2f1d0c9e8a' })
  requestId!: string | null;

  @ApiProperty({ example: 'PATCH' })
  method!: string;

  @ApiProperty({ example: '/scim/v2/Users/2819c223-7f76-453a-919d-413861904646' })
  path!: string;

  @ApiProperty({ nullable: true, type: String, example: 'User' })
  resourceType!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2819c223-7f76-453a-919d-413861904646' })
  resourceId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'bjensen@example.com' })
  userName!: string | null;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ enum: ['success', 'failure'], example: 'failure' })
  outcome!: 'success' | 'failure';

  @ApiProperty({ nullable: true, type: String, example: 'invalidValue' })
  scimType!: string | null;

  @ApiProperty({ nullable: true, type: String, example: "License pool 'Sales' does not exist" })
  detail!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'unknown_pool',
    description:
      "Why a request failed, for machines; null on success. The error's finer reason where it has one (`unknown_pool`, `pool_full` for an invalid licensePoolName or a full pool), else its code (`uniqueness`, `invalid_value`, `not_found`, `too_many_requests`, …).",
  })
  reason!: string | null;

  @ApiProperty({ example: 12 })
  durationMs!: number;

  static from(entry: ProvisioningLogEntry): ProvisioningLogEntryDto {
    return { ...entry, occurredAt: entry.occurredAt.toISOString() };
  }
}

export class ProvisioningLogPageDto {
  @ApiProperty({ type: [ProvisioningLogEntryDto] })
  data!: ProvisioningLogEntryDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

@ApiTags('SCIM integration')
@AdminAuth()
@Controller('api/v1/scim/logs')
export class ProvisioningLogController {
  constructor(private readonly log: ProvisioningLogService) {}

  @Get()
  @GroupAdminMay()
  @ApiOperation({
    summary: 'The provisioning log: every SCIM request, newest first',
    description: 'Filter by time, outcome, resource and method; page with `nextCursor`.',
  })
  @ApiOkResponse({ type: ProvisioningLogPageDto })
  @ApiProblems('validation_failed')
  async list(
    @OrganizationId() organizationId: string,
    @Query() query: ProvisioningLogQueryDto,
  ): Promise<ProvisioningLogPageDto> {
    const page = await this.log.list(organizationId, {
      limit: query.limit ?? 50,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...timeRangeOf(query),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.resourceType ? { resourceType: query.resourceType } : {}),
      ...(query.resourceId ? { resourceId: query.resourceId.toLowerCase() } : {}),
      ...(query.method ? { method: query.method } : {}),
    });
    return {
      data: page.data.map((e) => ProvisioningLogEntryDto.from(e)),
      nextCursor: page.nextCursor,
    };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPES, type EventType } from '@rollcall/identity';

export class EventListQueryDto {
  @ApiPropertyOptional({
    description:
      'Where to start: the `nextCursor` of the previous page (or an event’s `cursor`). Left out: the oldest event kept. `now`: only events still to come.',
    example: 'djEuNzU0LjEy',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(now|[A-Za-z0-9_-]{1,200})$/, { message: 'after must be a cursor or "now"' })
  after?: string;

  @ApiPropertyOptional({
    description: `Only these types, comma-separated (the cursor still moves past the others). One of: ${EVENT_TYPES.join(', ')}.`,
    example: 'user.created,user.deactivated',
  })
  @IsOptional()
  @IsString()
  types?: string;

  @ApiPropertyOptional({ description: 'Events per page (1–500).', example: 100, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Long poll: when no event is there yet, wait up to this long for one (`25s`, or seconds as a number; at most 30 s). The answer comes as soon as an event arrives.',
    example: '25s',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,2}(\.\d{1,3})?s?$/, {
    message: 'wait must be a duration such as 25s (at most 30s)',
  })
  wait?: string;
}

export class EventActorDto {
  @ApiProperty({
    enum: ['scim', 'admin_api_key', 'admin_session', 'sso_sign_in', 'operator', 'system'],
    example: 'scim',
  })
  type!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'scim: the SCIM integration whose credentials were used',
    example: '7d3f0a52-9c1e-4b8a-a1f2-3c4d5e6f7a8b',
  })
  integrationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'admin_api_key: the key',
    example: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  })
  apiKeyId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'admin_session: the admin portal session',
    example: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  })
  sessionId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description:
      'admin_session: the admin who signed in through SSO; null for a session opened with a setup link',
    example: '2819c223-7f76-453a-919d-413861904646',
  })
  userId?: string | null;

  @ApiPropertyOptional({
    description: 'sso_sign_in: the IdP that asserted the sign-in',
    example: 'http://www.okta.com/exk1fcia6d6EMsf331d8',
  })
  idpEntityId?: string;

  @ApiPropertyOptional({
    description: 'sso_sign_in: the assertion’s ID',
    example: 'id2716273839262871',
  })
  assertionId?: string;

  @ApiPropertyOptional({ description: 'system: the worker', example: 'event-retention' })
  worker?: string;
}

export class EventSubjectDto {
  @ApiProperty({ enum: ['user', 'group', 'scim_integration', 'sso_connection'], example: 'user' })
  type!: string;

  @ApiProperty({ format: 'uuid', example: '2819c223-7f76-453a-919d-413861904646' })
  id!: string;
}

export class EventDto {
  @ApiProperty({ format: 'uuid', example: '0b5c6a0e-2f3d-4f0e-9d1a-7c2b1e4a9f10' })
  id!: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'user.created' })
  type!: EventType;

  @ApiProperty({ format: 'uuid', example: '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f' })
  organizationId!: string;

  @ApiProperty({ example: '2026-12-07T09:30:00.000Z' })
  occurredAt!: string;

  @ApiProperty({ type: EventActorDto })
  actor!: EventActorDto;

  @ApiProperty({ type: EventSubjectDto })
  subject!: EventSubjectDto;

  @ApiProperty({
    description:
      'What the event says beyond the resource: `changed` (attribute names) for *.updated, `from`/`to`/`channel` for user.pool_changed, `pool` for seats, `userIds` for group member changes.',
    example: {},
  })
  details!: Record<string, unknown>;

  @ApiProperty({
    description:
      'The resource’s admin representation after the change (GET /api/v1/users/{id}, /groups/{id}, …); never a secret.',
    example: {
      id: '2819c223-7f76-453a-919d-413861904646',
      userName: 'bjensen@example.com',
      status: 'provisioned',
    },
  })
  data!: Record<string, unknown>;

  @ApiProperty({ description: 'A cursor just after this event', example: 'djEuNzU0LjEy' })
  cursor!: string;
}

export class EventListResponseDto {
  @ApiProperty({ type: [EventDto] })
  data!: EventDto[];

  @ApiProperty({
    description:
      'Where to read on from (always present): pass it as `after`. It moves past every event returned, and past events a `types` filter left out.',
    example: 'djEuNzU0LjEy',
  })
  nextCursor!: string;
}

export class EventTypeInfoDto {
  @ApiProperty({ enum: EVENT_TYPES, example: 'user.pool_changed' })
  type!: EventType;

  @ApiProperty({ enum: ['user', 'group', 'scim_integration', 'sso_connection'], example: 'user' })
  subject!: string;

  @ApiProperty({
    example: 'The user moved to another license pool (details.from, to and channel).',
  })
  description!: string;
}

export class EventTypeListDto {
  @ApiProperty({ type: [EventTypeInfoDto] })
  data!: EventTypeInfoDto[];
}

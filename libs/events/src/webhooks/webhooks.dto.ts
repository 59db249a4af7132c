import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsOptionalNotNull, PageQueryDto } from '@rollcall/common';
import { encodeEventCursor, EVENT_TYPES, type EventType } from '@rollcall/identity';
import type { WebhookDelivery, WebhookEndpoint } from './webhook.model';
import { MAX_PREVIOUS_SECRET_SECONDS } from './webhooks.service';

const URL_EXAMPLE = 'https://hooks.example.com/rollcall';
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8cU8RpqQaUY=';
const TYPES_DESCRIPTION = `The event types delivered (one or more of: ${EVENT_TYPES.join(', ')}). Left out or null: every type.`;

export class WebhookEndpointCreateDto {
  @ApiProperty({
    description:
      'Where events are POSTed: an https URL on a public address (http and private addresses only with ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS). No credentials in the URL: check the signature.',
    example: URL_EXAMPLE,
    maxLength: 2048,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({
    description: 'What the endpoint is for',
    example: 'HR sync',
    maxLength: 200,
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({
    description: TYPES_DESCRIPTION,
    enum: EVENT_TYPES,
    isArray: true,
    example: ['user.created', 'user.deactivated'],
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: EventType[];

  @ApiPropertyOptional({
    description: 'Deliver to it (default true); a disabled endpoint keeps its place in the log.',
    example: true,
    default: true,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointUpdateDto {
  @ApiPropertyOptional({ description: 'A new URL (checked as at creation)', example: URL_EXAMPLE })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    description: 'What the endpoint is for (null: none)',
    example: 'HR sync',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string | null;

  @ApiPropertyOptional({
    description: TYPES_DESCRIPTION,
    enum: EVENT_TYPES,
    isArray: true,
    nullable: true,
    example: ['user.created'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: EventType[] | null;

  @ApiPropertyOptional({
    description:
      'false: stop delivering (the endpoint keeps its place). true: deliver again from where it stopped; this also clears the failure state of an endpoint Rollcall disabled.',
    example: true,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookSecretRotateDto {
  @ApiPropertyOptional({
    description: `How long (seconds, at most ${MAX_PREVIOUS_SECRET_SECONDS}) the previous secret keeps signing too: each delivery then carries both signatures, so the receiver can switch without refusing one. 0 (default): the previous secret stops at once.`,
    example: 86_400,
    default: 0,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_PREVIOUS_SECRET_SECONDS)
  keepPreviousSeconds?: number;
}

export class WebhookReplayDto {
  @ApiProperty({
    description:
      'Where delivery goes on: a cursor (an event’s `cursor` or a `nextCursor` from GET /api/v1/events: the events after it; a delivery’s `replayFrom`: that event and those after it), `start` (every event the log still keeps) or `now` (skip to the present). Events after it are delivered again in order, with the same `webhook-id`s.',
    example: 'start',
  })
  @IsString()
  @Matches(/^(start|now|[A-Za-z0-9_-]{1,200})$/, {
    message: 'after must be a cursor, "start" or "now"',
  })
  after!: string;
}

export class WebhookDeliveriesQueryDto extends PageQueryDto {}

export class WebhookEndpointResponseDto {
  @ApiProperty({ format: 'uuid', example: '3d5b8f7e-1c2a-4e6b-9f0d-2a4c6e8b0d1f' })
  id!: string;

  @ApiProperty({ description: 'Where events are POSTed', example: URL_EXAMPLE })
  url!: string;

  @ApiProperty({
    description: 'What the endpoint is for',
    nullable: true,
    type: String,
    example: 'HR sync',
  })
  description!: string | null;

  @ApiProperty({
    description: 'The event types delivered; null: every type',
    enum: EVENT_TYPES,
    isArray: true,
    nullable: true,
    example: ['user.created', 'user.deactivated'],
  })
  types!: EventType[] | null;

  @ApiProperty({ description: 'Whether events are delivered', example: true })
  enabled!: boolean;

  @ApiProperty({
    description:
      'Why it is disabled: `manual` (an admin), `failing` (every delivery failed for ROLLCALL_WEBHOOK_RETRY_HOURS); null when enabled',
    enum: ['manual', 'failing'],
    nullable: true,
    example: null,
  })
  disabledReason!: 'manual' | 'failing' | null;

  @ApiProperty({
    description:
      'The endpoint’s place in the event log: the next delivery is the first event after it (a cursor as GET /api/v1/events takes)',
    example: 'djEuNzU0LjEy',
  })
  cursor!: string;

  @ApiProperty({ description: 'Failed deliveries since the last success', example: 0 })
  consecutiveFailures!: number;

  @ApiProperty({
    description: 'When the current run of failures began; null when the last delivery succeeded',
    nullable: true,
    type: String,
    example: null,
  })
  failingSince!: string | null;

  @ApiProperty({
    description: 'Why the last delivery failed (null after a success)',
    nullable: true,
    type: String,
    example: null,
  })
  lastError!: string | null;

  @ApiProperty({
    description: 'When a failing endpoint is tried again (backoff)',
    example: '2026-12-07T09:30:05.000Z',
  })
  nextAttemptAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  secretRotatedAt!: string | null;

  @ApiProperty({
    description: 'Until when the previous secret signs too, after a rotation that kept it',
    nullable: true,
    type: String,
    example: null,
  })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ example: '2026-12-07T09:30:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-12-07T09:30:00.000Z' })
  updatedAt!: string;

  static from(endpoint: WebhookEndpoint): WebhookEndpointResponseDto {
    return {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      types: endpoint.types,
      enabled: endpoint.enabled,
      disabledReason: endpoint.disabledReason,
      cursor: encodeEventCursor(endpoint.cursor),
      consecutiveFailures: endpoint.consecutiveFailures,
      failingSince: endpoint.failingSince?.toISOString() ?? null,
      lastError: endpoint.lastError,
      nextAttemptAt: endpoint.nextAttemptAt.toISOString(),
      secretRotatedAt: endpoint.secretRotatedAt?.toISOString() ?? null,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
      createdAt: endpoint.createdAt.toISOString(),
      updatedAt: endpoint.updatedAt.toISOString(),
    };
  }
}

export class WebhookEndpointWithSecretResponseDto extends WebhookEndpointResponseDto {
  @ApiProperty({
    description:
      'The signing secret (Standard Webhooks: `whsec_` and base64). It is shown only in this response; store it now.',
    example: SECRET_EXAMPLE,
  })
  secret!: string;
}

export class WebhookEndpointListResponseDto {
  @ApiProperty({ type: [WebhookEndpointResponseDto] })
  data!: WebhookEndpointResponseDto[];
}

export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid', example: '7a1e5c3b-9d2f-4b6a-8c0e-1f3a5b7d9e2c' })
  id!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The event delivered (its `webhook-id` header)',
    example: '0b5c6a0e-2f3d-4f0e-9d1a-7c2b1e4a9f10',
  })
  eventId!: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'user.created' })
  eventType!: string;

  @ApiProperty({ description: 'A cursor just after the event', example: 'djEuNzU0LjEy' })
  eventCursor!: string;

  @ApiProperty({
    description: 'Pass as `after` to POST …/replay to deliver this event again and those after it',
    example: 'djEuNzU0LjEx',
  })
  replayFrom!: string;

  @ApiProperty({ description: 'Attempt number for this event (1 = first try)', example: 1 })
  attempt!: number;

  @ApiProperty({ enum: ['succeeded', 'failed'], example: 'succeeded' })
  outcome!: 'succeeded' | 'failed';

  @ApiProperty({
    description: 'The receiver’s HTTP status; null when none came (timeout, refused)',
    nullable: true,
    type: Number,
    example: 200,
  })
  httpStatus!: number | null;

  @ApiProperty({ description: 'How long the delivery took (ms)', example: 42 })
  latencyMs!: number;

  @ApiProperty({ description: 'Why it failed', nullable: true, type: String, example: null })
  error!: string | null;

  @ApiProperty({
    description: 'The start of the receiver’s answer (at most 500 characters)',
    nullable: true,
    type: String,
    example: 'ok',
  })
  responseExcerpt!: string | null;

  @ApiProperty({ example: '2026-12-07T09:30:00.042Z' })
  createdAt!: string;

  static from(delivery: WebhookDelivery): WebhookDeliveryResponseDto {
    const position = BigInt(delivery.eventCursor.position);
    return {
      id: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      eventCursor: encodeEventCursor(delivery.eventCursor),
      replayFrom: encodeEventCursor({
        tx: delivery.eventCursor.tx,
        position: (position > 0n ? position - 1n : 0n).toString(),
      }),
      attempt: delivery.attempt,
      outcome: delivery.outcome,
      httpStatus: delivery.httpStatus,
      latencyMs: delivery.latencyMs,
      error: delivery.error,
      responseExcerpt: delivery.responseExcerpt,
      createdAt: delivery.createdAt.toISOString(),
    };
  }
}

export class WebhookDeliveryListResponseDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto] })
  data!: WebhookDeliveryResponseDto[];

  @ApiProperty({
    description: 'The next (older) page: pass it as `cursor`; null on the last page',
    nullable: true,
    type: String,
    example: null,
  })
  nextCursor!: string | null;
}

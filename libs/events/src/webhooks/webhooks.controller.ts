import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, UuidParamPipe } from '@rollcall/common';
import { AdminAuth, OrganizationId } from '@rollcall/tenancy';
import {
  WebhookDeliveriesQueryDto,
  WebhookDeliveryListResponseDto,
  WebhookDeliveryResponseDto,
  WebhookEndpointCreateDto,
  WebhookEndpointListResponseDto,
  WebhookEndpointResponseDto,
  WebhookEndpointUpdateDto,
  WebhookEndpointWithSecretResponseDto,
  WebhookReplayDto,
  WebhookSecretRotateDto,
} from './webhooks.dto';
import { type EndpointWithSecret, WebhooksService } from './webhooks.service';

const ENDPOINT = new UuidParamPipe('Webhook endpoint');

function withSecret(created: EndpointWithSecret): WebhookEndpointWithSecretResponseDto {
  return { ...WebhookEndpointResponseDto.from(created.endpoint), secret: created.secret };
}

@ApiTags('Webhooks')
@AdminAuth()
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a webhook endpoint',
    description:
      'Events of the organization from now on are POSTed to the URL, one at a time in log order, signed per Standard Webhooks. The signing secret is shown only in this response. See docs/events.md, "Webhooks".',
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretResponseDto })
  @ApiProblems('validation_failed', 'malformed_request', 'conflict')
  async create(
    @OrganizationId() organizationId: string,
    @Body() body: WebhookEndpointCreateDto,
  ): Promise<WebhookEndpointWithSecretResponseDto> {
    return withSecret(await this.webhooks.create(organizationId, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the organization’s webhook endpoints' })
  @ApiOkResponse({ type: WebhookEndpointListResponseDto })
  async list(@OrganizationId() organizationId: string): Promise<WebhookEndpointListResponseDto> {
    return {
      data: (await this.webhooks.list(organizationId)).map((e) =>
        WebhookEndpointResponseDto.from(e),
      ),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook endpoint, with its delivery state' })
  @ApiOkResponse({ type: WebhookEndpointResponseDto })
  @ApiProblems('not_found')
  async get(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
  ): Promise<WebhookEndpointResponseDto> {
    return WebhookEndpointResponseDto.from(await this.webhooks.get(organizationId, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook endpoint (URL, types, description, enabled)',
    description:
      'Enabling an endpoint that Rollcall disabled after sustained failure clears its failure state: delivery goes on from where it stopped.',
  })
  @ApiOkResponse({ type: WebhookEndpointResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'malformed_request')
  async update(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
    @Body() body: WebhookEndpointUpdateDto,
  ): Promise<WebhookEndpointResponseDto> {
    return WebhookEndpointResponseDto.from(await this.webhooks.update(organizationId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems('not_found')
  async delete(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
  ): Promise<void> {
    await this.webhooks.delete(organizationId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description:
      'The new secret is shown only in this response. With `keepPreviousSeconds`, deliveries carry a signature with the previous secret too, for that long.',
  })
  @ApiOkResponse({ type: WebhookEndpointWithSecretResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'malformed_request')
  async rotateSecret(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
    @Body() body: WebhookSecretRotateDto,
  ): Promise<WebhookEndpointWithSecretResponseDto> {
    return withSecret(
      await this.webhooks.rotateSecret(organizationId, id, body.keepPreviousSeconds),
    );
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'The endpoint’s delivery log, newest first',
    description: 'Every attempt: outcome, HTTP status, latency and the start of the answer.',
  })
  @ApiOkResponse({ type: WebhookDeliveryListResponseDto })
  @ApiProblems('not_found', 'validation_failed')
  async deliveries(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
    @Query() query: WebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryListResponseDto> {
    const page = await this.webhooks.deliveries(organizationId, id, query);
    return {
      data: page.data.map((d) => WebhookDeliveryResponseDto.from(d)),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay: deliver again from a cursor, the start of the log, or now',
    description:
      'Moves the endpoint’s place in the event log: the events after `after` are delivered (again), in order, with their original `webhook-id`s. A cursor older than retention keeps answers 410 `cursor_expired`.',
  })
  @ApiOkResponse({ type: WebhookEndpointResponseDto })
  @ApiProblems(
    'not_found',
    'validation_failed',
    'malformed_request',
    'invalid_cursor',
    'cursor_expired',
  )
  async replay(
    @OrganizationId() organizationId: string,
    @Param('id', ENDPOINT) id: string,
    @Body() body: WebhookReplayDto,
  ): Promise<WebhookEndpointResponseDto> {
    return WebhookEndpointResponseDto.from(
      await this.webhooks.replay(organizationId, id, body.after),
    );
  }
}

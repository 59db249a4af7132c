import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@rollcall/common';
import type { Actor } from '@rollcall/identity';
import { AdminAuth, OrganizationId, RequestActor } from '@rollcall/tenancy';
import {
  ScimCredentialsResponseDto,
  ScimIntegrationEnableDto,
  ScimIntegrationRotateDto,
  ScimIntegrationStatusResponseDto,
} from './scim-integration.dto';
import { ScimIntegrationService } from './scim-integration.service';

@ApiTags('SCIM integration')
@AdminAuth()
@Controller('api/v1/scim/integration')
export class ScimIntegrationController {
  constructor(private readonly integration: ScimIntegrationService) {}

  @Get()
  @ApiOperation({ summary: 'SCIM integration status, base URL and credential expiry' })
  @ApiOkResponse({ type: ScimIntegrationStatusResponseDto })
  async status(
    @OrganizationId() organizationId: string,
  ): Promise<ScimIntegrationStatusResponseDto> {
    return ScimIntegrationStatusResponseDto.from(await this.integration.status(organizationId));
  }

  @Post()
  @ApiOperation({
    summary: 'Enable SCIM provisioning',
    description:
      'Returns the SCIM base URL and credentials (a bearer token, or a username and password). They are shown only once and expire in two years. Enterprise plan only.',
  })
  @ApiCreatedResponse({ type: ScimCredentialsResponseDto })
  @ApiProblems('validation_failed', 'plan_required', 'conflict')
  async enable(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: ScimIntegrationEnableDto,
  ): Promise<ScimCredentialsResponseDto> {
    return ScimCredentialsResponseDto.from(
      await this.integration.enable(organizationId, body.idp, body.authMethod, actor),
    );
  }

  @Post('rotate')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate the SCIM credentials',
    description:
      'Issues new credentials, shown only once. The replaced ones keep working for `gracePeriodHours` (default 24, 0 to 720; 0 stops them at once) so the IdP can be switched without a gap; the status lists both until then. At most two credentials work at a time: credentials still in the grace period of an earlier rotation stop at once. The body may be left out.',
  })
  @ApiBody({
    type: ScimIntegrationRotateDto,
    required: false,
    examples: {
      default: { summary: 'The replaced credentials work for 24 hours', value: {} },
      week: { summary: 'A week to update the IdP', value: { gracePeriodHours: 168 } },
      atOnce: { summary: 'The replaced credentials stop at once', value: { gracePeriodHours: 0 } },
    },
  })
  @ApiCreatedResponse({ type: ScimCredentialsResponseDto })
  @ApiProblems('validation_failed', 'not_found')
  async rotate(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: ScimIntegrationRotateDto,
  ): Promise<ScimCredentialsResponseDto> {
    return ScimCredentialsResponseDto.from(
      await this.integration.rotate(organizationId, actor, body.gracePeriodHours),
    );
  }

  @Delete('previous-credentials')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the grace period of the previous SCIM credentials',
    description:
      'The credentials the last rotation replaced stop working at once, on every instance within a second (SCIM answers 401); the current ones are untouched. 404 when no previous credentials are in a grace period.',
  })
  @ApiNoContentResponse({ description: 'The previous credentials no longer work' })
  @ApiProblems('not_found')
  async endGracePeriod(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
  ): Promise<void> {
    await this.integration.endGracePeriod(organizationId, actor);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Disable SCIM provisioning',
    description:
      'Every SCIM call answers 401 afterwards, with the current and the previous credentials alike (both are deleted); users keep their state.',
  })
  @ApiNoContentResponse({ description: 'SCIM is disabled' })
  @ApiProblems('not_found')
  async disable(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
  ): Promise<void> {
    await this.integration.disable(organizationId, actor);
  }
}

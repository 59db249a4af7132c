import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
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
    description: 'The old credentials stop working at once. The new ones are shown only once.',
  })
  @ApiCreatedResponse({ type: ScimCredentialsResponseDto })
  @ApiProblems('not_found')
  async rotate(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
  ): Promise<ScimCredentialsResponseDto> {
    return ScimCredentialsResponseDto.from(await this.integration.rotate(organizationId, actor));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Disable SCIM provisioning',
    description: 'Every SCIM call answers 401 afterwards; users keep their state.',
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

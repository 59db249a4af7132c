import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, timeRangeOf } from '@rollcall/common';
import { type Actor, OrganizationsService } from '@rollcall/identity';
import { AdminAuth, GroupAdminMay, OrganizationId, RequestActor } from '@rollcall/tenancy';
import { SamlConnectionsService } from '../connection/saml-connections.service';
import type { SpKeyUse } from '../keys/saml-sp-key.entity';
import { SignInLogService } from '../log/sign-in-log.service';
import {
  ConfigureSamlDto,
  SamlConnectionResponseDto,
  SignInAttemptDto,
  SpKeyRolloverDto,
  SignInAttemptPageDto,
  SignInLogQueryDto,
} from './saml-admin.dto';

function usesOf(body: SpKeyRolloverDto | undefined): SpKeyUse[] {
  return body?.use ? [body.use] : ['signing', 'encryption'];
}

@ApiTags('SAML SSO')
@AdminAuth()
@Controller('api/v1/sso')
export class SamlAdminController {
  constructor(
    private readonly connections: SamlConnectionsService,
    private readonly organizations: OrganizationsService,
    private readonly log: SignInLogService,
  ) {}

  private async view(organizationId: string): Promise<SamlConnectionResponseDto> {
    const organization = await this.organizations.get(organizationId);
    return this.connections.view(organizationId, organization.slug);
  }

  @Get('saml')
  @ApiOperation({
    summary: 'The SAML connection and Rollcall’s service-provider URLs',
    description:
      'The entity id, ACS and metadata URLs to enter in the IdP, and the IdP settings if configured.',
  })
  @ApiOkResponse({ type: SamlConnectionResponseDto })
  status(@OrganizationId() organizationId: string): Promise<SamlConnectionResponseDto> {
    return this.view(organizationId);
  }

  @Put('saml')
  @ApiOperation({
    summary: 'Configure SAML sign-in',
    description:
      'Send `{idpEntityId, idpSsoUrl, idpCertificate}` or `{idpMetadataXml}`, plus optional attribute names and `jitProvisioning`. Replaces the previous settings.',
  })
  @ApiOkResponse({ type: SamlConnectionResponseDto })
  @ApiProblems('validation_failed')
  async configure(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: ConfigureSamlDto,
  ): Promise<SamlConnectionResponseDto> {
    await this.connections.configure(organizationId, body, actor);
    return this.view(organizationId);
  }

  @Delete('saml')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn SAML sign-in off',
    description: 'Sign-ins then show “SSO is not configured”.',
  })
  @ApiNoContentResponse({ description: 'SAML sign-in is off' })
  @ApiProblems('not_found')
  async remove(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
  ): Promise<void> {
    await this.connections.remove(organizationId, actor);
  }

  @Post('saml/sp-keys/rollover/start')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start a rollover of the SP signing and/or encryption key',
    description:
      'Makes a new key pair for each use named (both when `use` is left out). The new key is current at once: it signs AuthnRequests and is listed first in the SP metadata, where the previous one stays published (and still decrypts assertions encrypted to it) until the rollover is finished. Re-import the metadata into the IdP, then finish. 409 while a rollover of that use is in progress. Only certificates are ever shown, never private keys.',
  })
  @ApiBody({ type: SpKeyRolloverDto, required: false })
  @ApiOkResponse({ type: SamlConnectionResponseDto })
  @ApiProblems('not_found', 'conflict', 'validation_failed')
  async startRollover(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: SpKeyRolloverDto,
  ): Promise<SamlConnectionResponseDto> {
    await this.connections.rollSpKeys(organizationId, 'start', usesOf(body), actor);
    return this.view(organizationId);
  }

  @Post('saml/sp-keys/rollover/finish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish a rollover of the SP keys',
    description:
      'Deletes the previous key of each use named (both when `use` is left out): the SP metadata then lists only the current one, and assertions encrypted to the previous one are refused. 409 when no rollover is in progress.',
  })
  @ApiBody({ type: SpKeyRolloverDto, required: false })
  @ApiOkResponse({ type: SamlConnectionResponseDto })
  @ApiProblems('not_found', 'conflict', 'validation_failed')
  async finishRollover(
    @OrganizationId() organizationId: string,
    @RequestActor() actor: Actor,
    @Body() body: SpKeyRolloverDto,
  ): Promise<SamlConnectionResponseDto> {
    await this.connections.rollSpKeys(organizationId, 'finish', usesOf(body), actor);
    return this.view(organizationId);
  }

  @Get('sign-ins')
  @GroupAdminMay()
  @ApiOperation({
    summary: 'SSO sign-in attempts and their outcomes, newest first',
    description:
      'Successes, refusals (pool full, unknown pool, deactivated…) and rejected responses (invalid signature, replay…). Filter by time (`from` inclusive, `to` exclusive), outcome and user.',
  })
  @ApiOkResponse({ type: SignInAttemptPageDto })
  @ApiProblems('validation_failed')
  async signIns(
    @OrganizationId() organizationId: string,
    @Query() query: SignInLogQueryDto,
  ): Promise<SignInAttemptPageDto> {
    const page = await this.log.list(organizationId, {
      limit: query.limit ?? 50,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...timeRangeOf(query),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.userId ? { userId: query.userId.toLowerCase() } : {}),
    });
    return { data: page.data.map((a) => SignInAttemptDto.from(a)), nextCursor: page.nextCursor };
  }
}

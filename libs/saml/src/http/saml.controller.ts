import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  APP_CONFIG,
  type AppConfig,
  DomainError,
  readCookie,
  sessionCookieOptions,
} from '@rollcall/common';
import { OrganizationsService } from '@rollcall/identity';
import { Inject } from '@nestjs/common';
import { SamlConnectionsService } from '../connection/saml-connections.service';
import { serviceProviderMetadata } from '../connection/sp-metadata';
import { PORTAL_COOKIE, PortalSessionsService, setPortalCookie } from '@rollcall/portal-sessions';
import { SamlSignInService, type SignInSuccess } from '../sign-in/saml-sign-in.service';
import {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  WebSessionsService,
} from '../sessions/web-sessions.service';

/** RelayState paths of the admin portal, and where a person without an admin role lands. */
const PORTAL_PATH = /^\/admin(?:[/?]|$)/;
const PORTAL_DENIED_PATH = '/admin/#/denied';

export class AcsFormDto {
  @ApiProperty({
    description: 'The base64-encoded SAML 2.0 Response (HTTP-POST binding)',
    example: 'PHNhbWxwOlJlc3BvbnNlIC4uLg==',
  })
  SAMLResponse!: string;

  @ApiPropertyOptional({
    description: 'Where to go after sign-in: a path on this site',
    example: '/home',
  })
  RelayState?: string;
}

/**
 * The public SAML endpoints of SPEC §9: SP metadata, SP-initiated sign-in and the assertion consumer
 * service. Errors here are HTML pages that name the reason.
 */
@ApiTags('SAML SSO (browser)')
@Controller('sso/saml/:orgSlug')
export class SamlController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly connections: SamlConnectionsService,
    private readonly signIn: SamlSignInService,
    private readonly sessions: WebSessionsService,
    private readonly portal: PortalSessionsService,
  ) {}

  @Get('metadata')
  @ApiOperation({
    summary: 'SAML service-provider metadata of an organization',
    description:
      'Import this into the IdP. The SP entity id is this URL; the ACS is `/sso/saml/{orgSlug}/acs`. Once SAML is configured it carries the SP signing and encryption certificates (`KeyDescriptor use="signing"` / `use="encryption"`; two of a use during a key rollover) and `AuthnRequestsSigned="true"` when `signAuthnRequests` is on.',
  })
  @ApiParam({ name: 'orgSlug', example: 'acme' })
  @ApiProduces('application/samlmetadata+xml')
  @ApiResponse({ status: 200, description: 'SAML 2.0 metadata (XML)' })
  @ApiResponse({ status: 404, description: 'No organization with this slug' })
  async metadata(@Param('orgSlug') slug: string, @Res() response: Response): Promise<void> {
    const organization = await this.organizations.findBySlug(slug);
    if (!organization) throw DomainError.notFound('Organization');
    const { sp, ...options } = await this.connections.metadata(organization.id, organization.slug);
    response.type('application/samlmetadata+xml').send(serviceProviderMetadata(sp, options));
  }

  @Get('login')
  @ApiOperation({
    summary: 'Start an SP-initiated sign-in',
    description:
      'Redirects (302) to the IdP with a SAML AuthnRequest. `RelayState` (a path on this site) is where the person lands afterwards.',
  })
  @ApiParam({ name: 'orgSlug', example: 'acme' })
  @ApiQuery({ name: 'RelayState', required: false, example: '/home' })
  @ApiResponse({ status: 302, description: 'To the IdP’s single sign-on URL' })
  @ApiResponse({
    status: 404,
    description: 'HTML page: SSO is not configured for this organization',
  })
  async login(
    @Param('orgSlug') slug: string,
    @Query('RelayState') relayState: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const url = await this.signIn.start(
      slug,
      typeof relayState === 'string' ? relayState : undefined,
    );
    response.redirect(302, url);
  }

  @Post('acs')
  @HttpCode(303)
  @ApiOperation({
    summary: 'Assertion consumer service (HTTP-POST binding)',
    description:
      'Validates the IdP’s response (signature, issuer, audience, recipient, times, InResponseTo, replay), signs the person in through the pool policy, sets the session cookie and redirects (303) to RelayState or /home. With a RelayState of the admin portal (`/admin…`), an `admin` or `group_admin` also gets the portal’s session cookie (`rollcall_portal`); anyone else is sent to `/admin/#/denied`. Refusals are HTML pages with a 4xx status naming the reason.',
  })
  @ApiParam({ name: 'orgSlug', example: 'acme' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: AcsFormDto })
  @ApiResponse({
    status: 303,
    description: 'Signed in: to RelayState or /home, with the session cookie',
  })
  @ApiResponse({ status: 400, description: 'HTML page: the SAML response was rejected (and why)' })
  @ApiResponse({
    status: 403,
    description: 'HTML page: sign-in refused (pool full, unknown pool, deactivated…)',
  })
  @ApiResponse({ status: 404, description: 'HTML page: SSO is not configured' })
  async acs(
    @Param('orgSlug') slug: string,
    @Body() form: Record<string, unknown> | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const result = await this.signIn.acs(slug, form ?? {}, request.ip ?? null);
    await this.sessions.close(readCookie(request, SESSION_COOKIE));
    const { token } = await this.sessions.open(result.organization.id, result.user.id);
    response.cookie(
      SESSION_COOKIE,
      token,
      sessionCookieOptions(this.config.publicUrl, 'lax', SESSION_TTL_MS),
    );
    response.redirect(303, await this.portalSignIn(result, request, response));
  }

  /**
   * A sign-in for the admin portal (RelayState `/admin…`) by an admin or group admin also opens a
   * portal session (replacing the browser's previous one); anyone else is sent to the portal's
   * "denied" page. Answers where the browser goes.
   */
  private async portalSignIn(
    result: SignInSuccess,
    request: Request,
    response: Response,
  ): Promise<string> {
    if (!PORTAL_PATH.test(result.redirectTo)) return result.redirectTo;
    const { role } = result.user;
    if (role !== 'admin' && role !== 'group_admin') return PORTAL_DENIED_PATH;
    await this.portal.close(readCookie(request, PORTAL_COOKIE));
    const { cookie } = await this.portal.openForUser(result.organization.id, result.user.id, role);
    setPortalCookie(response, cookie, this.config.publicUrl);
    return result.redirectTo;
  }
}

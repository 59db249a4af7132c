import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  APP_CONFIG,
  type AppConfig,
  ApiProblems,
  DomainError,
  type ErrorCode,
  readCookie,
} from '@rollcall/common';
import { clearPortalCookie, setPortalCookie } from './portal-cookie';
import { PortalRateLimits } from './portal-rate-limits';
import { PortalSessionCreateDto, PortalSessionResponseDto } from './portal-session.dto';
import { CSRF_HEADER, PORTAL_COOKIE, PortalSessionsService } from './portal-sessions.service';

const GONE = new Set<ErrorCode>(['unauthorized', 'session_expired']);

/** The admin portal's own session: open it with a setup link, read it, sign out. */
@ApiTags('Admin portal session')
@Controller('api/v1/portal/session')
export class PortalSessionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: PortalSessionsService,
    private readonly limits: PortalRateLimits,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open an admin portal session with a setup link',
    description:
      'Consumes the one-time setup link (POST /api/v1/organizations/{id}/setup-link) and sets the HttpOnly, SameSite=Strict session cookie `rollcall_portal`. The session is an `admin` one without a user.',
  })
  @ApiCreatedResponse({ type: PortalSessionResponseDto })
  @ApiProblems('invalid_setup_link', 'validation_failed', 'malformed_request', 'too_many_requests')
  async open(
    @Body() body: PortalSessionCreateDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PortalSessionResponseDto> {
    const { cookie, session } = await this.limits.guardSetupLink(response, () =>
      this.sessions.openWithSetupToken(body.setupToken),
    );
    setPortalCookie(response, cookie, this.config.publicUrl);
    response.setHeader('Cache-Control', 'no-store');
    return PortalSessionResponseDto.from(await this.sessions.view(session));
  }

  @Get()
  @ApiCookieAuth('portalSession')
  @ApiOperation({
    summary: 'The admin portal session of the cookie',
    description:
      'Who is signed in, the CSRF token to send on unsafe methods and when the session ends. Restarts the idle timer.',
  })
  @ApiOkResponse({ type: PortalSessionResponseDto })
  @ApiProblems('unauthorized', 'session_expired', 'too_many_requests')
  async get(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PortalSessionResponseDto> {
    const session = await this.authenticated(response, () =>
      this.sessions.authenticate(readCookie(request, PORTAL_COOKIE), 'always'),
    );
    await this.limits.countSessionRequest(response, session.principal.sessionId);
    response.setHeader('Cache-Control', 'no-store');
    return PortalSessionResponseDto.from(await this.sessions.view(session));
  }

  @Delete()
  @HttpCode(204)
  @ApiCookieAuth('portalSession')
  @ApiOperation({
    summary: 'Sign out of the admin portal',
    description: 'Ends the session (its row is deleted) and clears the cookie.',
  })
  @ApiHeader({ name: 'X-CSRF-Token', required: true, description: 'The session’s csrfToken' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems('unauthorized', 'session_expired', 'csrf_failed', 'too_many_requests')
  async close(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const cookie = readCookie(request, PORTAL_COOKIE);
    const session = await this.authenticated(response, () =>
      this.sessions.authenticateRequest(cookie, request.method, request.headers[CSRF_HEADER]),
    );
    await this.limits.countSessionRequest(response, session.principal.sessionId);
    await this.sessions.close(cookie);
    clearPortalCookie(response, this.config.publicUrl);
  }

  /** Runs the check; a session that is gone also loses its cookie. */
  private async authenticated<T>(response: Response, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof DomainError && GONE.has(error.code)) {
        clearPortalCookie(response, this.config.publicUrl);
      }
      throw error;
    }
  }
}

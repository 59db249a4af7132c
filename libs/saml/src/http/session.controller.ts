import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, readCookie } from '@rollcall/common';
import { AdminUserActions, OrganizationsService } from '@rollcall/identity';
import { SESSION_COOKIE, WebSessionsService } from '../sessions/web-sessions.service';

import { homePage, signedOutPage } from './pages';

/** The signed-in person's pages: home (who you are, your pool and license) and sign-out. */
@ApiTags('SAML SSO (browser)')
@Controller()
export class SessionController {
  constructor(
    private readonly sessions: WebSessionsService,
    private readonly lifecycle: AdminUserActions,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get('home')
  @ApiOperation({ summary: 'Home page of the signed-in person (HTML; needs the session cookie)' })
  @ApiProduces('text/html')
  @ApiResponse({
    status: 200,
    description: 'Who you are, your license pool, license status and tier',
  })
  @ApiResponse({ status: 401, description: 'HTML page: not signed in' })
  async home(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = readCookie(request, SESSION_COOKIE);
    const session = await this.sessions.find(token);
    const user = session
      ? await this.lifecycle.getForAdmin(session.organizationId, session.userId).catch(() => null)
      : null;
    if (!session || !user || user.status !== 'active') {
      if (session) await this.sessions.close(token);
      response.clearCookie(SESSION_COOKIE, { path: '/' });
      throw new DomainError(
        'unauthorized',
        'You are not signed in (or your session ended). Sign in through your organization’s identity provider.',
      );
    }
    const organization = await this.organizations.get(session.organizationId);
    response.setHeader('Cache-Control', 'no-store');
    response.type('html').send(homePage(user, organization));
  }

  @Post('sso/logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out: ends the session and clears its cookie (HTML page)' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'Signed out' })
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.sessions.close(readCookie(request, SESSION_COOKIE));
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.type('html').send(signedOutPage());
  }
}

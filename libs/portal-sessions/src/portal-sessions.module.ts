import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { RateLimitModule } from '@rollcall/operations';
import { PortalRateLimits } from './portal-rate-limits';
import { PortalSessionController } from './portal-session.controller';
import { PortalSessionsRepository } from './portal-sessions.repository';
import { PortalSessionsService } from './portal-sessions.service';

/**
 * Admin portal sessions: setup links, the session cookie and its CSRF token, idle and absolute
 * timeouts. The admin guard (libs/tenancy) authenticates the cookie through PortalSessionsService;
 * the SAML ACS opens sessions for admins.
 */
@Module({
  imports: [IdentityModule, RateLimitModule],
  controllers: [PortalSessionController],
  providers: [PortalSessionsRepository, PortalSessionsService, PortalRateLimits],
  exports: [PortalSessionsService, PortalRateLimits],
})
export class PortalSessionsModule {}

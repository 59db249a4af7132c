export { PortalSessionsModule } from './portal-sessions.module';
export {
  PortalSessionsService,
  PORTAL_COOKIE,
  CSRF_HEADER,
  SETUP_LINK_TTL_MS,
  type PortalPrincipal,
  type PortalSession,
  type PortalSessionView,
  type OpenedPortalSession,
} from './portal-sessions.service';
export { PORTAL_ROLES, type PortalRole } from './admin-session.entity';
export { setPortalCookie, clearPortalCookie } from './portal-cookie';
export { SetupLinkResponseDto } from './portal-session.dto';
export { PortalRateLimits } from './portal-rate-limits';

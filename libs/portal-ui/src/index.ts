export { PortalUiModule } from './portal-ui.module';
export { isPortalPath, PORTAL_HELMET_OPTIONS } from './portal-security';

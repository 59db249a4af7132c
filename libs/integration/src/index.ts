export { IntegrationModule } from './integration.module';
export {
  ScimIntegrationService,
  type ScimPrincipal,
  type ScimCredentials,
  type ScimIntegrationStatus,
  type ScimExpiryNotice,
} from './settings/scim-integration.service';
export {
  ScimAuth,
  ScimAuthGuard,
  SCIM_BASIC_SCHEME,
  SCIM_BEARER_SCHEME,
} from './settings/scim-auth';
export { ProvisioningLogService } from './logs/provisioning-log.service';
export { ProvisioningLogMiddleware } from './logs/provisioning-log.middleware';

import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { RateLimitModule } from '@rollcall/operations';
import { TenancyModule } from '@rollcall/tenancy';
import { ProvisioningLogController } from './logs/provisioning-log.controller';
import { ProvisioningLogMiddleware } from './logs/provisioning-log.middleware';
import { ProvisioningLogService } from './logs/provisioning-log.service';
import { ScimRequestLogsRepository } from './logs/scim-request-logs.repository';
import { ScimAuthGuard } from './settings/scim-auth';
import { ScimIntegrationController } from './settings/scim-integration.controller';
import { ScimIntegrationService } from './settings/scim-integration.service';
import { ScimIntegrationsRepository } from './settings/scim-integrations.repository';

/**
 * SCIM integration settings (SPEC §6): enabling, rotating and disabling the credentials, SCIM
 * authentication, and the provisioning log of every SCIM request.
 */
@Module({
  imports: [IdentityModule, TenancyModule, RateLimitModule],
  controllers: [ScimIntegrationController, ProvisioningLogController],
  providers: [
    ScimIntegrationsRepository,
    ScimIntegrationService,
    ScimAuthGuard,
    ScimRequestLogsRepository,
    ProvisioningLogService,
    // Mounted on /scim/v2 by the application's setup (apps/api/src/app.setup.ts), ahead of every
    // module's middleware and route.
    ProvisioningLogMiddleware,
  ],
  // RateLimitModule: ScimAuthGuard, instantiated in the SCIM resource modules, needs it.
  exports: [
    ScimIntegrationService,
    ScimAuthGuard,
    ProvisioningLogService,
    ProvisioningLogMiddleware,
    RateLimitModule,
  ],
})
export class IntegrationModule {}

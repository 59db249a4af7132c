import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { IdentityModule } from '@rollcall/identity';
import { RateLimitModule } from '@rollcall/operations';
import { PortalSessionsModule } from '@rollcall/portal-sessions';
import { AdminApiKeysController } from './admin-api-keys/admin-api-keys.controller';
import { AdminApiKeysRepository } from './admin-api-keys/admin-api-keys.repository';
import { AdminApiKeysService } from './admin-api-keys/admin-api-keys.service';
import { AdminApiKeyGuard, OperatorTokenGuard } from './auth/auth.decorators';
import { AdminApiKeyStrategy, OperatorTokenStrategy } from './auth/strategies';
import { DemoTenantSeeder } from './organizations/demo-tenant.seeder';
import {
  CurrentOrganizationController,
  OrganizationsController,
} from './organizations/organizations.controller';
import { TenantsService } from './organizations/tenants.service';

/**
 * Tenants as the operator sees them, and what lets an organization's admins in: admin API keys and
 * (through the same guard) admin portal sessions.
 */
@Module({
  imports: [PassportModule, IdentityModule, RateLimitModule, PortalSessionsModule],
  controllers: [OrganizationsController, CurrentOrganizationController, AdminApiKeysController],
  providers: [
    AdminApiKeysRepository,
    AdminApiKeysService,
    TenantsService,
    DemoTenantSeeder,
    AdminApiKeyStrategy,
    OperatorTokenStrategy,
    AdminApiKeyGuard,
    OperatorTokenGuard,
  ],
  // RateLimitModule and PortalSessionsModule: the admin and operator guards, instantiated in the
  // modules that use them, need them.
  exports: [
    AdminApiKeysService,
    TenantsService,
    DemoTenantSeeder,
    RateLimitModule,
    PortalSessionsModule,
  ],
})
export class TenancyModule {}

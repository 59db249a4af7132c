import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { IdentityModule } from '@rollcall/identity';
import { RateLimitModule } from '@rollcall/operations';
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

/** Tenants as the operator sees them, and the admin API keys that let an organization's admins in. */
@Module({
  imports: [PassportModule, IdentityModule, RateLimitModule],
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
  // RateLimitModule: the admin and operator guards, instantiated in the modules that use them, need it.
  exports: [AdminApiKeysService, TenantsService, DemoTenantSeeder, RateLimitModule],
})
export class TenancyModule {}

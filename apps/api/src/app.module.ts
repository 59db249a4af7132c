import { Module } from '@nestjs/common';
import { CommonModule } from '@rollcall/common';
import { DatabaseModule } from '@rollcall/database';
import { EventsModule } from '@rollcall/events';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { LicensePoolsModule } from '@rollcall/license-pools';
import { NotificationsModule } from '@rollcall/notifications';
import { OperationsModule } from '@rollcall/operations';
import { PortalUiModule } from '@rollcall/portal-ui';
import { SamlModule } from '@rollcall/saml';
import { ScimModule } from '@rollcall/scim';
import { ScimGroupsModule } from '@rollcall/scim-groups';
import { ScimSearchModule } from '@rollcall/scim-search';
import { ScimUsersModule } from '@rollcall/scim-users';
import { TenancyModule } from '@rollcall/tenancy';
import { UsersAdminModule } from '@rollcall/users';

/** The composition root: every bounded context, wired together. No logic lives here. */
@Module({
  imports: [
    CommonModule,
    DatabaseModule,
    IdentityModule,
    TenancyModule,
    LicensePoolsModule,
    UsersAdminModule,
    IntegrationModule,
    ScimModule,
    ScimUsersModule,
    ScimGroupsModule,
    ScimSearchModule,
    SamlModule,
    OperationsModule,
    NotificationsModule,
    EventsModule,
    PortalUiModule,
  ],
})
export class AppModule {}

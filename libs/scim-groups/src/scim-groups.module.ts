import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { readLaneRoutes, ScimModule } from '@rollcall/scim';
import { TenancyModule } from '@rollcall/tenancy';
import { GroupsAdminController } from './admin/groups-admin.controller';
import { GroupsAdminService } from './admin/groups-admin.service';
import { ScimGroupsController } from './scim-groups.controller';
import { ScimGroupsReadLane } from './scim-groups.read-lane';
import { ScimGroupsService } from './scim-groups.service';

/**
 * SCIM 2.0 /Groups (RFC 7643/7644) and the admin API for groups (`/api/v1/groups`), over the
 * identity domain's GroupsService.
 */
@Module({
  imports: [IdentityModule, IntegrationModule, ScimModule, TenancyModule],
  controllers: [ScimGroupsController, GroupsAdminController],
  providers: [ScimGroupsService, ScimGroupsReadLane, GroupsAdminService],
  exports: [ScimGroupsService],
})
export class ScimGroupsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ScimGroupsReadLane).forRoutes(...readLaneRoutes('scim/v2/Groups'));
  }
}

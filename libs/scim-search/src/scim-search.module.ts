import { Module } from '@nestjs/common';
import { IntegrationModule } from '@rollcall/integration';
import { ScimGroupsModule } from '@rollcall/scim-groups';
import { ScimUsersModule } from '@rollcall/scim-users';
import { ScimRootSearchController } from './root-search.controller';
import { ScimRootSearchService } from './root-search.service';

/**
 * SCIM 2.0 root search (`POST /scim/v2/.search`, RFC 7644 §3.4.3): one SearchRequest over users
 * and groups, asked of the services of /Users and /Groups.
 */
@Module({
  // IntegrationModule: the SCIM credentials' guard (ScimAuth), as on /Users and /Groups.
  imports: [IntegrationModule, ScimUsersModule, ScimGroupsModule],
  controllers: [ScimRootSearchController],
  providers: [ScimRootSearchService],
})
export class ScimSearchModule {}

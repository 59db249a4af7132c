import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { ScimModule } from '@rollcall/scim';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersService } from './scim-users.service';

/** SCIM 2.0 /Users (RFC 7643/7644) over the shared identity domain. */
@Module({
  imports: [IdentityModule, IntegrationModule, ScimModule],
  controllers: [ScimUsersController],
  providers: [ScimUsersService],
  exports: [ScimUsersService],
})
export class ScimUsersModule {}

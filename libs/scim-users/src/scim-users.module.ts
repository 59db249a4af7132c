import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { readLaneRoutes, ScimModule } from '@rollcall/scim';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersReadLane } from './scim-users.read-lane';
import { ScimUsersService } from './scim-users.service';

/** SCIM 2.0 /Users (RFC 7643/7644) over the shared identity domain. */
@Module({
  imports: [IdentityModule, IntegrationModule, ScimModule],
  controllers: [ScimUsersController],
  providers: [ScimUsersService, ScimUsersReadLane],
  exports: [ScimUsersService],
})
export class ScimUsersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ScimUsersReadLane).forRoutes(...readLaneRoutes('scim/v2/Users'));
  }
}

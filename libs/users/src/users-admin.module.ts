import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { TenancyModule } from '@rollcall/tenancy';
import { UsersAdminController } from './users-admin.controller';
import { UsersAdminService } from './users-admin.service';

/** The admin API for users (SPEC §7); lifecycle rules live in the identity domain. */
@Module({
  imports: [IdentityModule, IntegrationModule, TenancyModule],
  controllers: [UsersAdminController],
  providers: [UsersAdminService],
})
export class UsersAdminModule {}

import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { TenancyModule } from '@rollcall/tenancy';
import { LicensePoolsController } from './license-pools.controller';

/** The admin API for license pools; the pool rules live in the identity domain. */
@Module({
  imports: [IdentityModule, TenancyModule],
  controllers: [LicensePoolsController],
})
export class LicensePoolsModule {}

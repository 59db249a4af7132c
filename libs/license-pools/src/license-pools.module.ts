import { Module } from '@nestjs/common';

/**
 * The admin API for license pools; the pool-assignment policy itself lives in the identity domain. Empty until the "License pools" issue lands.
 */
@Module({})
export class LicensePoolsModule {}

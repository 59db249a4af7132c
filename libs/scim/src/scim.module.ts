import { Module } from '@nestjs/common';
import { ScimDiscoveryController } from './http/discovery.controller';

/**
 * SCIM 2.0 protocol pieces shared by /Users and /Groups: schemas and discovery, filters compiled to
 * SQL, the PATCH engine, list responses, ETags.
 */
@Module({
  controllers: [ScimDiscoveryController],
})
export class ScimModule {}

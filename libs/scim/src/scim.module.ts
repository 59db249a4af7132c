import { Module } from '@nestjs/common';
import { ScimDiscoveryController } from './http/discovery.controller';
import { ScimResponseInterceptor } from './http/scim-response.interceptor';

/**
 * SCIM 2.0 protocol pieces shared by /Users and /Groups: schemas and discovery, filters compiled to
 * SQL, the PATCH engine, list responses, ETags.
 */
@Module({
  controllers: [ScimDiscoveryController],
  providers: [ScimResponseInterceptor],
  exports: [ScimResponseInterceptor],
})
export class ScimModule {}

import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations.module';
import { RateLimitCountersRepository } from './rate-limit-counters.repository';
import { RateLimiter } from './rate-limiter';

/**
 * The shared request counters. Imported by the modules that authenticate callers (tenancy for admin
 * keys and the operator token, integration for SCIM credentials), whose guards apply the limits.
 */
@Module({
  imports: [OperationsModule],
  providers: [RateLimitCountersRepository, RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}

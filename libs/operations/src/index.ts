export { OperationsModule } from './operations.module';
export { MetricsService, type EmailResult } from './metrics/metrics.service';
export { RateLimitModule } from './rate-limits/rate-limit.module';
export {
  RateLimiter,
  tooManyRequests,
  type RateLimit,
  type RateLimitDecision,
} from './rate-limits/rate-limiter';

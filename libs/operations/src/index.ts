export { OperationsModule } from './operations.module';
export { MetricsService, type EmailResult } from './metrics/metrics.service';
export { GracefulShutdown } from './shutdown/graceful-shutdown';
export { RateLimitModule } from './rate-limits/rate-limit.module';
export {
  RateLimiter,
  tooManyRequests,
  type RateLimit,
  type RateLimitDecision,
} from './rate-limits/rate-limiter';

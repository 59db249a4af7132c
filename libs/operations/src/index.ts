export { OperationsModule } from './operations.module';
export { MetricsService, type EmailResult } from './metrics/metrics.service';
export { GracefulShutdown, ShutdownTrackingMiddleware } from './shutdown/graceful-shutdown';
export { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
export { RateLimitModule } from './rate-limits/rate-limit.module';
export {
  RateLimiter,
  tooManyRequests,
  type RateLimit,
  type RateLimitDecision,
} from './rate-limits/rate-limiter';

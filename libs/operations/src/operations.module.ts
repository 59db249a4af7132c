import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { GracefulShutdown, ShutdownTrackingMiddleware } from './shutdown/graceful-shutdown';

/**
 * What operators and load balancers poll — /health/live, /health/ready and /metrics — and the drain
 * on shutdown.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [HealthController, MetricsController],
  // The two middlewares are mounted by the application's setup (apps/api/src/app.setup.ts), ahead
  // of every module's middleware and route.
  providers: [MetricsService, GracefulShutdown, ShutdownTrackingMiddleware, HttpMetricsMiddleware],
  exports: [MetricsService, GracefulShutdown, ShutdownTrackingMiddleware, HttpMetricsMiddleware],
})
export class OperationsModule {}

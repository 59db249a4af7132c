import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
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
  providers: [MetricsService, GracefulShutdown],
  exports: [MetricsService, GracefulShutdown],
})
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ShutdownTrackingMiddleware, HttpMetricsMiddleware).forRoutes('*path');
  }
}

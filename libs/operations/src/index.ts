export { OperationsModule } from './operations.module';
export { MetricsService, type EmailResult } from './metrics/metrics.service';

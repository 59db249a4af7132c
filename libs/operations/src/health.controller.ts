import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { GracefulShutdown } from './shutdown/graceful-shutdown';

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: GracefulShutdown,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers HTTP' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database answers within 3 s and the instance is not shutting down',
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const instance = this.indicators.check('instance');
        return this.shutdown.draining ? instance.down({ message: 'shutting down' }) : instance.up();
      },
      () => this.database.pingCheck('database', { timeout: 3_000 }),
    ]);
  }
}

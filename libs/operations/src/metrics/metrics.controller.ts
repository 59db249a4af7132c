import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import {
  APP_CONFIG,
  type AppConfig,
  ApiProblems,
  DomainError,
  secretsEqual,
} from '@rollcall/common';
import { MetricsService } from './metrics.service';

@ApiTags('Health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format: HTTP requests, SCIM operations, seats per pool, the email outbox and the process. ' +
      'Open unless ROLLCALL_METRICS_TOKEN is set (then `Authorization: Bearer <token>`); protect it at the load balancer.',
  })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'The metrics',
    schema: {
      type: 'string',
      example:
        '# TYPE rollcall_license_pool_seats_used gauge\nrollcall_license_pool_seats_used{organization="acme",pool="Default"} 42\n',
    },
  })
  @ApiProblems('unauthorized')
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const expected = this.config.metricsToken;
    if (expected !== undefined && !bearerMatches(authorization, expected)) {
      throw new DomainError(
        'unauthorized',
        '/metrics needs "Authorization: Bearer <ROLLCALL_METRICS_TOKEN>".',
      );
    }
    return this.metrics.scrape();
  }
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return presented !== undefined && secretsEqual(presented, expected);
}

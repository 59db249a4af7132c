import { Module, type OnModuleInit } from '@nestjs/common';
import { IdentityModule, SeatUsageService } from '@rollcall/identity';
import { MetricsService, OperationsModule } from '@rollcall/operations';
import { TenancyModule } from '@rollcall/tenancy';
import { LicensePoolsController } from './license-pools.controller';

/**
 * The admin API for license pools (the pool rules live in the identity domain), and the seat gauges'
 * reader for /metrics.
 */
@Module({
  imports: [IdentityModule, OperationsModule, TenancyModule],
  controllers: [LicensePoolsController],
})
export class LicensePoolsModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly seats: SeatUsageService,
  ) {}

  onModuleInit(): void {
    this.metrics.reportSeatUsage((limit) => this.seats.byPool(limit));
  }
}

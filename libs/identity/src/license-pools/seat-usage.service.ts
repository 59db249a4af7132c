import { Injectable } from '@nestjs/common';
import { SeatsRepository, type PoolSeatUsage } from './seats.repository';

export { OTHER_POOLS, type PoolSeatUsage } from './seats.repository';

/** Seat usage for monitoring: one aggregate query over every pool. */
@Injectable()
export class SeatUsageService {
  constructor(private readonly seats: SeatsRepository) {}

  /**
   * The `limit` fullest pools (by seats used) one by one, and every other pool summed into one row
   * labelled `OTHER_POOLS`, so that the number of rows stays bounded however many tenants there are.
   */
  byPool(limit: number): Promise<PoolSeatUsage[]> {
    return this.seats.usageByPool(limit);
  }
}

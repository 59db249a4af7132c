import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LicensePoolEntity } from './license-pool.entity';

/**
 * Seats move only through here, inside the caller's transaction. Taking a seat is one conditional
 * UPDATE that locks the pool row, so concurrent takers on any number of instances serialize on it;
 * the CHECK (used <= capacity) constraint is the backstop.
 */
@Injectable()
export class SeatLedger {
  /** Takes a seat; false (and nothing changed) when the pool is full. */
  async take(poolId: string, manager: EntityManager): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = await manager.query<[unknown[], number]>(
      'UPDATE license_pools SET used = used + 1, updated_at = now() WHERE id = $1 AND used < capacity',
      [poolId],
    );
    return affected === 1;
  }

  async release(poolId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE license_pools SET used = used - 1, updated_at = now() WHERE id = $1 AND used > 0',
      [poolId],
    );
  }

  async usage(
    poolId: string,
    manager: EntityManager,
  ): Promise<{ name: string; capacity: number; used: number }> {
    const pool = await manager.getRepository(LicensePoolEntity).findOneByOrFail({ id: poolId });
    return { name: pool.name, capacity: pool.capacity, used: pool.used };
  }
}

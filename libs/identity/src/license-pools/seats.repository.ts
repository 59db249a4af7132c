import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement } from '@rollcall/common';
import { LicensePoolEntity } from './license-pool.entity';

/** Seats of one pool, or of every pool beyond the reported ones (`OTHER_POOLS`). */
export interface PoolSeatUsage {
  organizationSlug: string;
  poolName: string;
  used: number;
  capacity: number;
}

/** The organization and pool label of the sum over pools beyond the limit (not a valid slug). */
export const OTHER_POOLS = '(other)';

/**
 * The seats of license pools (their `used` counts): seats move only through here, inside the
 * caller's transaction. Taking a seat is one conditional UPDATE on the locked pool row, so
 * concurrent takers on any number of instances serialize on it; the CHECK (used <= capacity)
 * constraint is the backstop.
 *
 * Every take and release first locks all of the organization's pools in id order (as the admin's
 * pool changes do): a seat moving from pool A to B and another moving from B to A would otherwise
 * each hold one row and wait for the other's — a deadlock PostgreSQL breaks by failing one of them.
 */
@Injectable()
export class SeatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes a seat; false (and nothing changed) when the pool is full. */
  async take(poolId: string, manager: EntityManager): Promise<boolean> {
    await this.lockPoolsOfOrganization(poolId, manager);
    const taken = await runStatement(
      manager,
      'UPDATE license_pools SET used = used + 1, updated_at = now() WHERE id = $1 AND used < capacity RETURNING id',
      [poolId],
    );
    return taken.length === 1;
  }

  async release(poolId: string, manager: EntityManager): Promise<void> {
    await this.lockPoolsOfOrganization(poolId, manager);
    await runStatement(
      manager,
      'UPDATE license_pools SET used = used - 1, updated_at = now() WHERE id = $1 AND used > 0',
      [poolId],
    );
  }

  /**
   * Locks every pool of the organization up front, for a transaction that will insert a user (its
   * foreign key takes a share lock on the pool row) and then take a seat: without it, two such
   * transactions each hold the share lock the other's seat update waits for.
   */
  async lockPools(organizationId: string, manager: EntityManager): Promise<void> {
    await runStatement(
      manager,
      'SELECT id FROM license_pools WHERE organization_id = $1 ORDER BY id FOR UPDATE',
      [organizationId],
    );
  }

  /** Locks held until the transaction ends; taking them again in the same transaction is free. */
  private async lockPoolsOfOrganization(poolId: string, manager: EntityManager): Promise<void> {
    await runStatement(
      manager,
      `SELECT id FROM license_pools
       WHERE organization_id = (SELECT organization_id FROM license_pools WHERE id = $1)
       ORDER BY id FOR UPDATE`,
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

  /**
   * Seat usage for monitoring in one aggregate statement: the `limit` fullest pools one by one, and
   * every other pool summed into one row labelled `OTHER_POOLS`.
   */
  async usageByPool(limit: number): Promise<PoolSeatUsage[]> {
    const rows = await runStatement<{ slug: string; name: string; used: number; capacity: number }>(
      this.dataSource,
      `WITH ranked AS (
         SELECT o.slug, p.name, p.used, p.capacity,
                row_number() OVER (ORDER BY p.used DESC, o.slug, p.name) AS rank
         FROM license_pools p JOIN organizations o ON o.id = p.organization_id)
       SELECT CASE WHEN rank <= $1 THEN slug ELSE $2 END AS slug,
              CASE WHEN rank <= $1 THEN name ELSE $2 END AS name,
              sum(used)::int AS used, sum(capacity)::int AS capacity
       FROM ranked GROUP BY 1, 2`,
      [limit, OTHER_POOLS],
    );
    return rows.map((r) => ({
      organizationSlug: r.slug,
      poolName: r.name,
      used: r.used,
      capacity: r.capacity,
    }));
  }
}

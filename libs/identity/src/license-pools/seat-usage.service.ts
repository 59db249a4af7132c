import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Seats of one pool, or of every pool beyond the reported ones (`OTHER_POOLS`). */
export interface PoolSeatUsage {
  organizationSlug: string;
  poolName: string;
  used: number;
  capacity: number;
}

/** The organization and pool label of the sum over pools beyond the limit (not a valid slug). */
export const OTHER_POOLS = '(other)';

/** Seat usage for monitoring: one aggregate query over every pool. */
@Injectable()
export class SeatUsageService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The `limit` fullest pools (by seats used) one by one, and every other pool summed into one row
   * labelled `OTHER_POOLS`, so that the number of rows stays bounded however many tenants there are.
   */
  async byPool(limit: number): Promise<PoolSeatUsage[]> {
    const rows = await this.dataSource.query<
      { slug: string; name: string; used: number; capacity: number }[]
    >(
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

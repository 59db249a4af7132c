import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';

/** A bucket's count in its current window, and the seconds until that window ends. */
export interface CounterRow {
  hits: number;
  reset_in: number | string | null;
}

/**
 * The UNLOGGED `rate_limit_counters` table: one row per bucket, its window started by the database's
 * clock. Every statement is one round trip (the rate limiter is on every authenticated request).
 */
@Injectable()
export class RateLimitCountersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds `hits` to the bucket's counter in one atomic upsert, starting a new window when the last one
   * ended; answers the count after it (this addition included).
   */
  add(bucket: string, windowSeconds: number, hits: number): Promise<CounterRow | undefined> {
    return runStatementForOne<CounterRow>(
      this.dataSource,
      `INSERT INTO rate_limit_counters AS c (bucket, window_started_at, hits)
       VALUES ($1, now(), $3)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN c.window_started_at > now() - $2 * interval '1 second'
                     THEN LEAST(c.hits, 2147483647 - $3) + $3 ELSE $3 END,
         window_started_at = CASE WHEN c.window_started_at > now() - $2 * interval '1 second'
                                  THEN c.window_started_at ELSE now() END
       RETURNING c.hits,
         extract(epoch FROM c.window_started_at + $2 * interval '1 second' - now()) AS reset_in`,
      [bucket, windowSeconds, hits],
    );
  }

  /** The bucket's counter if its window has not ended yet; counts nothing. */
  findCurrent(bucket: string, windowSeconds: number): Promise<CounterRow | undefined> {
    return runStatementForOne<CounterRow>(
      this.dataSource,
      `SELECT hits,
         ceil(extract(epoch FROM window_started_at + $2 * interval '1 second' - now())) AS reset_in
       FROM rate_limit_counters
       WHERE bucket = $1 AND window_started_at > now() - $2 * interval '1 second'`,
      [bucket, windowSeconds],
    );
  }

  /** Deletes the counters whose window started at least `windowSeconds` ago. */
  async pruneOlderThan(windowSeconds: number): Promise<void> {
    await runStatement(
      this.dataSource,
      `DELETE FROM rate_limit_counters WHERE window_started_at <= now() - $1 * interval '1 second'`,
      [windowSeconds],
    );
  }
}

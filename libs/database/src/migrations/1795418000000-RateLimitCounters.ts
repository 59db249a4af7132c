import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the request counters of the rate limits (libs/operations/src/rate-limits). No
 * entity maps the table; the limiter speaks SQL to it. UNLOGGED: counters are not worth WAL, are not
 * replicated, and PostgreSQL empties the table after a crash, which only resets the windows.
 */
export class RateLimitCounters1795418000000 implements MigrationInterface {
  name = 'RateLimitCounters1795418000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE UNLOGGED TABLE "rate_limit_counters" ("bucket" character varying(128) NOT NULL, "window_started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY ("bucket"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "rate_limit_counters"');
  }
}

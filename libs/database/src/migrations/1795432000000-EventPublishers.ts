import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (no entity: only libs/events' NatsPublisherRepository reads and writes it). Where
 * each broker publisher is in the event log, and which instance publishes: one row per publisher
 * (`nats:<stream>`), whose cursor `(tx, position)` is the last event the broker acknowledged, and
 * whose lease (`lease_token` until `leased_until`, on the database's clock) names the one instance
 * that publishes. The holder renews the lease as it goes and moves the cursor only while its token
 * is the row's; an instance that dies keeps the lease until it expires, then another takes it over
 * and publishes from the cursor (at least once: the broker's duplicate window hides the repeat).
 */
export class EventPublishers1795432000000 implements MigrationInterface {
  name = 'EventPublishers1795432000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event_publishers" (
         "name" character varying(300) NOT NULL,
         "tx" xid8 NOT NULL DEFAULT '0'::xid8,
         "position" bigint NOT NULL DEFAULT 0,
         "lease_token" uuid,
         "leased_until" TIMESTAMP WITH TIME ZONE,
         "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "event_publishers_pkey" PRIMARY KEY ("name"),
         CONSTRAINT "event_publishers_lease" CHECK (("lease_token" IS NULL) = ("leased_until" IS NULL))
       )`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "event_publishers"`);
  }
}

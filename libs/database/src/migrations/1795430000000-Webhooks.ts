import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (no entity: libs/events' WebhooksRepository reads and writes these tables in
 * SQL). Webhook endpoints and their delivery log (docs/events.md, "Webhooks").
 *
 * Each endpoint follows the event log with a cursor of its own (`cursor_tx`, `cursor_position`,
 * as the events API's cursors), so that it is delivered every event of its organization in log
 * order, one at a time, and picks up where it stopped after any failure. A delivery worker (on any
 * instance) claims an endpoint with a lease (`leased_until`, `lease_token`), and moves its cursor
 * only while that lease is its own and the endpoint unchanged (`version`): a worker that died
 * mid-delivery holds nothing once its lease has run out, and the next one delivers the same event
 * again (at least once). Signing secrets are stored encrypted (AES-256-GCM, the key from
 * ROLLCALL_WEBHOOK_SECRET_KEY or generated), never in clear.
 */
export class Webhooks1795430000000 implements MigrationInterface {
  name = 'Webhooks1795430000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" (
         "id" uuid NOT NULL,
         "organization_id" uuid NOT NULL,
         "url" character varying(2048) NOT NULL,
         "description" character varying(200),
         "types" text[],
         "enabled" boolean NOT NULL DEFAULT true,
         "disabled_reason" character varying(16),
         "secret" text NOT NULL,
         "previous_secret" text,
         "previous_secret_expires_at" TIMESTAMP(3) WITH TIME ZONE,
         "secret_rotated_at" TIMESTAMP(3) WITH TIME ZONE,
         "cursor_tx" xid8 NOT NULL,
         "cursor_position" bigint NOT NULL,
         "version" integer NOT NULL DEFAULT 1,
         "consecutive_failures" integer NOT NULL DEFAULT 0,
         "first_failure_at" TIMESTAMP(3) WITH TIME ZONE,
         "last_error" text,
         "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
         "leased_until" TIMESTAMP(3) WITH TIME ZONE,
         "lease_token" uuid,
         "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
         "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id"),
         CONSTRAINT "webhook_endpoints_organization_id_fkey" FOREIGN KEY ("organization_id")
           REFERENCES "organizations"("id") ON DELETE CASCADE,
         CONSTRAINT "webhook_endpoints_disabled_reason_check"
           CHECK ("disabled_reason" IN ('manual', 'failing')),
         CONSTRAINT "webhook_endpoints_disabled_check"
           CHECK ("enabled" = ("disabled_reason" IS NULL))
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_endpoints_organization_idx"
         ON "webhook_endpoints" ("organization_id", "created_at", "id")`,
    );
    // The claim looks only at enabled endpoints that are due.
    await queryRunner.query(
      `CREATE INDEX "webhook_endpoints_due_idx" ON "webhook_endpoints" ("next_attempt_at")
         WHERE "enabled"`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "organization_id" uuid NOT NULL,
         "endpoint_id" uuid NOT NULL,
         "event_id" uuid NOT NULL,
         "event_type" character varying(64) NOT NULL,
         "event_tx" xid8 NOT NULL,
         "event_position" bigint NOT NULL,
         "attempt" integer NOT NULL,
         "outcome" character varying(16) NOT NULL,
         "http_status" integer,
         "latency_ms" integer NOT NULL,
         "error" text,
         "response_excerpt" text,
         "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
         CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
         CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id")
           REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE,
         CONSTRAINT "webhook_deliveries_outcome_check" CHECK ("outcome" IN ('succeeded', 'failed'))
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_endpoint_idx"
         ON "webhook_deliveries" ("endpoint_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries" ("created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}

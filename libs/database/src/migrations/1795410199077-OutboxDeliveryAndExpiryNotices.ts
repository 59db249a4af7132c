import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxDeliveryAndExpiryNotices1795410199077 implements MigrationInterface {
  name = 'OutboxDeliveryAndExpiryNotices1795410199077';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "outbox_messages" ADD "failed_at" TIMESTAMP(3) WITH TIME ZONE',
    );
    // Written by hand: TypeORM does not notice a changed WHERE of a partial index.
    await queryRunner.query('DROP INDEX "public"."outbox_messages_pending_idx"');
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages" ("available_at") WHERE "sent_at" IS NULL AND "failed_at" IS NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_integrations" ADD "expiry_warning_sent_at" TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_integrations" ADD "expired_notice_sent_at" TIMESTAMP(3) WITH TIME ZONE',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_integrations" DROP COLUMN "expired_notice_sent_at"');
    await queryRunner.query('ALTER TABLE "scim_integrations" DROP COLUMN "expiry_warning_sent_at"');
    await queryRunner.query('DROP INDEX "public"."outbox_messages_pending_idx"');
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages" ("available_at") WHERE "sent_at" IS NULL',
    );
    await queryRunner.query('ALTER TABLE "outbox_messages" DROP COLUMN "failed_at"');
  }
}

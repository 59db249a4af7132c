import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScimUsers1795406040690 implements MigrationInterface {
  name = 'ScimUsers1795406040690';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "user_name" character varying(256) NOT NULL, "external_id" character varying(256), "formatted_name" character varying(512), "given_name" character varying(256), "family_name" character varying(256), "middle_name" character varying(256), "honorific_prefix" character varying(64), "honorific_suffix" character varying(64), "display_name" character varying(512), "nick_name" character varying(256), "profile_url" character varying(2048), "title" character varying(256), "user_type" character varying(128), "preferred_language" character varying(64), "locale" character varying(64), "timezone" character varying(64), "emails" jsonb NOT NULL, "email_values" text array NOT NULL, "primary_email" character varying(320), "phone_numbers" jsonb NOT NULL, "addresses" jsonb NOT NULL, "ims" jsonb NOT NULL, "photos" jsonb NOT NULL, "enterprise" jsonb NOT NULL, "role" character varying(16) NOT NULL DEFAULT \'user\', "license_pool_id" uuid NOT NULL, "license_tier" character varying(16) NOT NULL DEFAULT \'enterprise\', "status" character varying(16) NOT NULL, "scim_managed" boolean NOT NULL DEFAULT false, "scim_visible" boolean NOT NULL DEFAULT true, "first_login_at" TIMESTAMP(3) WITH TIME ZONE, "last_login_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "users_license_tier_check" CHECK ("license_tier" IN (\'enterprise\', \'pro\')), CONSTRAINT "users_role_check" CHECK ("role" IN (\'admin\', \'group_admin\', \'user\')), CONSTRAINT "users_status_check" CHECK ("status" IN (\'provisioned\', \'pending\', \'active\', \'deactivated\', \'anonymized\')), CONSTRAINT "users_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "users_license_pool_idx" ON "users" ("license_pool_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "users_org_created_idx" ON "users" ("organization_id", "created_at", "id") ',
    );
    // Hand-written: expression and GIN indexes TypeORM cannot declare.
    await queryRunner.query(
      'CREATE UNIQUE INDEX "users_org_user_name_key" ON "users" ("organization_id", lower("user_name"))',
    );
    await queryRunner.query(
      'CREATE INDEX "users_org_primary_email_idx" ON "users" ("organization_id", "primary_email")',
    );
    await queryRunner.query(
      'CREATE INDEX "users_org_external_id_idx" ON "users" ("organization_id", "external_id")',
    );
    await queryRunner.query(
      'CREATE INDEX "users_email_values_idx" ON "users" USING gin ("email_values")',
    );
    await queryRunner.query(
      'CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "kind" character varying(64) NOT NULL, "recipient" character varying(320) NOT NULL, "payload" jsonb NOT NULL, "attempts" integer NOT NULL DEFAULT \'0\', "available_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP(3) WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages" ("available_at") WHERE "sent_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "scim_integrations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "idp" character varying(16) NOT NULL, "auth_method" character varying(16) NOT NULL, "credential_id" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "rotated_at" TIMESTAMP(3) WITH TIME ZONE, "last_used_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "scim_integrations_auth_method_check" CHECK ("auth_method" IN (\'bearer\', \'basic\')), CONSTRAINT "scim_integrations_idp_check" CHECK ("idp" IN (\'okta\', \'entra\', \'onelogin\', \'jumpcloud\', \'google\', \'other\')), CONSTRAINT "scim_integrations_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "scim_integrations_organization_id_key" ON "scim_integrations" ("organization_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "scim_integrations_credential_id_key" ON "scim_integrations" ("credential_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "scim_request_logs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "request_id" character varying(128), "method" character varying(8) NOT NULL, "path" character varying(512) NOT NULL, "resource_type" character varying(32), "resource_id" uuid, "user_name" character varying(256), "status" integer NOT NULL, "outcome" character varying(16) NOT NULL, "scim_type" character varying(32), "detail" character varying(1024), "duration_ms" integer NOT NULL, CONSTRAINT "scim_request_logs_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "scim_request_logs_org_resource_idx" ON "scim_request_logs" ("organization_id", "resource_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "scim_request_logs_org_time_idx" ON "scim_request_logs" ("organization_id", "occurred_at", "id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "users_license_pool_id_fkey" FOREIGN KEY ("license_pool_id") REFERENCES "license_pools"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_integrations" ADD CONSTRAINT "scim_integrations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_request_logs" ADD CONSTRAINT "scim_request_logs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scim_request_logs" DROP CONSTRAINT "scim_request_logs_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_integrations" DROP CONSTRAINT "scim_integrations_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "outbox_messages" DROP CONSTRAINT "outbox_messages_organization_id_fkey"',
    );
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "users_license_pool_id_fkey"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "users_organization_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."scim_request_logs_org_time_idx"');
    await queryRunner.query('DROP INDEX "public"."scim_request_logs_org_resource_idx"');
    await queryRunner.query('DROP TABLE "scim_request_logs"');
    await queryRunner.query('DROP INDEX "public"."scim_integrations_credential_id_key"');
    await queryRunner.query('DROP INDEX "public"."scim_integrations_organization_id_key"');
    await queryRunner.query('DROP TABLE "scim_integrations"');
    await queryRunner.query('DROP INDEX "public"."outbox_messages_pending_idx"');
    await queryRunner.query('DROP TABLE "outbox_messages"');
    await queryRunner.query('DROP INDEX "public"."users_email_values_idx"');
    await queryRunner.query('DROP INDEX "public"."users_org_external_id_idx"');
    await queryRunner.query('DROP INDEX "public"."users_org_primary_email_idx"');
    await queryRunner.query('DROP INDEX "public"."users_org_user_name_key"');
    await queryRunner.query('DROP INDEX "public"."users_org_created_idx"');
    await queryRunner.query('DROP INDEX "public"."users_license_pool_idx"');
    await queryRunner.query('DROP TABLE "users"');
  }
}

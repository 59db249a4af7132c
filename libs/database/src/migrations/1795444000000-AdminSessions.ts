import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin portal sessions (docs/admin-portal.md, "Sessions and sign-in"): the sessions of the portal's
 * cookie (only the secret's SHA-256; idle and absolute end) and the operator's one-time setup links.
 */
export class AdminSessions1795444000000 implements MigrationInterface {
  name = 'AdminSessions1795444000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "admin_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "user_id" uuid, "role" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "admin_sessions_role_check" CHECK ("role" IN (\'admin\', \'group_admin\')), CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "admin_sessions_expires_idx" ON "admin_sessions" ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "admin_setup_links" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "admin_setup_links_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "admin_setup_links_organization_idx" ON "admin_setup_links" ("organization_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "admin_setup_links" ADD CONSTRAINT "admin_setup_links_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "admin_setup_links" DROP CONSTRAINT "admin_setup_links_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "admin_sessions" DROP CONSTRAINT "admin_sessions_organization_id_fkey"',
    );
    await queryRunner.query('DROP INDEX "public"."admin_setup_links_organization_idx"');
    await queryRunner.query('DROP TABLE "admin_setup_links"');
    await queryRunner.query('DROP INDEX "public"."admin_sessions_expires_idx"');
    await queryRunner.query('DROP TABLE "admin_sessions"');
  }
}

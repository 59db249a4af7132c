import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795405270983 implements MigrationInterface {
  name = 'Foundation1795405270983';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "slug" character varying(63) NOT NULL, "plan" character varying(20) NOT NULL, "total_licenses" integer NOT NULL, "pro_for_all_users" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "organizations_total_licenses_check" CHECK ("total_licenses" >= 0), CONSTRAINT "organizations_plan_check" CHECK ("plan" IN (\'team\', \'enterprise\')), CONSTRAINT "organizations_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations" ("slug") ',
    );
    await queryRunner.query(
      'CREATE TABLE "license_pools" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "capacity" integer NOT NULL, "used" integer NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "license_pools_used_check" CHECK ("used" >= 0 AND "used" <= "capacity"), CONSTRAINT "license_pools_capacity_check" CHECK ("capacity" >= 0), CONSTRAINT "license_pools_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "license_pools_one_default_per_org" ON "license_pools" ("organization_id") WHERE "is_default"',
    );
    // Pool names are unique per organization whatever their case (an expression index: hand-written).
    await queryRunner.query(
      'CREATE UNIQUE INDEX "license_pools_org_name_key" ON "license_pools" ("organization_id", lower("name"))',
    );
    await queryRunner.query(
      'CREATE TABLE "admin_api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "key_id" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP(3) WITH TIME ZONE, "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "admin_api_keys_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "admin_api_keys_key_id_key" ON "admin_api_keys" ("key_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "admin_api_keys_organization_id_idx" ON "admin_api_keys" ("organization_id", "created_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "license_pools" ADD CONSTRAINT "license_pools_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "admin_api_keys" ADD CONSTRAINT "admin_api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "admin_api_keys" DROP CONSTRAINT "admin_api_keys_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "license_pools" DROP CONSTRAINT "license_pools_organization_id_fkey"',
    );
    await queryRunner.query('DROP INDEX "public"."admin_api_keys_organization_id_idx"');
    await queryRunner.query('DROP INDEX "public"."admin_api_keys_key_id_key"');
    await queryRunner.query('DROP TABLE "admin_api_keys"');
    await queryRunner.query('DROP INDEX "public"."license_pools_org_name_key"');
    await queryRunner.query('DROP INDEX "public"."license_pools_one_default_per_org"');
    await queryRunner.query('DROP TABLE "license_pools"');
    await queryRunner.query('DROP INDEX "public"."organizations_slug_key"');
    await queryRunner.query('DROP TABLE "organizations"');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScimGroups1795408366168 implements MigrationInterface {
  name = 'ScimGroups1795408366168';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "display_name" character varying(256) NOT NULL, "external_id" character varying(256), "scim_managed" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "groups_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "groups_org_created_idx" ON "groups" ("organization_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "groups_org_external_id_idx" ON "groups" ("organization_id", "external_id") ',
    );
    // Hand-written: an expression index TypeORM cannot declare (displayName unique in any case).
    await queryRunner.query(
      'CREATE UNIQUE INDEX "groups_org_display_name_key" ON "groups" ("organization_id", lower("display_name"))',
    );
    await queryRunner.query(
      'CREATE TABLE "group_members" ("group_id" uuid NOT NULL, "user_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "group_members_pkey" PRIMARY KEY ("group_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "group_members_group_created_idx" ON "group_members" ("group_id", "created_at", "user_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "group_members_user_idx" ON "group_members" ("user_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "groups" ADD CONSTRAINT "groups_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "group_members" ADD CONSTRAINT "group_members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "group_members" DROP CONSTRAINT "group_members_user_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "group_members" DROP CONSTRAINT "group_members_group_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "group_members" DROP CONSTRAINT "group_members_organization_id_fkey"',
    );
    await queryRunner.query('ALTER TABLE "groups" DROP CONSTRAINT "groups_organization_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."group_members_user_idx"');
    await queryRunner.query('DROP INDEX "public"."group_members_group_created_idx"');
    await queryRunner.query('DROP TABLE "group_members"');
    await queryRunner.query('DROP INDEX "public"."groups_org_display_name_key"');
    await queryRunner.query('DROP INDEX "public"."groups_org_external_id_idx"');
    await queryRunner.query('DROP INDEX "public"."groups_org_created_idx"');
    await queryRunner.query('DROP TABLE "groups"');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SamlSso1795414803092 implements MigrationInterface {
  name = 'SamlSso1795414803092';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "saml_connections" ("organization_id" uuid NOT NULL, "idp_entity_id" character varying(1024) NOT NULL, "idp_sso_url" character varying(2048) NOT NULL, "idp_certificates" text array NOT NULL, "attribute_names" jsonb NOT NULL, "jit_provisioning" boolean NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "saml_connections_pkey" PRIMARY KEY ("organization_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "saml_pending_requests" ("organization_id" uuid NOT NULL, "request_id" character varying(128) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "saml_pending_requests_pkey" PRIMARY KEY ("organization_id", "request_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "saml_pending_requests_expires_idx" ON "saml_pending_requests" ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "saml_used_assertions" ("organization_id" uuid NOT NULL, "assertion_id" character varying(256) NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "saml_used_assertions_pkey" PRIMARY KEY ("organization_id", "assertion_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "saml_used_assertions_expires_idx" ON "saml_used_assertions" ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "web_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "web_sessions_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "web_sessions_token_hash_key" ON "web_sessions" ("token_hash") ',
    );
    await queryRunner.query(
      'CREATE INDEX "web_sessions_expires_idx" ON "web_sessions" ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "web_sessions_user_idx" ON "web_sessions" ("organization_id", "user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "sign_in_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "flow" character varying(8) NOT NULL, "outcome" character varying(16) NOT NULL, "reason" character varying(64) NOT NULL, "detail" character varying(1024) NOT NULL, "subject" character varying(320), "user_id" uuid, "license_pool_name" character varying(256), "client_ip" character varying(64), CONSTRAINT "sign_in_attempts_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "sign_in_attempts_org_created_idx" ON "sign_in_attempts" ("organization_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "saml_connections" ADD CONSTRAINT "saml_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sign_in_attempts" ADD CONSTRAINT "sign_in_attempts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sign_in_attempts" DROP CONSTRAINT "sign_in_attempts_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "web_sessions" DROP CONSTRAINT "web_sessions_organization_id_fkey"',
    );
    await queryRunner.query(
      'ALTER TABLE "saml_connections" DROP CONSTRAINT "saml_connections_organization_id_fkey"',
    );
    await queryRunner.query('DROP INDEX "public"."sign_in_attempts_org_created_idx"');
    await queryRunner.query('DROP TABLE "sign_in_attempts"');
    await queryRunner.query('DROP INDEX "public"."web_sessions_user_idx"');
    await queryRunner.query('DROP INDEX "public"."web_sessions_expires_idx"');
    await queryRunner.query('DROP INDEX "public"."web_sessions_token_hash_key"');
    await queryRunner.query('DROP TABLE "web_sessions"');
    await queryRunner.query('DROP INDEX "public"."saml_used_assertions_expires_idx"');
    await queryRunner.query('DROP TABLE "saml_used_assertions"');
    await queryRunner.query('DROP INDEX "public"."saml_pending_requests_expires_idx"');
    await queryRunner.query('DROP TABLE "saml_pending_requests"');
    await queryRunner.query('DROP TABLE "saml_connections"');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAML breadth (docs/saml.md): the connection's assertion-age limits, signed AuthnRequests,
 * required encryption and metadata-URL refresh; the service provider's signing and encryption keys
 * (private keys encrypted at rest, two per use during a rollover); and the IdP certificate expiry
 * notices already sent (once per certificate and threshold).
 */
export class SamlBreadth1795440000000 implements MigrationInterface {
  name = 'SamlBreadth1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "saml_connections"
         ADD "max_assertion_age_seconds" integer NOT NULL DEFAULT '300',
         ADD "max_authentication_age_seconds" integer,
         ADD "sign_authn_requests" boolean NOT NULL DEFAULT false,
         ADD "require_encrypted_assertions" boolean NOT NULL DEFAULT false,
         ADD "idp_metadata_url" character varying(2048),
         ADD "metadata_checked_at" TIMESTAMP(3) WITH TIME ZONE,
         ADD "metadata_refreshed_at" TIMESTAMP(3) WITH TIME ZONE,
         ADD "metadata_error" character varying(1024)`,
    );
    await queryRunner.query(
      `CREATE TABLE "saml_sp_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "use" character varying(16) NOT NULL, "certificate" text NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "saml_sp_keys_use_check" CHECK ("use" IN ('signing', 'encryption')), CONSTRAINT "saml_sp_keys_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      'CREATE INDEX "saml_sp_keys_org_use_idx" ON "saml_sp_keys" ("organization_id", "use", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "saml_certificate_notices" ("organization_id" uuid NOT NULL, "fingerprint" character varying(128) NOT NULL, "threshold_days" integer NOT NULL, "notified_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "saml_certificate_notices_pkey" PRIMARY KEY ("organization_id", "fingerprint", "threshold_days"))',
    );
    await queryRunner.query(
      'ALTER TABLE "saml_sp_keys" ADD CONSTRAINT "saml_sp_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "saml_certificate_notices" ADD CONSTRAINT "saml_certificate_notices_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "saml_certificate_notices"');
    await queryRunner.query('DROP TABLE "saml_sp_keys"');
    await queryRunner.query(
      `ALTER TABLE "saml_connections"
         DROP COLUMN "metadata_error",
         DROP COLUMN "metadata_refreshed_at",
         DROP COLUMN "metadata_checked_at",
         DROP COLUMN "idp_metadata_url",
         DROP COLUMN "require_encrypted_assertions",
         DROP COLUMN "sign_authn_requests",
         DROP COLUMN "max_authentication_age_seconds",
         DROP COLUMN "max_assertion_age_seconds"`,
    );
  }
}

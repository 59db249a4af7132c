import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rotation with a grace period: the credential a rotation replaces moves to
 * `scim_previous_credentials` (at most one per integration) and keeps working until its grace ends.
 * The current credential stays in `scim_integrations`. Like the trigger of ScimCredentialSignals on
 * `scim_integrations`, every insert, change or removal of a previous credential (a rotation, the
 * grace ended early, a disable cascading, an operator's UPDATE by hand) notifies
 * `rollcall_scim_credentials`, so every instance forgets the credentials it has cached; stamping the
 * last use notifies nobody.
 */
export class ScimPreviousCredentials1795438000000 implements MigrationInterface {
  name = 'ScimPreviousCredentials1795438000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "scim_previous_credentials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "integration_id" uuid NOT NULL, "credential_id" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "issued_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "grace_ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP(3) WITH TIME ZONE, "expiry_warning_sent_at" TIMESTAMP(3) WITH TIME ZONE, "expired_notice_sent_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "scim_previous_credentials_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "scim_previous_credentials_integration_id_key" ON "scim_previous_credentials" ("integration_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "scim_previous_credentials_credential_id_key" ON "scim_previous_credentials" ("credential_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "scim_previous_credentials" ADD CONSTRAINT "scim_previous_credentials_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "scim_integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `CREATE FUNCTION "scim_previous_credentials_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           PERFORM pg_notify('rollcall_scim_credentials', NEW.credential_id);
         ELSE
           PERFORM pg_notify('rollcall_scim_credentials', OLD.credential_id);
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "scim_previous_credentials_changed"
       AFTER INSERT
         OR UPDATE OF "integration_id", "credential_id", "secret_hash", "expires_at", "grace_ends_at"
         OR DELETE ON "scim_previous_credentials"
       FOR EACH ROW EXECUTE FUNCTION "scim_previous_credentials_changed"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP TRIGGER "scim_previous_credentials_changed" ON "scim_previous_credentials"',
    );
    await queryRunner.query('DROP FUNCTION "scim_previous_credentials_changed"()');
    await queryRunner.query(
      'ALTER TABLE "scim_previous_credentials" DROP CONSTRAINT "scim_previous_credentials_integration_id_fkey"',
    );
    await queryRunner.query('DROP INDEX "public"."scim_previous_credentials_credential_id_key"');
    await queryRunner.query('DROP INDEX "public"."scim_previous_credentials_integration_id_key"');
    await queryRunner.query('DROP TABLE "scim_previous_credentials"');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (a trigger): every instance keeps the SCIM credentials it has checked in memory
 * (libs/integration's credential cache). Whatever changes or removes a credential — a rotation, a
 * disable, an organization's deletion cascading, an operator's UPDATE by hand — notifies the
 * `rollcall_scim_credentials` channel in the same transaction, so every instance forgets what it
 * knew the moment that transaction commits. Stamping the last use changes nothing that matters and
 * notifies nobody.
 */
export class ScimCredentialSignals1795422000000 implements MigrationInterface {
  name = 'ScimCredentialSignals1795422000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "scim_credentials_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('rollcall_scim_credentials', OLD.credential_id);
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "scim_integrations_changed"
       AFTER UPDATE OF "organization_id", "auth_method", "credential_id", "secret_hash", "expires_at"
         OR DELETE ON "scim_integrations"
       FOR EACH ROW EXECUTE FUNCTION "scim_credentials_changed"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "scim_integrations_changed" ON "scim_integrations"');
    await queryRunner.query('DROP FUNCTION "scim_credentials_changed"()');
  }
}

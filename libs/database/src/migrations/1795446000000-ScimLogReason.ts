import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provisioning log's machine-readable `reason` of a failure (docs/scim.md, "The provisioning
 * log"): the portal explains entries by it instead of by their detail text. Earlier entries keep
 * null: their explanation falls back to the SCIM type and status.
 */
export class ScimLogReason1795446000000 implements MigrationInterface {
  name = 'ScimLogReason1795446000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_request_logs" ADD "reason" character varying(64)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_request_logs" DROP COLUMN "reason"');
  }
}

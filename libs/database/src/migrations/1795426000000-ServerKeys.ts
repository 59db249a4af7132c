import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (no entity: only libs/database's ServerKeys reads it). Keys the installation
 * makes for itself and every instance must share, by purpose: the first instance that needs one
 * generates it and stores it here; the others read it. Today the key that signs SCIM paging
 * cursors (RFC 9865), so that a cursor cannot be forged or used in another organization.
 */
export class ServerKeys1795426000000 implements MigrationInterface {
  name = 'ServerKeys1795426000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "server_keys" (
         "purpose" character varying(64) NOT NULL,
         "secret" bytea NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "server_keys_pkey" PRIMARY KEY ("purpose"),
         CONSTRAINT "server_keys_secret_length" CHECK (octet_length("secret") >= 32)
       )`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "server_keys"`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement } from '@rollcall/common';
import { SamlConnectionEntity } from './saml-connection.entity';

/** What an admin sets on a connection: everything but the keys and the timestamps. */
export type SamlConnectionSettings = Omit<
  SamlConnectionEntity,
  'organizationId' | 'organization' | 'createdAt' | 'updatedAt'
>;

/** The `saml_connections` table: at most one IdP connection per organization (its key). */
@Injectable()
export class SamlConnectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(SamlConnectionEntity);
  }

  find(organizationId: string, manager?: EntityManager): Promise<SamlConnectionEntity | null> {
    return this.repo(manager).findOneBy({ organizationId });
  }

  /** The organization's connection, locked for the caller's transaction. */
  lock(organizationId: string, manager: EntityManager): Promise<SamlConnectionEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * Creates or replaces the organization's connection (INSERT … ON CONFLICT on the organization)
   * and answers the stored row, read back for its timestamps: two statements.
   */
  async upsert(
    organizationId: string,
    settings: SamlConnectionSettings,
    manager?: EntityManager,
  ): Promise<SamlConnectionEntity> {
    const repo = this.repo(manager);
    await repo.upsert(repo.create({ organizationId, ...settings }), ['organizationId']);
    return repo.findOneByOrFail({ organizationId });
  }

  /**
   * Claims up to `limit` connections whose metadata URL was last fetched before `before` (or never),
   * marking them checked now so another instance skips them (SKIP LOCKED): one statement.
   */
  async claimDueRefreshes(
    before: Date,
    limit: number,
  ): Promise<{ organizationId: string; url: string; idpEntityId: string }[]> {
    const rows = await runStatement<{
      organization_id: string;
      idp_metadata_url: string;
      idp_entity_id: string;
    }>(
      this.dataSource,
      `UPDATE saml_connections SET metadata_checked_at = now()
        WHERE organization_id IN (
          SELECT organization_id FROM saml_connections
           WHERE idp_metadata_url IS NOT NULL
             AND (metadata_checked_at IS NULL OR metadata_checked_at < $1)
           ORDER BY metadata_checked_at NULLS FIRST
           LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING organization_id, idp_metadata_url, idp_entity_id`,
      [before, limit],
    );
    return rows.map((r) => ({
      organizationId: r.organization_id,
      url: r.idp_metadata_url,
      idpEntityId: r.idp_entity_id,
    }));
  }

  /** Every connection's IdP signing certificates (for the expiry notices): one statement. */
  async allCertificates(): Promise<{ organizationId: string; certificates: string[] }[]> {
    const rows = await runStatement<{ organization_id: string; idp_certificates: string[] }>(
      this.dataSource,
      'SELECT organization_id, idp_certificates FROM saml_connections',
      [],
    );
    return rows.map((r) => ({
      organizationId: r.organization_id,
      certificates: r.idp_certificates,
    }));
  }

  /**
   * Notes that the expiry notice of this certificate at this threshold is sent; false when it
   * already was (the primary key decides, so two instances cannot both send it).
   */
  async claimCertificateNotice(
    organizationId: string,
    fingerprint: string,
    thresholdDays: number,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = await runStatement(
      manager,
      `INSERT INTO saml_certificate_notices (organization_id, fingerprint, threshold_days)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING threshold_days`,
      [organizationId, fingerprint, thresholdDays],
    );
    return rows.length > 0;
  }

  /** Deletes the organization's connection; false when there was none. */
  async delete(organizationId: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager).delete({ organizationId });
    return (result.affected ?? 0) > 0;
  }
}

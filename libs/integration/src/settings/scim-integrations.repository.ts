import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import { type ScimAuthMethod, ScimIntegrationEntity } from './scim-integration.entity';

/** The columns of scim_integrations that authentication reads. */
export interface CredentialRow {
  id: string;
  organization_id: string;
  auth_method: ScimAuthMethod;
  secret_hash: string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
}

/** A credential whose expiry notice was just recorded as given. */
export interface ClaimedExpiryNotice {
  id: string;
  organization_id: string;
  expires_at: Date | string;
  expired: boolean;
}

/**
 * The `scim_integrations` table: one row per organization with SCIM enabled, holding the hash of its
 * current credential. Authentication reads a credential when its cache (ScimCredentialCache) cannot
 * answer; a trigger tells every instance when one changes. One round trip per method.
 */
@Injectable()
export class ScimIntegrationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ScimIntegrationEntity);
  }

  findByOrganization(
    organizationId: string,
    manager?: EntityManager,
  ): Promise<ScimIntegrationEntity | null> {
    return this.repo(manager).findOneBy({ organizationId });
  }

  /** The organization's integration, locked (FOR UPDATE) for the caller's transaction. */
  lockByOrganization(
    organizationId: string,
    manager: EntityManager,
  ): Promise<ScimIntegrationEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('i')
      .where('i.organization_id = :organizationId', { organizationId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Inserts a new integration in the caller's transaction. */
  insert(
    integration: Omit<ScimIntegrationEntity, 'id' | 'createdAt' | 'organization'>,
    manager: EntityManager,
  ): Promise<ScimIntegrationEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(integration));
  }

  /** Writes a changed integration (one read with `lockByOrganization`) in the caller's transaction. */
  save(integration: ScimIntegrationEntity, manager: EntityManager): Promise<ScimIntegrationEntity> {
    return this.repo(manager).save(integration);
  }

  /** Deletes the organization's integration; false when there was none. */
  async deleteByOrganization(organizationId: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager).delete({ organizationId });
    return !!result.affected;
  }

  /**
   * Records the expiry notice as given on up to `limit` credentials that expire within
   * `warningDays` (or have expired) and whose admins were not yet told, soonest expiry first, in the
   * caller's transaction; answers them. Rows another instance has locked are skipped, not waited for.
   */
  claimExpiryNotices(
    warningDays: number,
    limit: number,
    manager: EntityManager,
  ): Promise<ClaimedExpiryNotice[]> {
    return runStatement<ClaimedExpiryNotice>(
      manager,
      `UPDATE scim_integrations i SET
         expired_notice_sent_at = CASE WHEN i.expires_at <= now() THEN now() ELSE i.expired_notice_sent_at END,
         expiry_warning_sent_at = COALESCE(i.expiry_warning_sent_at, now())
       WHERE i.id IN (
         SELECT id FROM scim_integrations
         WHERE (expires_at <= now() AND expired_notice_sent_at IS NULL)
            OR (expires_at <= now() + $1 * interval '1 day' AND expiry_warning_sent_at IS NULL)
         ORDER BY expires_at LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING i.id, i.organization_id, i.expires_at, i.expires_at <= now() AS expired`,
      [warningDays, limit],
    );
  }

  /** What authentication needs of the credential with this public id (the hash, not the secret). */
  findCredential(credentialId: string): Promise<CredentialRow | undefined> {
    return runStatementForOne<CredentialRow>(
      this.dataSource,
      `SELECT id, organization_id, auth_method, secret_hash, expires_at, last_used_at
       FROM scim_integrations WHERE credential_id = $1`,
      [credentialId],
    );
  }

  async markUsed(id: string): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE scim_integrations SET last_used_at = now() WHERE id = $1`,
      [id],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import { type ScimAuthMethod, ScimIntegrationEntity } from './scim-integration.entity';
import { ScimPreviousCredentialEntity } from './scim-previous-credential.entity';

/** Which of an integration's credentials a row is: the current one, or the one a rotation replaced. */
export type CredentialRole = 'current' | 'previous';

/**
 * What authentication needs of a credential (the hash, not the secret). The grace end travels with
 * the row, so a cached previous credential is refused the moment its grace ends, without a statement.
 */
export interface CredentialRow {
  /** The integration's id. */
  id: string;
  organization_id: string;
  auth_method: ScimAuthMethod;
  role: CredentialRole;
  /** The row whose `last_used_at` to stamp: the integration's id, or the previous credential's. */
  credential_row_id: string;
  secret_hash: string;
  expires_at: Date | string;
  /** Previous credentials only: when the grace period ends. */
  grace_ends_at: Date | string | null;
  last_used_at: Date | string | null;
}

/** A credential whose expiry notice was just recorded as given. */
export interface ClaimedExpiryNotice {
  /** The integration's id. */
  id: string;
  organization_id: string;
  role: CredentialRole;
  expires_at: Date | string;
  expired: boolean;
}

/**
 * The statement behind both expiry-notice claims, on the credentials of one table (aliased `c`):
 * stamps the notices due on up to $2 rows that expire within $1 days (or have expired) and were not
 * yet told of, soonest expiry first, skipping rows locked elsewhere; answers each with its
 * integration (a previous credential's is joined).
 */
function claimNoticesStatement(
  role: CredentialRole,
  /** What else a row must be to be claimed (an SQL condition followed by AND, or nothing). */
  only = '',
): string {
  const [table, integration, joined] =
    role === 'current'
      ? ['scim_integrations', 'c', 'WHERE']
      : [
          'scim_previous_credentials',
          'i',
          'FROM scim_integrations i WHERE i.id = c.integration_id AND',
        ];
  return `UPDATE ${table} c SET
         expired_notice_sent_at = CASE WHEN c.expires_at <= now() THEN now() ELSE c.expired_notice_sent_at END,
         expiry_warning_sent_at = COALESCE(c.expiry_warning_sent_at, now())
       ${joined} c.id IN (
         SELECT id FROM ${table}
         WHERE ${only}((expires_at <= now() AND expired_notice_sent_at IS NULL)
            OR (expires_at <= now() + $1 * interval '1 day' AND expiry_warning_sent_at IS NULL))
         ORDER BY expires_at LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING ${integration}.id, ${integration}.organization_id, '${role}' AS role, c.expires_at,
                 c.expires_at <= now() AS expired`;
}

const CLAIM_CURRENT_NOTICES = claimNoticesStatement('current');

/** Previous credentials: only while their grace lasts, and only when they expire before it ends. */
const CLAIM_PREVIOUS_NOTICES = claimNoticesStatement(
  'previous',
  'expires_at < grace_ends_at AND grace_ends_at > now() AND ',
);

/**
 * The `scim_integrations` table, one row per organization with SCIM enabled holding the hash of its
 * current credential, and `scim_previous_credentials`, at most one row per integration holding the
 * credential the last rotation replaced until its grace period ends (two tables rather than
 * previous-credential columns: each credential has its own expiry, grace end, last use and notice
 * stamps, and the unique `integration_id` caps an organization at two live credentials).
 * Authentication reads a credential when its cache (ScimCredentialCache) cannot answer; triggers on
 * both tables tell every instance when one changes. One round trip per method.
 */
@Injectable()
export class ScimIntegrationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ScimIntegrationEntity);
  }

  private previousRepo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(ScimPreviousCredentialEntity);
  }

  /** The credential the last rotation replaced, whether or not its grace has ended. */
  findPrevious(
    integrationId: string,
    manager?: EntityManager,
  ): Promise<ScimPreviousCredentialEntity | null> {
    return this.previousRepo(manager).findOneBy({ integrationId });
  }

  /** Keeps a replaced credential working until its grace ends, in the caller's transaction. */
  insertPrevious(
    previous: Omit<ScimPreviousCredentialEntity, 'id' | 'integration'>,
    manager: EntityManager,
  ): Promise<ScimPreviousCredentialEntity> {
    const repo = this.previousRepo(manager);
    return repo.save(repo.create(previous));
  }

  /** Ends the integration's previous credential at once; false when there was none. */
  async deletePrevious(integrationId: string, manager: EntityManager): Promise<boolean> {
    const result = await this.previousRepo(manager).delete({ integrationId });
    return !!result.affected;
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
    return runStatement<ClaimedExpiryNotice>(manager, CLAIM_CURRENT_NOTICES, [warningDays, limit]);
  }

  /**
   * The same for previous credentials, whose notices are about their own expiry only when it comes
   * before the end of their grace period (a grace end is the admin's choice, announced by the
   * rotation, not a surprise to warn about); and never once the grace has ended.
   */
  claimPreviousExpiryNotices(
    warningDays: number,
    limit: number,
    manager: EntityManager,
  ): Promise<ClaimedExpiryNotice[]> {
    return runStatement<ClaimedExpiryNotice>(manager, CLAIM_PREVIOUS_NOTICES, [warningDays, limit]);
  }

  /**
   * What authentication needs of the credential with this public id (the hash, not the secret):
   * an integration's current credential, or the previous one of an integration.
   */
  findCredential(credentialId: string): Promise<CredentialRow | undefined> {
    return runStatementForOne<CredentialRow>(
      this.dataSource,
      `SELECT id, organization_id, auth_method, 'current' AS role, id AS credential_row_id,
              secret_hash, expires_at, NULL::timestamptz AS grace_ends_at, last_used_at
       FROM scim_integrations WHERE credential_id = $1
       UNION ALL
       SELECT i.id, i.organization_id, i.auth_method, 'previous', p.id,
              p.secret_hash, p.expires_at, p.grace_ends_at, p.last_used_at
       FROM scim_previous_credentials p JOIN scim_integrations i ON i.id = p.integration_id
       WHERE p.credential_id = $1
       LIMIT 1`,
      [credentialId],
    );
  }

  /** Stamps the last use of one credential (the current or the previous one; no signal). */
  async markUsed(credential: Pick<CredentialRow, 'role' | 'credential_row_id'>): Promise<void> {
    const table = credential.role === 'current' ? 'scim_integrations' : 'scim_previous_credentials';
    await runStatement(this.dataSource, `UPDATE ${table} SET last_used_at = now() WHERE id = $1`, [
      credential.credential_row_id,
    ]);
  }
}

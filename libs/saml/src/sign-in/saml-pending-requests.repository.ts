import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';

/**
 * The `saml_pending_requests` table: the AuthnRequest ids we issued and not yet saw answered, per
 * organization, so a response may reach any instance; each is answered at most once and kept only
 * until it expires. One round trip per method.
 */
@Injectable()
export class SamlPendingRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Remembers a request id; one already remembered is left as it is. */
  async insert(
    organizationId: string,
    requestId: string,
    createdAt: Date,
    expiresAt: Date,
  ): Promise<void> {
    await runStatement(
      this.dataSource,
      `INSERT INTO saml_pending_requests (organization_id, request_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [organizationId, requestId, createdAt, expiresAt],
    );
  }

  /** Drops requests nobody answered in time, any organization's (indexed on expires_at). */
  async deleteExpired(): Promise<void> {
    await runStatement(
      this.dataSource,
      'DELETE FROM saml_pending_requests WHERE expires_at < now()',
      [],
    );
  }

  /** When the request was issued, while it has not expired; null for an unknown or expired one. */
  async findLive(organizationId: string, requestId: string): Promise<Date | null> {
    const row = await runStatementForOne<{ created_at: Date }>(
      this.dataSource,
      `SELECT created_at FROM saml_pending_requests
        WHERE organization_id = $1 AND request_id = $2 AND expires_at > now()`,
      [organizationId, requestId],
    );
    return row ? row.created_at : null;
  }

  /** Forgets the request (it has been answered); false when it was not (or no longer) there. */
  async delete(organizationId: string, requestId: string): Promise<boolean> {
    const deleted = await runStatement(
      this.dataSource,
      `DELETE FROM saml_pending_requests WHERE organization_id = $1 AND request_id = $2 RETURNING request_id`,
      [organizationId, requestId],
    );
    return deleted.length > 0;
  }
}

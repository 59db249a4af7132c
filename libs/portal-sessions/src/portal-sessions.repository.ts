import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import { AdminSessionEntity, type PortalRole } from './admin-session.entity';
import { AdminSetupLinkEntity } from './admin-setup-link.entity';

/** A session row as authentication reads it, with the database's clock (the one timeouts use). */
export interface SessionRow {
  id: string;
  organizationId: string;
  userId: string | null;
  role: PortalRole;
  secretHash: string;
  lastSeenAt: Date;
  expiresAt: Date;
  now: Date;
}

interface RawSessionRow {
  id: string;
  organization_id: string;
  user_id: string | null;
  role: PortalRole;
  secret_hash: string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  now: Date | string;
}

const toSessionRow = (row: RawSessionRow): SessionRow => ({
  id: row.id,
  organizationId: row.organization_id,
  userId: row.user_id,
  role: row.role,
  secretHash: row.secret_hash,
  lastSeenAt: new Date(row.last_seen_at),
  expiresAt: new Date(row.expires_at),
  now: new Date(row.now),
});

/** The `admin_sessions` and `admin_setup_links` tables. One round trip per method. */
@Injectable()
export class PortalSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertSetupLink(organizationId: string, tokenHash: string, expiresAt: Date) {
    const links = this.dataSource.getRepository(AdminSetupLinkEntity);
    return links.save(links.create({ organizationId, tokenHash, expiresAt, usedAt: null }));
  }

  findSetupLink(id: string): Promise<AdminSetupLinkEntity | null> {
    return this.dataSource.getRepository(AdminSetupLinkEntity).findOneBy({ id });
  }

  /** Marks the link used if it still may be (unused, not expired); answers whether it was. */
  async consumeSetupLink(id: string): Promise<boolean> {
    const rows = await runStatement<{ id: string }>(
      this.dataSource,
      `UPDATE admin_setup_links SET used_at = now()
        WHERE id = $1::uuid AND used_at IS NULL AND expires_at > now()
        RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /**
   * Opens a session (its idle timer starting now) and, in the same statement, deletes the
   * organization's sessions past their absolute end (housekeeping).
   */
  async insertSession(session: {
    organizationId: string;
    userId: string | null;
    role: PortalRole;
    secretHash: string;
    expiresAt: Date;
  }): Promise<SessionRow> {
    const row = await runStatementForOne<RawSessionRow>(
      this.dataSource,
      `WITH swept AS (
         DELETE FROM admin_sessions WHERE organization_id = $1::uuid AND expires_at < now()
       )
       INSERT INTO admin_sessions (organization_id, user_id, role, secret_hash, last_seen_at, expires_at)
       VALUES ($1::uuid, $2::uuid, $3, $4::char(64), now(), $5::timestamptz)
       RETURNING id, organization_id, user_id, role, secret_hash, last_seen_at, expires_at, now() AS now`,
      [session.organizationId, session.userId, session.role, session.secretHash, session.expiresAt],
    );
    return toSessionRow(row!);
  }

  async findSession(id: string): Promise<SessionRow | null> {
    const [row] = await runStatement<RawSessionRow>(
      this.dataSource,
      `SELECT id, organization_id, user_id, role, secret_hash, last_seen_at, expires_at, now() AS now
         FROM admin_sessions WHERE id = $1::uuid`,
      [id],
    );
    return row ? toSessionRow(row) : null;
  }

  /** Restarts the idle timer; answers the new last use. */
  async touchSession(id: string): Promise<Date | null> {
    const [row] = await runStatement<{ last_seen_at: Date | string }>(
      this.dataSource,
      'UPDATE admin_sessions SET last_seen_at = now() WHERE id = $1::uuid RETURNING last_seen_at',
      [id],
    );
    return row ? new Date(row.last_seen_at) : null;
  }

  async deleteSession(id: string): Promise<void> {
    await this.dataSource.getRepository(AdminSessionEntity).delete({ id });
  }
}

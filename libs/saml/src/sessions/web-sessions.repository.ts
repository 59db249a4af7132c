import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement } from '@rollcall/common';
import { WebSessionEntity } from './web-session.entity';

/**
 * The `web_sessions` table: browser sessions, found by the SHA-256 of their cookie token (the token
 * itself is never stored). One round trip per method.
 */
@Injectable()
export class WebSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo() {
    return this.dataSource.getRepository(WebSessionEntity);
  }

  /**
   * Opens a session and, in the same statement, deletes the user's sessions past their end
   * (housekeeping; indexed on organization and user).
   */
  async insertAndSweep(
    session: Pick<WebSessionEntity, 'organizationId' | 'userId' | 'tokenHash' | 'expiresAt'>,
  ): Promise<void> {
    await runStatement(
      this.dataSource,
      `WITH swept AS (
         DELETE FROM web_sessions WHERE organization_id = $1 AND user_id = $2 AND expires_at < now()
       )
       INSERT INTO web_sessions (organization_id, user_id, token_hash, expires_at)
       VALUES ($1::uuid, $2::uuid, $3::char(64), $4::timestamptz)`,
      [session.organizationId, session.userId, session.tokenHash, session.expiresAt],
    );
  }

  /** The session with this token hash, unless it has ended. */
  findLive(tokenHash: string): Promise<WebSessionEntity | null> {
    return this.repo()
      .createQueryBuilder('s')
      .where('s.token_hash = :hash AND s.expires_at > now()', { hash: tokenHash })
      .getOne();
  }

  async deleteByTokenHash(tokenHash: string): Promise<void> {
    await this.repo().delete({ tokenHash });
  }
}

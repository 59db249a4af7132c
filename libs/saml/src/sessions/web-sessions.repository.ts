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

  async insert(
    session: Pick<WebSessionEntity, 'organizationId' | 'userId' | 'tokenHash' | 'expiresAt'>,
  ): Promise<void> {
    await this.repo().insert(session);
  }

  /** Housekeeping: deletes the user's sessions past their end (indexed on organization and user). */
  async deleteExpiredOf(organizationId: string, userId: string): Promise<void> {
    await runStatement(
      this.dataSource,
      'DELETE FROM web_sessions WHERE organization_id = $1 AND user_id = $2 AND expires_at < now()',
      [organizationId, userId],
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

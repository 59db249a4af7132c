import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Cursor, escapeRegExp, newestFirst, runStatement } from '@rollcall/common';
import type { UserErasure } from '@rollcall/identity';
import { type SignInOutcome, SignInAttemptEntity } from './sign-in-attempt.entity';

/** A row to insert: everything but what the database assigns. */
export type NewSignInAttemptRow = Omit<SignInAttemptEntity, 'id' | 'createdAt' | 'organization'>;

/**
 * The `sign_in_attempts` table: one row per SSO sign-in attempt, read newest first in keyset pages
 * and anonymized with its user. One round trip per method.
 */
@Injectable()
export class SignInAttemptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(attempt: NewSignInAttemptRow): Promise<void> {
    await this.dataSource.getRepository(SignInAttemptEntity).insert(attempt);
  }

  /**
   * Anonymization: the user's attempts (by id, or by the subject its assertions named) get the
   * placeholder as subject and in their detail, and lose the client IP, in the caller's transaction.
   */
  async eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void> {
    await runStatement(
      manager,
      `UPDATE sign_in_attempts
          SET subject = $3::text, detail = regexp_replace(detail, $4::text, $3::text, 'gi'), client_ip = NULL
        WHERE organization_id = $1 AND (user_id = $2 OR lower(subject) = lower($5::text))`,
      [
        erasure.organizationId,
        erasure.userId,
        erasure.placeholder,
        escapeRegExp(erasure.oldUserName),
        erasure.oldUserName,
      ],
    );
  }

  /**
   * Up to `limit` of the organization's attempts (optionally in a time range, of one outcome, or one user), newest
   * first, after the `after` position (created_at, id).
   */
  list(
    organizationId: string,
    filter: { from?: Date; to?: Date; outcome?: SignInOutcome; userId?: string },
    after: Cursor | undefined,
    limit: number,
  ): Promise<SignInAttemptEntity[]> {
    const q = newestFirst(
      this.dataSource
        .getRepository(SignInAttemptEntity)
        .createQueryBuilder('a')
        .where('a.organization_id = :organizationId', { organizationId }),
      'a.created_at',
      after,
      limit,
    );
    if (filter.from) q.andWhere('a.created_at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('a.created_at < :to', { to: filter.to });
    if (filter.outcome) q.andWhere('a.outcome = :outcome', { outcome: filter.outcome });
    if (filter.userId) q.andWhere('a.user_id = :userId', { userId: filter.userId });
    return q.getMany();
  }
}

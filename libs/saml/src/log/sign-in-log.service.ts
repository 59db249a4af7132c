import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, escapeRegExp, type Page, toPage } from '@rollcall/common';
import { MetricsService } from '@rollcall/operations';
import { type SignInOutcome, SignInAttemptEntity } from './sign-in-attempt.entity';

export interface SignInAttempt {
  id: string;
  occurredAt: Date;
  flow: 'sp' | 'idp';
  outcome: SignInOutcome;
  reason: string;
  detail: string;
  subject: string | null;
  userId: string | null;
  licensePoolName: string | null;
  clientIp: string | null;
}

export type NewSignInAttempt = Omit<SignInAttempt, 'id' | 'occurredAt'> & {
  organizationId: string;
};

export interface SignInLogQuery {
  limit: number;
  cursor?: string;
  outcome?: SignInOutcome;
  userId?: string;
}

/** Every SSO sign-in attempt and its outcome, newest first (SPEC §7). */
@Injectable()
export class SignInLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Records the attempt, and counts it in `rollcall_sso_sign_ins_total`. */
  async record(attempt: NewSignInAttempt): Promise<void> {
    this.metrics.recordSignIn(attempt.outcome, attempt.reason);
    await this.dataSource.getRepository(SignInAttemptEntity).insert({
      ...attempt,
      detail: attempt.detail.slice(0, 1024),
      subject: attempt.subject?.slice(0, 320) ?? null,
      licensePoolName: attempt.licensePoolName?.slice(0, 256) ?? null,
    });
  }

  /** Anonymization: the user's attempts lose who they named, in the caller's transaction. */
  async eraseUser(
    erasure: { organizationId: string; userId: string; oldUserName: string; placeholder: string },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
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

  async list(organizationId: string, query: SignInLogQuery): Promise<Page<SignInAttempt>> {
    const q = this.dataSource
      .getRepository(SignInAttemptEntity)
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(query.limit + 1);
    const after = decodeCursor(query.cursor);
    if (after)
      q.andWhere('(a.created_at, a.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    if (query.outcome) q.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    if (query.userId) q.andWhere('a.user_id = :userId', { userId: query.userId });
    return toPage(
      await q.getMany(),
      query.limit,
      ({ organizationId: _org, organization: _o, createdAt, ...rest }) => ({
        ...rest,
        occurredAt: createdAt,
      }),
    );
  }
}

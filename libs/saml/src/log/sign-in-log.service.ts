import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeCursor, type Page, toPage } from '@rollcall/common';
import { type PersonalDataHolder, PersonalDataHolders, type UserErasure } from '@rollcall/identity';
import { MetricsService } from '@rollcall/operations';
import type { SignInOutcome } from './sign-in-attempt.entity';
import { SignInAttemptsRepository } from './sign-in-attempts.repository';

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
  from?: Date;
  to?: Date;
  outcome?: SignInOutcome;
  userId?: string;
}

/** Every SSO sign-in attempt and its outcome, newest first (SPEC §7). */
@Injectable()
export class SignInLogService implements OnModuleInit, PersonalDataHolder {
  constructor(
    private readonly attempts: SignInAttemptsRepository,
    private readonly metrics: MetricsService,
    private readonly personalData: PersonalDataHolders,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this);
  }

  /** Records the attempt, and counts it in `rollcall_sso_sign_ins_total`. */
  async record(attempt: NewSignInAttempt): Promise<void> {
    this.metrics.recordSignIn(attempt.outcome, attempt.reason);
    await this.attempts.insert({
      ...attempt,
      detail: attempt.detail.slice(0, 1024),
      subject: attempt.subject?.slice(0, 320) ?? null,
      licensePoolName: attempt.licensePoolName?.slice(0, 256) ?? null,
    });
  }

  /** Anonymization: the user's attempts lose who they named, in the caller's transaction. */
  async eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void> {
    await this.attempts.eraseUser(erasure, manager);
  }

  async list(organizationId: string, query: SignInLogQuery): Promise<Page<SignInAttempt>> {
    return toPage(
      await this.attempts.list(organizationId, query, decodeCursor(query.cursor), query.limit + 1),
      query.limit,
      ({ organizationId: _org, organization: _o, createdAt, ...rest }) => ({
        ...rest,
        occurredAt: createdAt,
      }),
    );
  }
}

import { Injectable } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError, type ErrorCode } from '@rollcall/common';
import type { LicensePoolEntity } from '../license-pools/license-pool.entity';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import {
  type Channel,
  decidePool,
  describeRejection,
  type PoolDecision,
  poolFullMessage,
  type RequestedPool,
} from '../license-pools/pool-policy';
import { SeatsRepository } from '../license-pools/seats.repository';
import type { Actor } from '../events/event.model';
import { OutboxRepository } from '../outbox/outbox.repository';
import { userChangeEvents } from './user-events';
import type { UserEntity } from './user.entity';
import { toUser, type User } from './user.model';
import { type UserRow, UsersRepository } from './users.repository';

/**
 * What every use case of the user lifecycle shares (SCIM writes, admin actions, SSO sign-in): the
 * row locked for a change, the pool policy carried out, seats taken and released through the seats
 * repository, and the row saved. Each method runs in the caller's transaction (`manager`), so the
 * status, the seat and the outbox change together or not at all.
 */
@Injectable()
export class UserCore {
  constructor(
    private readonly users: UsersRepository,
    private readonly pools: LicensePoolsRepository,
    private readonly seats: SeatsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** The user's row, locked for this transaction; not found as 404. */
  async lock(organizationId: string, id: string, manager: EntityManager): Promise<UserRow> {
    const row = await this.users.findById(organizationId, id, manager, true);
    if (!row) throw DomainError.notFound('User');
    return row;
  }

  /** The user's row locked, refused when anonymized (nobody changes it any more). */
  async lockChangeable(organizationId: string, id: string, manager: EntityManager) {
    const row = await this.lock(organizationId, id, manager);
    if (row.user.status === 'anonymized') throw alreadyAnonymized();
    return row;
  }

  /**
   * Runs the pool-assignment policy for an existing user on `channel` and carries out its decision:
   * a move takes a seat in the new pool before releasing the old one (for a seated user), all in
   * this transaction. Answers whether the user moved.
   */
  async assignPool(
    row: UserRow,
    requested: RequestedPool,
    channel: Exclude<Channel, 'scim_create' | 'pool_delete'>,
    manager: EntityManager,
  ): Promise<boolean> {
    if (!requested.present) return false;
    const { user } = row;
    const pools = await this.pools.listByOrganization(user.organizationId, manager);
    const decision = decidePool({
      channel,
      pools,
      requested,
      user: { poolId: user.licensePoolId, seated: user.status === 'active' },
    });
    if (decision.outcome === 'reject') throw refusal(channel, decision);
    if (decision.pool.id === user.licensePoolId) return false;
    if (user.status === 'active') {
      await this.takeSeat(decision.pool.id, manager, seatRefusal(channel), seatMore(channel));
      await this.seats.release(user.licensePoolId, manager);
    }
    if (user.status === 'pending' && !decision.full) user.status = 'provisioned';
    user.licensePoolId = decision.pool.id;
    row.pool = poolSummary(pools.find((p) => p.id === decision.pool.id)!);
    row.poolChannel = channel;
    return true;
  }

  /**
   * active=false releases the seat of an active user; active=true on a deactivated user brings it
   * back (to `active` with a seat if it had signed in before, else `provisioned`) and queues the
   * reactivation email.
   */
  async setActive(
    row: UserRow,
    active: boolean,
    manager: EntityManager,
    poolFull: 'invalid_value' | 'pool_full' = 'invalid_value',
  ): Promise<void> {
    const { user } = row;
    if (!active) {
      if (user.status === 'deactivated') return;
      if (user.status === 'active') await this.seats.release(user.licensePoolId, manager);
      user.status = 'deactivated';
      return;
    }
    if (user.status !== 'deactivated') return;
    if (user.firstLoginAt) {
      await this.takeSeat(
        user.licensePoolId,
        manager,
        poolFull,
        '; the user cannot be reactivated until a seat is free.',
      );
      user.status = 'active';
    } else {
      user.status = 'provisioned';
    }
    await this.queueReactivationEmail(user, manager);
  }

  /** Takes a seat in the pool, or refuses with `code` saying the pool is full (and `more`). */
  async takeSeat(
    poolId: string,
    manager: EntityManager,
    code: ErrorCode,
    more = '',
  ): Promise<void> {
    if (await this.seats.take(poolId, manager)) return;
    const usage = await this.seats.usage(poolId, manager);
    throw new DomainError(code, `${poolFullMessage(usage)}${more}`, [], 'pool_full');
  }

  /**
   * Saves the row and writes the events of its change (from `row.before`, or a creation when the
   * row is new), acted by `actor`, in the caller's transaction.
   */
  async save(row: UserRow, actor: Actor, manager: EntityManager): Promise<User> {
    const events = userChangeEvents(
      row.before ?? null,
      toUser(row.user, row.pool),
      row.poolChannel,
    );
    const saved = toUser(await this.users.update(row.user, events, actor, manager), row.pool);
    row.before = structuredClone(saved);
    row.poolChannel = undefined;
    return saved;
  }

  private async queueReactivationEmail(user: UserEntity, manager: EntityManager): Promise<void> {
    if (!user.primaryEmail) return;
    await this.outbox.enqueue(
      {
        organizationId: user.organizationId,
        kind: 'user_reactivated',
        recipient: user.primaryEmail,
        payload: { userId: user.id },
      },
      manager,
    );
  }
}

type Rejection = Extract<PoolDecision, { outcome: 'reject' }>;

/** How each channel refuses what the policy rejects. */
function refusal(channel: Exclude<Channel, 'scim_create' | 'pool_delete'>, decision: Rejection) {
  switch (channel) {
    case 'sso_sign_in':
      return new DomainError('sign_in_refused', describeRejection(decision), [], decision.reason);
    case 'scim_update':
      return new DomainError('invalid_value', describeRejection(decision), [], decision.reason);
    case 'admin_move':
      return decision.reason === 'unknown_pool'
        ? new DomainError(
            'validation_failed',
            'licensePoolId names no license pool of this organization.',
            [{ field: 'licensePoolId', message: 'no such license pool' }],
          )
        : new DomainError('pool_full', `${poolFullMessage(decision.pool)}.`);
  }
}

/** The code of a move's refusal when the target's last seat went to someone else meanwhile. */
function seatRefusal(channel: Exclude<Channel, 'scim_create' | 'pool_delete'>): ErrorCode {
  switch (channel) {
    case 'sso_sign_in':
      return 'sign_in_refused';
    case 'scim_update':
      return 'invalid_value';
    case 'admin_move':
      return 'pool_full';
  }
}

function seatMore(channel: Exclude<Channel, 'scim_create' | 'pool_delete'>): string {
  return channel === 'admin_move' ? '.' : '';
}

export function poolSummary(
  pool: LicensePoolEntity | { id: string; name: string; isDefault: boolean },
) {
  return { id: pool.id, name: pool.name, isDefault: pool.isDefault };
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}

export function userNameTaken(userName: string): DomainError {
  return new DomainError('uniqueness', `A user with userName "${userName}" already exists.`);
}

export function alreadyAnonymized(): DomainError {
  return new DomainError(
    'user_anonymized',
    'The user has been anonymized: its personal data is erased for good and it can no longer be changed.',
  );
}

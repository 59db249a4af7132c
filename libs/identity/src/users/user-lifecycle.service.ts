import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '@rollcall/common';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import { SeatLedger } from '../license-pools/seat-ledger';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { UserEntity } from './user.entity';
import { applyProfile, toUser, type User, type UserProfile } from './user.model';
import { type UserRow, UsersRepository, type UserSearch } from './users.repository';

export interface ScimWrite {
  profile: UserProfile;
  /** The SCIM `active` flag when the request carried one. */
  active?: boolean;
  /** The version the caller read (If-Match); a mismatch is refused with 412. */
  expectedVersion?: number;
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}

/**
 * The lifecycle of users as SPEC §2 describes it, for every channel. Each method is one transaction:
 * status, seat and outbox change together or not at all.
 */
@Injectable()
export class UserLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly pools: LicensePoolsRepository,
    private readonly seats: SeatLedger,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * SCIM create: a new user; or the deactivated user with that userName, reactivated; or an existing
   * user that SCIM does not manage yet, taken over. A SCIM-managed user already visible → 409.
   */
  async scimCreate(
    organizationId: string,
    write: ScimWrite,
  ): Promise<{ user: User; created: boolean }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const existing = await this.users.findByUserNameForUpdate(
          organizationId,
          write.profile.userName,
          manager,
        );
        if (existing && existing.user.status !== 'anonymized') {
          return { user: await this.adopt(existing, write, manager), created: false };
        }
        return { user: await this.insert(organizationId, write, manager), created: true };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw userNameTaken(write.profile.userName);
      throw error;
    }
  }

  /** SCIM PUT: the whole profile as it should now be, and `active` if sent. */
  scimUpdate(organizationId: string, id: string, write: ScimWrite): Promise<User> {
    return this.scimModify(organizationId, id, write.expectedVersion, () => write);
  }

  /**
   * SCIM PATCH: `compute` turns the current user into the write (or undefined for no change). It runs
   * while the user's row is locked, so concurrent modifications apply one after the other and none
   * is lost.
   */
  async scimModify(
    organizationId: string,
    id: string,
    expectedVersion: number | undefined,
    compute: (current: User) => ScimWrite | undefined,
  ): Promise<User> {
    let userName: string | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const row = await this.lockScimVisible(organizationId, id, manager);
        if (expectedVersion !== undefined && expectedVersion !== row.user.version) {
          throw new DomainError(
            'precondition_failed',
            `The user has changed (version ${row.user.version}, If-Match named ${expectedVersion}); read it again.`,
          );
        }
        const write = compute(toUser(row.user, row.pool));
        if (!write) return toUser(row.user, row.pool);
        userName = write.profile.userName;
        const clash = await this.users.findByUserNameForUpdate(organizationId, userName, manager);
        if (clash && clash.user.id !== id) throw userNameTaken(userName);
        applyProfile(row.user, write.profile);
        if (write.active !== undefined) await this.setActive(row, write.active, manager);
        return this.saveRow(row, manager);
      });
    } catch (error) {
      if (isUniqueViolation(error) && userName !== undefined) throw userNameTaken(userName);
      throw error;
    }
  }

  /** SCIM DELETE: deactivated (never erased) and hidden from SCIM from now on. */
  async scimDelete(organizationId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockScimVisible(organizationId, id, manager);
      await this.setActive(row, false, manager);
      row.user.scimVisible = false;
      await this.users.save(row.user, manager);
    });
  }

  /** A user SCIM may see: not deleted through SCIM, not anonymized. */
  async getForScim(organizationId: string, id: string): Promise<User> {
    const row = await this.users.findById(organizationId, id);
    if (!row || !row.user.scimVisible || row.user.status === 'anonymized') {
      throw DomainError.notFound('User');
    }
    return toUser(row.user, row.pool);
  }

  /** Users SCIM may see that match a condition compiled from a SCIM filter. */
  async searchForScim(
    organizationId: string,
    search: UserSearch,
  ): Promise<{ total: number; users: User[] }> {
    const where = `u.scim_visible AND u.status <> 'anonymized'${search.where ? ` AND (${search.where})` : ''}`;
    const total = await this.users.count(organizationId, where, search.params);
    const rows =
      search.limit > 0 ? await this.users.search(organizationId, { ...search, where }) : [];
    return { total, users: rows.map((r) => toUser(r.user, r.pool)) };
  }

  private async lockScimVisible(
    organizationId: string,
    id: string,
    manager: EntityManager,
  ): Promise<UserRow> {
    const row = await this.users.findById(organizationId, id, manager, true);
    if (!row || !row.user.scimVisible || row.user.status === 'anonymized') {
      throw DomainError.notFound('User');
    }
    return row;
  }

  private async insert(
    organizationId: string,
    write: ScimWrite,
    manager: EntityManager,
  ): Promise<User> {
    const pool = await this.pools.findDefault(organizationId, manager);
    if (!pool) throw new DomainError('internal', 'The organization has no default license pool.');
    const user = this.users.create(
      {
        organizationId,
        licensePoolId: pool.id,
        role: 'user',
        licenseTier: 'enterprise',
        scimManaged: true,
        scimVisible: true,
        firstLoginAt: null,
        lastLoginAt: null,
        // A user provisioned while its pool has no seat left waits as `pending` (SPEC §2, §3 rule 5).
        status:
          write.active === false
            ? 'deactivated'
            : pool.used >= pool.capacity
              ? 'pending'
              : 'provisioned',
      },
      manager,
    );
    applyProfile(user, write.profile);
    const saved = await this.users.save(user, manager);
    return toUser(saved, { id: pool.id, name: pool.name, isDefault: pool.isDefault });
  }

  /** Reactivates a deactivated user or takes over one SCIM did not manage (SPEC §2). */
  private async adopt(row: UserRow, write: ScimWrite, manager: EntityManager): Promise<User> {
    const { user } = row;
    const deactivated = user.status === 'deactivated';
    if (user.scimManaged && user.scimVisible && !deactivated) {
      throw userNameTaken(write.profile.userName);
    }
    user.scimManaged = true;
    user.scimVisible = true;
    applyProfile(user, write.profile);
    if (deactivated && write.active !== false) await this.setActive(row, true, manager);
    else if (!deactivated && write.active === false) await this.setActive(row, false, manager);
    return this.saveRow(row, manager);
  }

  /**
   * active=false releases the seat of an active user; active=true on a deactivated user brings it
   * back (to `active` with a seat if it had signed in before, else `provisioned`) and queues the
   * reactivation email.
   */
  private async setActive(row: UserRow, active: boolean, manager: EntityManager): Promise<void> {
    const { user } = row;
    if (!active) {
      if (user.status === 'deactivated') return;
      if (user.status === 'active') await this.seats.release(user.licensePoolId, manager);
      user.status = 'deactivated';
      return;
    }
    if (user.status !== 'deactivated') return;
    if (user.firstLoginAt) {
      if (!(await this.seats.take(user.licensePoolId, manager))) {
        const usage = await this.seats.usage(user.licensePoolId, manager);
        throw new DomainError(
          'invalid_value',
          `License pool '${usage.name}' is full (${usage.used} of ${usage.capacity} seats used); the user cannot be reactivated until a seat is free.`,
        );
      }
      user.status = 'active';
    } else {
      user.status = 'provisioned';
    }
    await this.queueReactivationEmail(user, manager);
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

  private async saveRow(row: UserRow, manager: EntityManager): Promise<User> {
    const saved = await this.users.save(row.user, manager);
    return toUser(saved, row.pool);
  }
}

function userNameTaken(userName: string): DomainError {
  return new DomainError('uniqueness', `A user with userName "${userName}" already exists.`);
}

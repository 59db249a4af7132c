import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '@rollcall/common';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import type { LicensePoolEntity } from '../license-pools/license-pool.entity';
import {
  type Channel,
  decidePool,
  describeRejection,
  type RequestedPool,
} from '../license-pools/pool-policy';
import { SeatLedger } from '../license-pools/seat-ledger';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { Role, UserEntity, UserStatus } from './user.entity';
import { applyProfile, toUser, type User, type UserProfile } from './user.model';
import { type UserRow, UsersRepository, type UserSearch } from './users.repository';

export interface AdminUserCriteria {
  status?: UserStatus;
  poolId?: string;
  scimManaged?: boolean;
  /** Text to find in userName, names or email. */
  q?: string;
}

export interface ScimWrite {
  profile: UserProfile;
  /** licensePoolName when the request carried it (null or blank: the default pool). */
  licensePoolName?: string | null;
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
    private readonly organizations: OrganizationsRepository,
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
        await this.assignPool(row, requestedPool(write), 'scim_update', manager);
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

  /** A user as its organization's admins see it (any status). */
  async getForAdmin(organizationId: string, id: string): Promise<User> {
    const row = await this.users.findById(organizationId, id);
    if (!row) throw DomainError.notFound('User');
    return toUser(row.user, row.pool);
  }

  /** The admin list: any status, filtered by structured criteria, keyset-paged by creation. */
  async listForAdmin(
    organizationId: string,
    criteria: AdminUserCriteria,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<User[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length + 1}`;
    };
    if (criteria.status) conditions.push(`u.status = ${param(criteria.status)}`);
    if (criteria.poolId) conditions.push(`u.license_pool_id = ${param(criteria.poolId)}`);
    if (criteria.scimManaged !== undefined)
      conditions.push(`u.scim_managed = ${param(criteria.scimManaged)}`);
    if (criteria.q) {
      const pattern = param(`%${criteria.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      conditions.push(
        `(lower(u.user_name) LIKE ${pattern} OR lower(coalesce(u.display_name, '')) LIKE ${pattern} OR coalesce(u.primary_email, '') LIKE ${pattern} OR lower(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')) LIKE ${pattern})`,
      );
    }
    if (after) {
      conditions.push(`(u.created_at, u.id) > (${param(after.createdAt)}, ${param(after.id)})`);
    }
    const rows = await this.users.search(organizationId, {
      ...(conditions.length > 0 ? { where: conditions.join(' AND '), params } : {}),
      offset: 0,
      limit,
    });
    return rows.map((r) => toUser(r.user, r.pool));
  }

  /**
   * An admin moves a user to another pool: a seated user takes a seat there first (refused when it
   * is full) and frees the old one. Allowed for SCIM-managed users too; SSO may move them back.
   */
  async moveToPool(organizationId: string, id: string, poolId: string): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.findById(organizationId, id, manager, true);
      if (!row) throw DomainError.notFound('User');
      const pools = await this.pools.listByOrganization(organizationId, manager);
      const target = pools.find((p) => p.id === poolId);
      if (!target) {
        throw new DomainError(
          'validation_failed',
          'licensePoolId names no license pool of this organization.',
          [{ field: 'licensePoolId', message: 'no such license pool' }],
        );
      }
      if (target.id === row.user.licensePoolId) return toUser(row.user, row.pool);
      if (row.user.status === 'active') {
        if (!(await this.seats.take(target.id, manager))) {
          throw new DomainError(
            'pool_full',
            `License pool '${target.name}' is full (${target.used} of ${target.capacity} seats used).`,
          );
        }
        await this.seats.release(row.user.licensePoolId, manager);
      }
      if (row.user.status === 'pending' && target.used < target.capacity)
        row.user.status = 'provisioned';
      row.user.licensePoolId = target.id;
      row.pool = poolSummary(target);
      return this.saveRow(row, manager);
    });
  }

  /**
   * A successful SSO sign-in (SPEC §2, §3): the pool policy for the sign-in channel (the assertion's
   * licensePoolName, when it carries one, is the source of truth), then first-login activation — a
   * `provisioned` or `pending` user becomes `active`, taking a seat (refused when there is none), with
   * the Pro tier when the organization gives it to everyone. Deactivated and anonymized users are
   * refused. Refusals change nothing.
   */
  async signIn(organizationId: string, id: string, requested: RequestedPool): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.findById(organizationId, id, manager, true);
      if (!row) throw DomainError.notFound('User');
      const { user } = row;
      if (user.status === 'deactivated' || user.status === 'anonymized') {
        const pools = await this.pools.listByOrganization(organizationId, manager);
        const decision = decidePool({
          channel: 'sso_sign_in',
          pools,
          requested,
          user: { poolId: user.licensePoolId, seated: false },
        });
        throw new DomainError(
          'sign_in_refused',
          decision.outcome === 'reject'
            ? describeRejection(decision)
            : 'This account is deactivated; ask your administrator to reactivate it.',
        );
      }
      await this.assignPool(row, requested, 'sso_sign_in', manager);
      if (user.status === 'provisioned' || user.status === 'pending') {
        if (!(await this.seats.take(user.licensePoolId, manager))) {
          const usage = await this.seats.usage(user.licensePoolId, manager);
          throw new DomainError(
            'sign_in_refused',
            `License pool '${usage.name}' is full (${usage.used} of ${usage.capacity} seats used)`,
          );
        }
        user.status = 'active';
        user.firstLoginAt = new Date();
        const organization = await this.organizations.findById(organizationId, manager);
        if (organization?.proForAllUsers) user.licenseTier = 'pro';
      }
      user.lastLoginAt = new Date();
      return this.saveRow(row, manager);
    });
  }

  /** Roles change only here, never through SCIM or SSO (SPEC §2). */
  async setRole(organizationId: string, id: string, role: Role): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.findById(organizationId, id, manager, true);
      if (!row) throw DomainError.notFound('User');
      row.user.role = role;
      return this.saveRow(row, manager);
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
    const pools = await this.pools.listByOrganization(organizationId, manager);
    const decision = decidePool({
      channel: 'scim_create',
      pools,
      requested: requestedPool(write),
    });
    if (decision.outcome === 'reject') {
      throw new DomainError('invalid_value', describeRejection(decision));
    }
    const pool = decision.pool;
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
        // Provisioned while its pool has no seat left: pending (SPEC §2, §3 rule 5).
        status: write.active === false ? 'deactivated' : decision.full ? 'pending' : 'provisioned',
      },
      manager,
    );
    applyProfile(user, write.profile);
    const saved = await this.users.save(user, manager);
    return toUser(saved, poolSummary(pools.find((p) => p.id === pool.id)!));
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
    await this.assignPool(row, requestedPool(write), 'scim_update', manager);
    if (deactivated && write.active !== false) await this.setActive(row, true, manager);
    else if (!deactivated && write.active === false) await this.setActive(row, false, manager);
    return this.saveRow(row, manager);
  }

  /**
   * Runs the pool-assignment policy for an existing user and carries out its decision: a move takes
   * a seat in the new pool before releasing the old one (for a seated user), all in this transaction.
   */
  private async assignPool(
    row: UserRow,
    requested: RequestedPool,
    channel: Channel,
    manager: EntityManager,
  ): Promise<void> {
    if (!requested.present) return;
    const { user } = row;
    const pools = await this.pools.listByOrganization(user.organizationId, manager);
    const decision = decidePool({
      channel,
      pools,
      requested,
      user: { poolId: user.licensePoolId, seated: user.status === 'active' },
    });
    const refusal = channel === 'sso_sign_in' ? 'sign_in_refused' : 'invalid_value';
    if (decision.outcome === 'reject') {
      throw new DomainError(refusal, describeRejection(decision));
    }
    if (decision.pool.id === user.licensePoolId) return;
    if (user.status === 'active') {
      if (!(await this.seats.take(decision.pool.id, manager))) {
        const usage = await this.seats.usage(decision.pool.id, manager);
        throw new DomainError(
          refusal,
          `License pool '${usage.name}' is full (${usage.used} of ${usage.capacity} seats used)`,
        );
      }
      await this.seats.release(user.licensePoolId, manager);
    }
    if (user.status === 'pending' && !decision.full) user.status = 'provisioned';
    user.licensePoolId = decision.pool.id;
    row.pool = poolSummary(pools.find((p) => p.id === decision.pool.id)!);
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

function requestedPool(write: ScimWrite): RequestedPool {
  return write.licensePoolName === undefined
    ? { present: false }
    : { present: true, value: write.licensePoolName };
}

function poolSummary(pool: LicensePoolEntity): { id: string; name: string; isDefault: boolean } {
  return { id: pool.id, name: pool.name, isDefault: pool.isDefault };
}

function userNameTaken(userName: string): DomainError {
  return new DomainError('uniqueness', `A user with userName "${userName}" already exists.`);
}

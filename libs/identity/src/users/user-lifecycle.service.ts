import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError, type ErrorCode, isStorableDate } from '@rollcall/common';
import { GroupsRepository } from '../groups/groups.repository';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import type { LicensePoolEntity } from '../license-pools/license-pool.entity';
import {
  type Channel,
  decidePool,
  describeRejection,
  poolFullMessage,
  type RequestedPool,
} from '../license-pools/pool-policy';
import { SeatLedger } from '../license-pools/seat-ledger';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { Role, UserEntity, UserStatus } from './user.entity';
import { applyProfile, toUser, type User, type UserProfile } from './user.model';
import { type UserRow, UsersRepository, type UserSearch } from './users.repository';

/** What other modules erase, in the anonymization's transaction (e.g. the provisioning log). */
export interface UserErasure {
  organizationId: string;
  userId: string;
  oldUserName: string;
  placeholder: string;
}

export interface AdminUserCriteria {
  status?: UserStatus;
  poolId?: string;
  role?: Role;
  scimManaged?: boolean;
  /** Members of this group. */
  groupId?: string;
  /** Text to find in userName, names or email. */
  q?: string;
}

/** The admin list's orders: a field, descending with a leading `-`; ties are broken by id. */
export const ADMIN_USER_SORTS = [
  'createdAt',
  '-createdAt',
  'userName',
  '-userName',
  'lastLoginAt',
  '-lastLoginAt',
] as const;
export type AdminUserSort = (typeof ADMIN_USER_SORTS)[number];

/**
 * Where a keyset page starts: the sort key of the last row seen (an ISO time, `-infinity` for a
 * user who never signed in, or the lowercased userName) and its id.
 */
export interface AdminUserPosition {
  key: string;
  id: string;
}

/** A user of the admin list with its position, to continue after it. */
export interface AdminUserListItem {
  user: User;
  position: AdminUserPosition;
}

/** What the admin API knows about the caller's organization when it changes a user. */
export interface AdminUserOptions {
  /** SCIM is enabled: SCIM-managed users' status belongs to the IdP. */
  protectScimManaged: boolean;
}

const SORT_SQL: Record<string, { expression: string; type: 'timestamptz' | 'text' }> = {
  createdAt: { expression: 'u.created_at', type: 'timestamptz' },
  userName: { expression: 'lower(u.user_name)', type: 'text' },
  // Never signed in sorts before everyone (ascending) or after everyone (descending).
  lastLoginAt: {
    expression: `coalesce(u.last_login_at, '-infinity'::timestamptz)`,
    type: 'timestamptz',
  },
};

export interface ScimWrite {
  profile: UserProfile;
  /** licensePoolName when the request carried it (null or blank: the default pool). */
  licensePoolName?: string | null;
  /** The SCIM `active` flag when the request carried one. */
  active?: boolean;
  /** The version the caller read (If-Match); a mismatch is refused with 412. */
  expectedVersion?: number;
}

/** What a validated SSO assertion says about the person signing in. */
export interface SsoIdentity {
  /** The email the assertion carries (else its NameID): how the user is found and, new, named. */
  email: string;
  /** The assertion's NameID, also tried as a userName. */
  nameId: string | null;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  externalId?: string;
  /** Group names when the assertion carried the attribute. */
  groups?: string[];
  requested: RequestedPool;
}

export interface SsoSignInOptions {
  /**
   * SCIM is off: unknown users are created just in time (when `jit`), and the profile and groups
   * follow the assertion at every sign-in. SCIM on: SCIM owns profile and groups.
   */
  scimEnabled: boolean;
  jit: boolean;
}

export interface SsoSignInResult {
  user: User;
  /** The user was created by this sign-in. */
  created: boolean;
  /** The user took a seat (its first sign-in, or a return after a pool change freed one). */
  activated: boolean;
  /** Group names in the assertion that match no group (not created). */
  unknownGroups: string[];
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
    private readonly groups: GroupsRepository,
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
      // Almost always nobody holds the name: the user is inserted in one statement that does
      // nothing if somebody does (the unique index on the name decides, atomically). Only then,
      // or when the pool policy refuses, does the create lock and look at the holder, in a
      // transaction, as it always did.
      const inserted = await this.insert(organizationId, write, this.dataSource.manager, true);
      if (inserted) return { user: inserted, created: true };
      return await this.dataSource.transaction(async (manager) => {
        const existing = await this.users.findByUserNameForUpdate(
          organizationId,
          write.profile.userName,
          manager,
        );
        if (existing && existing.user.status !== 'anonymized') {
          return { user: await this.adopt(existing, write, manager), created: false };
        }
        return { user: (await this.insert(organizationId, write, manager, false))!, created: true };
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
  async scimDelete(organizationId: string, id: string, expectedVersion?: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockScimVisible(organizationId, id, manager);
      if (expectedVersion !== undefined && expectedVersion !== row.user.version) {
        throw new DomainError(
          'precondition_failed',
          `The user has changed (version ${row.user.version}, If-Match named ${expectedVersion}); read it again.`,
        );
      }
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

  /**
   * The admin list: any status, filtered by structured criteria, in `sort` order with ties broken by
   * id, keyset-paged on (sort key, id) so that a page costs the same wherever it starts and rows
   * are neither skipped nor repeated.
   */
  async listForAdmin(
    organizationId: string,
    criteria: AdminUserCriteria,
    sort: AdminUserSort,
    limit: number,
    after?: AdminUserPosition,
  ): Promise<AdminUserListItem[]> {
    const descending = sort.startsWith('-');
    const field = descending ? sort.slice(1) : sort;
    const { expression, type } = SORT_SQL[field];
    const { conditions, params, param } = adminConditions(criteria);
    if (after) {
      checkPosition(field, after);
      conditions.push(
        `(${expression}, u.id) ${descending ? '<' : '>'} (${param(after.key)}::${type}, ${param(after.id)}::uuid)`,
      );
    }
    const rows = await this.users.keysetPage(organizationId, {
      ...(conditions.length > 0 ? { where: conditions.join(' AND '), params } : {}),
      orderBy: expression,
      descending,
      limit,
    });
    return rows.map(({ row, lowerUserName }) => {
      const user = toUser(row.user, row.pool);
      const key =
        field === 'userName'
          ? lowerUserName
          : field === 'lastLoginAt'
            ? (user.lastLoginAt?.toISOString() ?? '-infinity')
            : user.createdAt.toISOString();
      return { user, position: { key, id: user.id } };
    });
  }

  /**
   * An admin deactivates a user: its seat is released. Refused for SCIM-managed users while SCIM
   * is enabled (the IdP owns their status) and for anonymized users; a deactivated user stays so.
   */
  async deactivateByAdmin(
    organizationId: string,
    id: string,
    options: AdminUserOptions,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForAdminStatusChange(
        organizationId,
        id,
        'deactivate',
        options,
        manager,
      );
      await this.setActive(row, false, manager);
      return this.saveRow(row, manager);
    });
  }

  /**
   * An admin reactivates a deactivated user, under the rules of SCIM reactivation: back to `active`
   * with a seat if it signed in before (refused with `pool_full` when its pool has none), else
   * `provisioned`; the reactivation email is queued. A user that is not deactivated is unchanged.
   */
  async reactivateByAdmin(
    organizationId: string,
    id: string,
    options: AdminUserOptions,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForAdminStatusChange(
        organizationId,
        id,
        'reactivate',
        options,
        manager,
      );
      await this.setActive(row, true, manager, 'pool_full');
      return this.saveRow(row, manager);
    });
  }

  /**
   * Erases a deactivated user's personal data, irreversibly (SPEC §2): every profile field of the
   * row (userName becomes `anonymized-<id>`), its memberships and its address in the outbox, and —
   * through `eraseElsewhere`, which other modules pass — what they hold (the provisioning log), in
   * one transaction. The row stays, `anonymized`, so counts
   * and history keep adding up; SCIM and SSO never see it again.
   */
  async anonymize(
    organizationId: string,
    id: string,
    eraseElsewhere?: (erasure: UserErasure, manager: EntityManager) => Promise<void>,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.findById(organizationId, id, manager, true);
      if (!row) throw DomainError.notFound('User');
      const { user } = row;
      if (user.status === 'anonymized') throw alreadyAnonymized();
      if (user.status !== 'deactivated') {
        throw new DomainError(
          'user_not_deactivated',
          user.scimManaged
            ? `Only deactivated users can be anonymized, and this user is ${user.status}. It is managed by the organization's identity provider through SCIM: deprovision it there first (unassign it from the Rollcall app, or deactivate or delete it), then anonymize it.`
            : `Only deactivated users can be anonymized, and this user is ${user.status}: deactivate it first (POST /api/v1/users/${user.id}/deactivate).`,
        );
      }
      const placeholder = `anonymized-${user.id}`;
      const oldUserName = user.userName;
      const oldAddresses = [...user.emailValues, ...(user.primaryEmail ? [user.primaryEmail] : [])];
      applyProfile(user, emptyProfile(placeholder));
      user.status = 'anonymized';
      user.scimVisible = false;
      await this.groups.removeUserFromAllGroups(organizationId, user.id, manager);
      await this.outbox.eraseRecipient(organizationId, user.id, oldAddresses, placeholder, manager);
      await eraseElsewhere?.(
        { organizationId, userId: user.id, oldUserName, placeholder },
        manager,
      );
      return this.saveRow(row, manager);
    });
  }

  /**
   * An admin changes a user's pool and/or role, both or neither (one transaction). A move: a seated
   * user takes a seat in the new pool first (refused when it is full) and frees the old one; allowed
   * for SCIM-managed users too (SSO may move them back). A role: never through SCIM or SSO (SPEC §2),
   * and never away from the organization's last admin. Anonymized users are refused.
   */
  async updateByAdmin(
    organizationId: string,
    id: string,
    changes: { role?: Role; licensePoolId?: string },
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.findById(organizationId, id, manager, true);
      if (!row) throw DomainError.notFound('User');
      if (row.user.status === 'anonymized') throw alreadyAnonymized();
      const moved =
        changes.licensePoolId !== undefined &&
        (await this.moveToPool(row, changes.licensePoolId, manager));
      const promoted =
        changes.role !== undefined && (await this.setRole(row, changes.role, manager));
      return moved || promoted ? this.saveRow(row, manager) : toUser(row.user, row.pool);
    });
  }

  /** Moves a locked user's row to a pool; false when it is there already. */
  private async moveToPool(row: UserRow, poolId: string, manager: EntityManager): Promise<boolean> {
    const pools = await this.pools.listByOrganization(row.user.organizationId, manager);
    const target = pools.find((p) => p.id === poolId);
    if (!target) {
      throw new DomainError(
        'validation_failed',
        'licensePoolId names no license pool of this organization.',
        [{ field: 'licensePoolId', message: 'no such license pool' }],
      );
    }
    if (target.id === row.user.licensePoolId) return false;
    if (row.user.status === 'active') {
      if (!(await this.seats.take(target.id, manager))) {
        throw new DomainError('pool_full', `${poolFullMessage(target)}.`);
      }
      await this.seats.release(row.user.licensePoolId, manager);
    }
    if (row.user.status === 'pending' && target.used < target.capacity)
      row.user.status = 'provisioned';
    row.user.licensePoolId = target.id;
    row.pool = poolSummary(target);
    return true;
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
      await this.admit(row, requested, manager);
      return this.saveRow(row, manager);
    });
  }

  /**
   * An SSO sign-in (SPEC §2, §3, §5), in one transaction so that a refusal changes nothing: finds the
   * user the assertion names (or creates it just in time), updates its profile and groups when SCIM
   * does not own them, runs the pool policy on the sign-in channel and the first-login activation.
   */
  async ssoSignIn(
    organizationId: string,
    identity: SsoIdentity,
    options: SsoSignInOptions,
    retried = false,
  ): Promise<SsoSignInResult> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const identifiers = [identity.email, ...(identity.nameId ? [identity.nameId] : [])];
        let row = await this.users.findForSignInForUpdate(organizationId, identifiers, manager);
        let created = false;
        if (!row) {
          if (options.scimEnabled || !options.jit) {
            throw new DomainError(
              'sign_in_refused',
              options.scimEnabled
                ? `There is no account for ${identity.email} yet: your organization provisions accounts from its identity provider, so ask your administrator to assign you the Rollcall application.`
                : `There is no account for ${identity.email}, and this organization does not create accounts at sign-in; ask your administrator to add you.`,
              [],
              'unknown_user',
            );
          }
          await this.seats.lockPools(organizationId, manager);
          row = await this.insertFromSso(organizationId, identity, manager);
          created = true;
        } else if (!options.scimEnabled) {
          applyProfile(row.user, ssoProfile(toUser(row.user, row.pool), identity));
        }
        const wasSeated = row.user.status === 'active';
        await this.admit(row, identity.requested, manager);
        let unknownGroups: string[] = [];
        if (!options.scimEnabled && identity.groups !== undefined) {
          ({ unknown: unknownGroups } = await this.groups.setUserGroupsByName(
            organizationId,
            row.user.id,
            identity.groups,
            manager,
          ));
        }
        const user = await this.saveRow(row, manager);
        return { user, created, activated: !wasSeated, unknownGroups };
      });
    } catch (error) {
      // Two first sign-ins of the same new person at once: the second finds the first's user.
      if (isUniqueViolation(error) && !retried) {
        return this.ssoSignIn(organizationId, identity, options, true);
      }
      throw error;
    }
  }

  /**
   * Lets an existing user in (SPEC §3 on the sign-in channel): refused when deactivated, the pool
   * policy applied (rule 6: the assertion's pool wins over an admin's move), and at the first sign-in
   * a seat taken (refused when the pool is full) and the pro tier given when the org says so.
   */
  private async admit(
    row: UserRow,
    requested: RequestedPool,
    manager: EntityManager,
  ): Promise<void> {
    const { user } = row;
    const organizationId = user.organizationId;
    if (user.status === 'deactivated' || user.status === 'anonymized') {
      const pools = await this.pools.listByOrganization(organizationId, manager);
      const decision = decidePool({
        channel: 'sso_sign_in',
        pools,
        requested,
        user: { poolId: user.licensePoolId, seated: false },
      });
      throw decision.outcome === 'reject'
        ? new DomainError('sign_in_refused', describeRejection(decision), [], decision.reason)
        : new DomainError(
            'sign_in_refused',
            'This account is deactivated; ask your administrator to reactivate it.',
            [],
            'account_deactivated',
          );
    }
    await this.assignPool(row, requested, 'sso_sign_in', manager);
    if (user.status === 'provisioned' || user.status === 'pending') {
      await this.takeSeat(user.licensePoolId, manager, 'sign_in_refused');
      user.status = 'active';
      user.firstLoginAt = new Date();
      const organization = await this.organizations.findById(organizationId, manager);
      if (organization?.proForAllUsers) user.licenseTier = 'pro';
    }
    user.lastLoginAt = new Date();
  }

  /** A user created by its first SSO sign-in: not SCIM-managed, in the default pool until the policy says otherwise. */
  private async insertFromSso(
    organizationId: string,
    identity: SsoIdentity,
    manager: EntityManager,
  ): Promise<UserRow> {
    const pools = await this.pools.listByOrganization(organizationId, manager);
    const pool = pools.find((p) => p.isDefault)!;
    const user = this.users.create({
      organizationId,
      licensePoolId: pool.id,
      role: 'user',
      licenseTier: 'enterprise',
      scimManaged: false,
      scimVisible: true,
      firstLoginAt: null,
      lastLoginAt: null,
      status: 'provisioned',
    });
    applyProfile(user, ssoProfile(undefined, identity));
    const saved = await this.users.save(user, manager);
    return { user: saved, pool: poolSummary(pool) };
  }

  /** Gives a locked user's row a role; false when it has it already. */
  private async setRole(row: UserRow, role: Role, manager: EntityManager): Promise<boolean> {
    if (row.user.role === role) return false;
    if (row.user.role === 'admin') {
      // Lock every admin of the organization so two demotions cannot both pass the count.
      const admins = await manager.query<{ id: string }[]>(
        `SELECT id FROM users WHERE organization_id = $1 AND role = 'admin' AND status <> 'anonymized' ORDER BY id FOR UPDATE`,
        [row.user.organizationId],
      );
      if (admins.length <= 1) {
        throw new DomainError(
          'last_admin',
          'This is the organization’s last admin; make another user an admin before changing this one’s role.',
        );
      }
    }
    row.user.role = role;
    return true;
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

  private async lockForAdminStatusChange(
    organizationId: string,
    id: string,
    action: 'deactivate' | 'reactivate',
    options: AdminUserOptions,
    manager: EntityManager,
  ): Promise<UserRow> {
    const row = await this.users.findById(organizationId, id, manager, true);
    if (!row) throw DomainError.notFound('User');
    if (row.user.status === 'anonymized') throw alreadyAnonymized();
    if (row.user.scimManaged && options.protectScimManaged) {
      throw new DomainError(
        'scim_managed',
        `The user "${row.user.userName}" is managed by the organization's identity provider through SCIM, which decides whether it is active; ${action} it in the identity provider (or disable SCIM first).`,
      );
    }
    return row;
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

  /**
   * `ifNameFree`: null, and nothing written, when somebody holds the userName or the pool policy
   * refuses the request (the caller then decides in a transaction, knowing who holds the name).
   */
  private async insert(
    organizationId: string,
    write: ScimWrite,
    manager: EntityManager,
    ifNameFree: boolean,
  ): Promise<User | null> {
    const pools = await this.pools.snapshots(organizationId, manager);
    const decision = decidePool({
      channel: 'scim_create',
      pools,
      requested: requestedPool(write),
    });
    if (decision.outcome === 'reject') {
      // Whether someone holds the name decides which refusal applies: the caller's transaction.
      if (ifNameFree) return null;
      throw new DomainError('invalid_value', describeRejection(decision));
    }
    const pool = decision.pool;
    const user = this.users.create({
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
    });
    applyProfile(user, write.profile);
    const saved = await this.users.insert(user, manager, ifNameFree);
    return saved && toUser(saved, { id: pool.id, name: pool.name, isDefault: pool.isDefault });
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
      throw new DomainError(refusal, describeRejection(decision), [], decision.reason);
    }
    if (decision.pool.id === user.licensePoolId) return;
    if (user.status === 'active') {
      await this.takeSeat(decision.pool.id, manager, refusal);
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
  private async setActive(
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
  private async takeSeat(
    poolId: string,
    manager: EntityManager,
    code: ErrorCode,
    more = '',
  ): Promise<void> {
    if (await this.seats.take(poolId, manager)) return;
    const usage = await this.seats.usage(poolId, manager);
    throw new DomainError(code, `${poolFullMessage(usage)}${more}`, [], 'pool_full');
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

function alreadyAnonymized(): DomainError {
  return new DomainError(
    'user_anonymized',
    'The user has been anonymized: its personal data is erased for good and it can no longer be changed.',
  );
}

/**
 * A profile with a userName and nothing else: what an anonymized user keeps (its placeholder), and
 * where a user created at its first sign-in starts.
 */
function emptyProfile(userName: string): UserProfile {
  return {
    userName,
    externalId: null,
    formattedName: null,
    givenName: null,
    familyName: null,
    middleName: null,
    honorificPrefix: null,
    honorificSuffix: null,
    displayName: null,
    nickName: null,
    profileUrl: null,
    title: null,
    userType: null,
    preferredLanguage: null,
    locale: null,
    timezone: null,
    emails: [],
    phoneNumbers: [],
    addresses: [],
    ims: [],
    photos: [],
    enterprise: {},
  };
}

/** The SQL conditions of the admin list's filters, with `$n` parameters after the organization's. */
function adminConditions(criteria: AdminUserCriteria) {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length + 1}`;
  };
  if (criteria.status) conditions.push(`u.status = ${param(criteria.status)}`);
  if (criteria.poolId) conditions.push(`u.license_pool_id = ${param(criteria.poolId)}`);
  if (criteria.role) conditions.push(`u.role = ${param(criteria.role)}`);
  if (criteria.scimManaged !== undefined)
    conditions.push(`u.scim_managed = ${param(criteria.scimManaged)}`);
  if (criteria.groupId) {
    conditions.push(
      `EXISTS (SELECT 1 FROM group_members gm WHERE gm.organization_id = u.organization_id AND gm.user_id = u.id AND gm.group_id = ${param(criteria.groupId)}::uuid)`,
    );
  }
  if (criteria.q) {
    const pattern = param(`%${criteria.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conditions.push(
      `(lower(u.user_name) LIKE ${pattern} OR lower(coalesce(u.display_name, '')) LIKE ${pattern} OR coalesce(u.primary_email, '') LIKE ${pattern} OR lower(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')) LIKE ${pattern})`,
    );
  }
  return { conditions, params, param };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A position must fit its sort (a cursor made for another order, or tampered with, is refused). */
function checkPosition(field: string, position: AdminUserPosition): void {
  const timeOk = (key: string) => {
    const date = new Date(key);
    return isStorableDate(date) && date.toISOString() === key;
  };
  const ok =
    UUID.test(position.id) &&
    (field === 'userName'
      ? position.key.length <= 256
      : timeOk(position.key) || (field === 'lastLoginAt' && position.key === '-infinity'));
  if (!ok) {
    throw new DomainError('validation_failed', 'cursor is not a cursor returned by this API.', [
      { field: 'cursor', message: 'cursor must be a cursor returned by this API for this sort' },
    ]);
  }
}

/**
 * The profile after an SSO sign-in where SCIM does not own it: the assertion's names, externalId and
 * email replace what is there; everything else stays. A new user's userName is its email.
 */
function ssoProfile(current: User | undefined, identity: SsoIdentity): UserProfile {
  const base: UserProfile = current ?? emptyProfile(identity.email);
  const email = identity.email.trim();
  const hasEmail = base.emails.some(
    (e) => typeof e.value === 'string' && e.value.trim().toLowerCase() === email.toLowerCase(),
  );
  return {
    ...base,
    givenName: identity.givenName ?? base.givenName,
    familyName: identity.familyName ?? base.familyName,
    displayName: identity.displayName ?? base.displayName,
    externalId: identity.externalId ?? base.externalId,
    formattedName:
      identity.givenName !== undefined || identity.familyName !== undefined
        ? [identity.givenName ?? base.givenName, identity.familyName ?? base.familyName]
            .filter(Boolean)
            .join(' ') || null
        : base.formattedName,
    emails: hasEmail
      ? base.emails
      : [
          { value: email, type: 'work', primary: true },
          ...base.emails.map((e) => ({ ...e, primary: false })),
        ],
  };
}

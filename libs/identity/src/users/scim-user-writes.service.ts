import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, type RowPosition } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import type { PoolCatalogEntry } from '../license-pools/license-pools.repository';
import { PoolCatalog } from '../license-pools/pool-catalog';
import { decidePool, describeRejection, type NamedPool } from '../license-pools/pool-policy';
import { isUniqueViolation, UserCore, userNameTaken } from './user-core.service';
import type { UserGroup } from '../groups/group.model';
import { applyProfile, toUser, type User, type UserProfile } from './user.model';
import { type UserSearch, UserSearchRepository } from './user-search.repository';
import { type UserRow, UsersRepository } from './users.repository';

export interface ScimWrite {
  profile: UserProfile;
  /** licensePoolName when the request carried it (null or blank: the default pool). */
  licensePoolName?: string | null;
  /** The SCIM `active` flag when the request carried one. */
  active?: boolean;
  /** The version the caller read (If-Match); a mismatch is refused with 412. */
  expectedVersion?: number;
}

/**
 * The SCIM channel of the user lifecycle (SPEC §2): create (or reactivate, or take over), replace,
 * modify, delete, and what SCIM may read. Each write is one transaction.
 */
@Injectable()
export class ScimUserWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly userSearch: UserSearchRepository,
    private readonly poolCatalog: PoolCatalog,
    private readonly core: UserCore,
  ) {}

  /**
   * SCIM create: a new user; or the deactivated user with that userName, reactivated; or an existing
   * user that SCIM does not manage yet, taken over. A SCIM-managed user already visible → 409.
   */
  async scimCreate(
    organizationId: string,
    write: ScimWrite,
    actor: Actor,
  ): Promise<{ user: User; created: boolean }> {
    try {
      // Almost always nobody holds the name and the pools are as this instance last read them:
      // the user is inserted in one statement that does nothing if somebody holds the name (the
      // unique index decides, atomically) or the pools have changed. Only then, or when the pool
      // policy refuses, does the create read the pools again, lock and look at the holder, in a
      // transaction, as it always did.
      const catalog = await this.poolCatalog.get(organizationId);
      const inserted = await this.insert(organizationId, write, actor, this.dataSource.manager, {
        catalog,
        ifNameFree: true,
      });
      if (inserted) return { user: inserted, created: true };
      return await this.dataSource.transaction(async (manager) => {
        const existing = await this.users.findByUserNameForUpdate(
          organizationId,
          write.profile.userName,
          manager,
        );
        if (existing && existing.user.status !== 'anonymized') {
          return { user: await this.adopt(existing, write, actor, manager), created: false };
        }
        const catalog = await this.poolCatalog.read(organizationId, manager);
        const user = await this.insert(organizationId, write, actor, manager, {
          catalog,
          ifNameFree: false,
        });
        if (!user) throw new Error('the user was not inserted: its pool is gone');
        return { user, created: true };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw userNameTaken(write.profile.userName);
      throw error;
    }
  }

  /** SCIM PUT: the whole profile as it should now be, and `active` if sent. */
  scimUpdate(organizationId: string, id: string, write: ScimWrite, actor: Actor): Promise<User> {
    return this.scimModify(organizationId, id, write.expectedVersion, () => write, actor);
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
    actor: Actor,
  ): Promise<User> {
    let userName: string | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const row = await this.lockScimVisible(organizationId, id, expectedVersion, manager);
        const write = compute(toUser(row.user, row.pool));
        if (!write) return toUser(row.user, row.pool);
        userName = write.profile.userName;
        // A new userName must be free (the unique index would also refuse it, less clearly).
        if (userName.toLowerCase() !== row.user.userName.toLowerCase()) {
          const clash = await this.users.findByUserNameForUpdate(organizationId, userName, manager);
          if (clash && clash.user.id !== id) throw userNameTaken(userName);
        }
        applyProfile(row.user, write.profile);
        await this.core.assignPool(row, requestedPool(write), 'scim_update', manager);
        if (write.active !== undefined) await this.core.setActive(row, write.active, manager);
        return this.core.save(row, actor, manager);
      });
    } catch (error) {
      if (isUniqueViolation(error) && userName !== undefined) throw userNameTaken(userName);
      throw error;
    }
  }

  /** SCIM DELETE: deactivated (never erased) and hidden from SCIM from now on. */
  async scimDelete(
    organizationId: string,
    id: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockScimVisible(organizationId, id, expectedVersion, manager);
      await this.core.setActive(row, false, manager);
      row.user.scimVisible = false;
      await this.core.save(row, actor, manager);
    });
  }

  /** A user SCIM may see, and (`withGroups`) its groups: one statement. */
  async getForScim(
    organizationId: string,
    id: string,
    withGroups: boolean,
  ): Promise<{ user: User; groups?: UserGroup[] }> {
    const row = await this.users.findScimVisible(organizationId, id, withGroups);
    if (!row) throw DomainError.notFound('User');
    return { user: toUser(row.user, row.pool), ...(row.groups ? { groups: row.groups } : {}) };
  }

  /** Users SCIM may see that match a condition compiled from a SCIM filter (and their groups). */
  async searchForScim(
    organizationId: string,
    search: UserSearch,
    withGroups: boolean,
  ): Promise<{ total: number; users: { user: User; groups?: UserGroup[] }[] }> {
    const { total, rows } = await this.userSearch.searchScimVisible(
      organizationId,
      search,
      withGroups,
    );
    return {
      total,
      users: rows.map((r) => ({
        user: toUser(r.user, r.pool),
        ...(r.groups ? { groups: r.groups } : {}),
      })),
    };
  }

  /**
   * A cursor page (RFC 9865) of users SCIM may see: `search.limit` + 1 rows on from its keyset,
   * in the direction it reads, each with its position in the search's order.
   */
  async cursorSearchForScim(
    organizationId: string,
    search: UserSearch,
    withGroups: boolean,
  ): Promise<{ users: { user: User; groups?: UserGroup[]; position: RowPosition }[] }> {
    const { rows, positions } = await this.userSearch.cursorPageScimVisible(
      organizationId,
      search,
      withGroups,
    );
    return {
      users: rows.map((r, index) => ({
        user: toUser(r.user, r.pool),
        ...(r.groups ? { groups: r.groups } : {}),
        position: positions[index],
      })),
    };
  }

  /** The user's row locked, as SCIM may see it, at the version the caller read (If-Match). */
  private async lockScimVisible(
    organizationId: string,
    id: string,
    expectedVersion: number | undefined,
    manager: EntityManager,
  ): Promise<UserRow> {
    const row = await this.users.findById(organizationId, id, manager, true);
    if (!row || !row.user.scimVisible || row.user.status === 'anonymized') {
      throw DomainError.notFound('User');
    }
    if (expectedVersion !== undefined && expectedVersion !== row.user.version) {
      throw new DomainError(
        'precondition_failed',
        `The user has changed (version ${row.user.version}, If-Match named ${expectedVersion}); read it again.`,
      );
    }
    return row;
  }

  /**
   * The new user, in the pool the policy chooses from `catalog`. `ifNameFree`: null, and nothing
   * written, when somebody holds the userName, the pool policy refuses the request, or the pools
   * are no longer those of `catalog` (the caller then decides in a transaction, knowing who holds
   * the name and the pools as they are).
   */
  private async insert(
    organizationId: string,
    write: ScimWrite,
    actor: Actor,
    manager: EntityManager,
    { catalog, ifNameFree }: { catalog: PoolCatalogEntry; ifNameFree: boolean },
  ): Promise<User | null> {
    // For a create the policy refuses only an unknown pool: it never reads the seat counts kept
    // in the catalog (whether the pool is full, hence pending, is decided by the INSERT).
    const decision = decidePool({
      channel: 'scim_create',
      pools: catalog.pools,
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
      // Pending instead when its pool has no seat left (SPEC §2, §3 rule 5): the INSERT decides.
      status: write.active === false ? 'deactivated' : 'provisioned',
    });
    applyProfile(user, write.profile);
    const saved = await this.users.insert(user, actor, manager, {
      ifNameFree,
      poolStructure: ifNameFree ? catalog.structure : null,
    });
    return saved && toUser(saved, { id: pool.id, name: pool.name, isDefault: pool.isDefault });
  }

  /** Reactivates a deactivated user or takes over one SCIM did not manage (SPEC §2). */
  private async adopt(
    row: UserRow,
    write: ScimWrite,
    actor: Actor,
    manager: EntityManager,
  ): Promise<User> {
    const { user } = row;
    const deactivated = user.status === 'deactivated';
    if (user.scimManaged && user.scimVisible && !deactivated) {
      throw userNameTaken(write.profile.userName);
    }
    user.scimManaged = true;
    user.scimVisible = true;
    applyProfile(user, write.profile);
    await this.core.assignPool(row, requestedPool(write), 'scim_update', manager);
    if (deactivated && write.active !== false) await this.core.setActive(row, true, manager);
    else if (!deactivated && write.active === false) await this.core.setActive(row, false, manager);
    return this.core.save(row, actor, manager);
  }
}

function requestedPool(write: ScimWrite): NamedPool {
  return write.licensePoolName === undefined
    ? { present: false }
    : { present: true, value: write.licensePoolName };
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '@rollcall/common';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import type { Actor, NewEvent } from '../events/event.model';
import { EventsRepository } from '../events/events.repository';
import { UsersRepository } from '../users/users.repository';
import type { LicensePoolEntity } from './license-pool.entity';
import { LicensePoolsRepository } from './license-pools.repository';
import { decidePool } from './pool-policy';

export interface LicensePool {
  id: string;
  name: string;
  isDefault: boolean;
  capacity: number;
  used: number;
  remaining: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toLicensePool(entity: LicensePoolEntity): LicensePool {
  return {
    id: entity.id,
    name: entity.name,
    isDefault: entity.isDefault,
    capacity: entity.capacity,
    used: entity.used,
    remaining: entity.capacity - entity.used,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

const DEFAULT_ALIAS = 'default license pool';

/**
 * License pools (SPEC §3). The default pool's capacity is always totalLicenses − Σ custom capacities:
 * every change locks all of the organization's pools, recomputes it, and lets the database's CHECK
 * constraints (capacity ≥ 0, used ≤ capacity) refuse anything that slipped past the checks here.
 */
@Injectable()
export class LicensePoolsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pools: LicensePoolsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly events: EventsRepository,
  ) {}

  async list(organizationId: string): Promise<LicensePool[]> {
    return (await this.pools.listForDisplay(organizationId)).map(toLicensePool);
  }

  async get(organizationId: string, id: string): Promise<LicensePool> {
    const pool = await this.pools.findById(organizationId, id);
    if (!pool) throw DomainError.notFound('License pool');
    return toLicensePool(pool);
  }

  create(organizationId: string, name: string, capacity: number): Promise<LicensePool> {
    return this.withLockedPools(organizationId, async ({ organization, pools, manager }) => {
      requireEnterprise(organization);
      checkName(name, pools);
      const created = await this.pools.insertCustom(organizationId, name.trim(), capacity, manager);
      await this.rebalance(organization, [...pools, created], manager);
      return toLicensePool(created);
    });
  }

  update(
    organizationId: string,
    id: string,
    changes: { name?: string; capacity?: number },
  ): Promise<LicensePool> {
    return this.withLockedPools(organizationId, async ({ organization, pools, manager }) => {
      const pool = pools.find((p) => p.id === id);
      if (!pool) throw DomainError.notFound('License pool');
      if (pool.isDefault && (changes.name !== undefined || changes.capacity !== undefined)) {
        const what = changes.name !== undefined ? 'renamed' : 'resized';
        throw new DomainError(
          'default_pool_fixed',
          `The default license pool cannot be ${what}: its capacity is the licenses not given to custom pools.`,
        );
      }
      if (changes.name !== undefined && changes.name.trim() !== pool.name) {
        checkName(
          changes.name,
          pools.filter((p) => p.id !== id),
        );
        pool.name = changes.name.trim();
      }
      if (changes.capacity !== undefined) {
        if (changes.capacity < pool.used) {
          throw new DomainError(
            'not_enough_licenses',
            `License pool '${pool.name}' has ${pool.used} seats in use; its capacity cannot go below that.`,
          );
        }
        pool.capacity = changes.capacity;
      }
      await this.rebalance(organization, pools, manager);
      return toLicensePool(pools.find((p) => p.id === id)!);
    });
  }

  /**
   * Deletes a custom pool; its users move to the default pool, seats and all: the pool policy's
   * `pool_delete` channel decides whether the default pool (its capacity grown by the licenses the
   * deleted pool gives back) can hold them.
   */
  delete(organizationId: string, id: string, actor: Actor): Promise<void> {
    return this.withLockedPools(organizationId, async ({ organization, pools, manager }) => {
      const pool = pools.find((p) => p.id === id);
      if (!pool) throw DomainError.notFound('License pool');
      if (pool.isDefault) {
        throw new DomainError('default_pool_fixed', 'The default license pool cannot be deleted.');
      }
      const defaultPool = pools.find((p) => p.isDefault)!;
      const remaining = pools.filter((p) => p.id !== id);
      const defaultCapacity = organization.totalLicenses - customTotal(remaining);
      const decision = decidePool({
        channel: 'pool_delete',
        pools: remaining.map((p) => ({
          ...toLicensePool(p),
          capacity: p.isDefault ? defaultCapacity : p.capacity,
        })),
        requested: { present: true, poolId: defaultPool.id },
        user: { poolId: pool.id, seated: pool.used > 0, seats: pool.used },
      });
      if (decision.outcome === 'reject') {
        throw new DomainError(
          'not_enough_licenses',
          `The default license pool cannot hold the ${pool.used} seats of '${pool.name}'.`,
        );
      }
      // Make room first, then move the users and their seats, then drop the pool.
      defaultPool.capacity = defaultCapacity;
      defaultPool.used += pool.used;
      await this.pools.saveAll([defaultPool], manager);
      const moved = await this.users.moveAllToPool(pool.id, defaultPool.id, manager);
      const from = { id: pool.id, name: pool.name };
      const to = { id: defaultPool.id, name: defaultPool.name };
      await this.events.appendForUsers(
        organizationId,
        moved.flatMap(({ id: userId, seated }) => [
          {
            userId,
            type: 'user.pool_changed',
            details: { from, to, channel: 'pool_delete' },
          } satisfies NewEvent & { userId: string },
          ...(seated
            ? ([
                { userId, type: 'user.seat_released', details: { pool: from } },
                { userId, type: 'user.seat_taken', details: { pool: to } },
              ] satisfies (NewEvent & { userId: string })[])
            : []),
        ]),
        actor,
        manager,
      );
      await this.pools.remove(pool.id, manager);
    });
  }

  /** The operator changed the subscription: the default pool takes the difference. */
  async setTotalLicenses(
    organizationId: string,
    totalLicenses: number,
    manager: EntityManager,
  ): Promise<void> {
    const { organization, pools } = await this.lockPools(organizationId, manager);
    organization.totalLicenses = totalLicenses;
    await this.rebalance(organization, pools, manager);
    await this.organizations.setTotalLicenses(organizationId, totalLicenses, manager);
  }

  /** True when the organization has custom pools (they need the enterprise plan). */
  hasCustomPools(organizationId: string, manager: EntityManager): Promise<boolean> {
    return this.pools.hasCustomPools(organizationId, manager);
  }

  private async rebalance(
    organization: OrganizationEntity,
    pools: LicensePoolEntity[],
    manager: EntityManager,
  ): Promise<void> {
    const defaultPool = pools.find((p) => p.isDefault)!;
    const capacity = organization.totalLicenses - customTotal(pools);
    if (capacity < 0) {
      throw new DomainError(
        'not_enough_licenses',
        `The organization has ${organization.totalLicenses} licenses; custom pools would need ${customTotal(pools)}.`,
      );
    }
    if (capacity < defaultPool.used) {
      throw new DomainError(
        'not_enough_licenses',
        `The default license pool would keep ${capacity} licenses but ${defaultPool.used} of its seats are in use.`,
      );
    }
    defaultPool.capacity = capacity;
    await this.pools.saveAll(pools, manager);
  }

  private async lockPools(organizationId: string, manager: EntityManager) {
    const organization = await this.organizations.lockById(organizationId, manager);
    if (!organization) throw DomainError.notFound('Organization');
    const pools = await this.pools.lockAll(organizationId, manager);
    return { organization, pools };
  }

  private async withLockedPools<T>(
    organizationId: string,
    work: (context: {
      organization: OrganizationEntity;
      pools: LicensePoolEntity[];
      manager: EntityManager;
    }) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const locked = await this.lockPools(organizationId, manager);
        return work({ ...locked, manager });
      });
    } catch (error) {
      const code = (error as QueryFailedError & { driverError?: { code?: string } }).driverError
        ?.code;
      if (error instanceof QueryFailedError && code === '23505') {
        throw new DomainError('pool_name_taken', 'A license pool with that name already exists.');
      }
      throw error;
    }
  }
}

function customTotal(pools: LicensePoolEntity[]): number {
  return pools.filter((p) => !p.isDefault).reduce((sum, p) => sum + p.capacity, 0);
}

function requireEnterprise(organization: OrganizationEntity): void {
  if (organization.plan !== 'enterprise') {
    throw new DomainError(
      'plan_required',
      'Custom license pools are available on the enterprise plan only; this organization is on the team plan.',
    );
  }
}

function checkName(name: string, others: LicensePoolEntity[]): void {
  const wanted = name.trim().toLowerCase();
  if (wanted === DEFAULT_ALIAS) {
    throw new DomainError(
      'pool_name_taken',
      `"${name.trim()}" names the default license pool; choose another name.`,
    );
  }
  if (others.some((p) => p.name.toLowerCase() === wanted)) {
    throw new DomainError(
      'pool_name_taken',
      `A license pool named '${name.trim()}' already exists.`,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_POOL_NAME, LicensePoolEntity } from './license-pool.entity';
import type { PoolSnapshot } from './pool-policy';
import { runStatement } from '@rollcall/common';

@Injectable()
export class LicensePoolsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organization's pools as admins list them: the default first, then by name. */
  listForDisplay(organizationId: string): Promise<LicensePoolEntity[]> {
    return this.dataSource
      .getRepository(LicensePoolEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId', { organizationId })
      .orderBy('p.is_default', 'DESC')
      .addOrderBy('lower(p.name)', 'ASC')
      .getMany();
  }

  findById(organizationId: string, id: string): Promise<LicensePoolEntity | null> {
    return this.dataSource.getRepository(LicensePoolEntity).findOneBy({ organizationId, id });
  }

  /** Every pool of the organization, locked in id order for the caller's transaction. */
  lockAll(organizationId: string, manager: EntityManager): Promise<LicensePoolEntity[]> {
    return manager
      .getRepository(LicensePoolEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId', { organizationId })
      .orderBy('p.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** A new custom pool, with no seat in use. */
  insertCustom(
    organizationId: string,
    name: string,
    capacity: number,
    manager: EntityManager,
  ): Promise<LicensePoolEntity> {
    const repo = manager.getRepository(LicensePoolEntity);
    return repo.save(repo.create({ organizationId, name, isDefault: false, capacity, used: 0 }));
  }

  /** Writes the pools' names, capacities and seat counts as they are now. */
  async saveAll(pools: LicensePoolEntity[], manager: EntityManager): Promise<void> {
    await manager.getRepository(LicensePoolEntity).save(pools);
  }

  async remove(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(LicensePoolEntity).delete({ id });
  }

  async hasCustomPools(organizationId: string, manager: EntityManager): Promise<boolean> {
    return (
      (await manager
        .getRepository(LicensePoolEntity)
        .countBy({ organizationId, isDefault: false })) > 0
    );
  }

  /** The pool every organization is born with: it holds all licenses until custom pools exist. */
  insertDefault(
    organizationId: string,
    capacity: number,
    manager: EntityManager,
  ): Promise<LicensePoolEntity> {
    const repo = manager.getRepository(LicensePoolEntity);
    return repo.save(
      repo.create({ organizationId, name: DEFAULT_POOL_NAME, isDefault: true, capacity, used: 0 }),
    );
  }

  listByOrganization(organizationId: string, manager: EntityManager): Promise<LicensePoolEntity[]> {
    return manager.getRepository(LicensePoolEntity).findBy({ organizationId });
  }

  /** What the pool policy needs of every pool of the organization, in plain SQL (hot path). */
  snapshots(organizationId: string, manager: EntityManager): Promise<PoolSnapshot[]> {
    return runStatement<PoolSnapshot>(
      manager,
      `SELECT id, name, is_default AS "isDefault", capacity, used
       FROM license_pools WHERE organization_id = $1`,
      [organizationId],
    );
  }

  findDefault(organizationId: string, manager: EntityManager): Promise<LicensePoolEntity | null> {
    return manager.getRepository(LicensePoolEntity).findOneBy({ organizationId, isDefault: true });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_POOL_NAME, LicensePoolEntity } from './license-pool.entity';
import type { PoolSnapshot } from './pool-policy';
import { runStatement } from '@rollcall/common';

/** An organization's pools as the policy reads them, and the fingerprint of that list. */
export interface PoolCatalogEntry {
  pools: PoolSnapshot[];
  structure: string;
}

/**
 * The fingerprint of what the pool policy reads of an organization's pools apart from their seat
 * counts (which pools exist, their names, which is the default): equal exactly while those are.
 * `organization` is the SQL that names the organization. A statement that acts on a choice made
 * from an earlier read of the pools checks it, and does nothing when the list has changed since.
 */
export const POOL_STRUCTURE_SQL = (organization: string) =>
  `(SELECT md5(string_agg(q.id::text || q.is_default::text || length(q.name) || ':' || q.name,
      ',' ORDER BY q.id))
    FROM license_pools q WHERE q.organization_id = ${organization})`;

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

  /**
   * What the pool policy needs of every pool of the organization, in plain SQL (hot path), and the
   * fingerprint of the list (`POOL_STRUCTURE_SQL`).
   */
  async catalog(organizationId: string, manager: EntityManager): Promise<PoolCatalogEntry> {
    const rows = await runStatement<PoolSnapshot & { structure: string }>(
      manager,
      `SELECT id, name, is_default AS "isDefault", capacity, used,
         ${POOL_STRUCTURE_SQL('$1::uuid')} AS structure
       FROM license_pools WHERE organization_id = $1::uuid`,
      [organizationId],
    );
    return {
      pools: rows.map(({ structure: _s, ...pool }) => pool),
      structure: rows[0]?.structure ?? '',
    };
  }

  findDefault(organizationId: string, manager: EntityManager): Promise<LicensePoolEntity | null> {
    return manager.getRepository(LicensePoolEntity).findOneBy({ organizationId, isDefault: true });
  }
}

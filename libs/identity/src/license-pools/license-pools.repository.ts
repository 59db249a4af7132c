import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_POOL_NAME, LicensePoolEntity } from './license-pool.entity';
import type { PoolSnapshot } from './pool-policy';
import { runStatement } from '@rollcall/common';

@Injectable()
export class LicensePoolsRepository {
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

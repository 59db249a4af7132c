import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_POOL_NAME, LicensePoolEntity } from './license-pool.entity';

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

  findDefault(organizationId: string, manager: EntityManager): Promise<LicensePoolEntity | null> {
    return manager.getRepository(LicensePoolEntity).findOneBy({ organizationId, isDefault: true });
  }
}

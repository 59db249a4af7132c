import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, Not } from 'typeorm';
import { SamlSpKeyEntity, type SpKeyUse } from './saml-sp-key.entity';

/** The `saml_sp_keys` table: each organization's SP key pairs, newest first within a use. */
@Injectable()
export class SamlSpKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(SamlSpKeyEntity);
  }

  /** Every key of the organization, newest first (one statement). */
  list(organizationId: string, manager?: EntityManager): Promise<SamlSpKeyEntity[]> {
    return this.repo(manager).find({
      where: { organizationId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  async insert(key: Omit<SamlSpKeyEntity, 'createdAt'>, manager: EntityManager): Promise<void> {
    await this.repo(manager).insert(key);
  }

  /** Deletes the keys of these uses except the ones kept; answers how many went. */
  async deleteExcept(
    organizationId: string,
    uses: SpKeyUse[],
    keep: string[],
    manager: EntityManager,
  ): Promise<number> {
    const result = await this.repo(manager).delete({
      organizationId,
      use: In(uses),
      ...(keep.length > 0 ? { id: Not(In(keep)) } : {}),
    });
    return result.affected ?? 0;
  }
}

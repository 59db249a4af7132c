import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SamlConnectionEntity } from './saml-connection.entity';

/** What an admin sets on a connection: everything but the keys and the timestamps. */
export type SamlConnectionSettings = Omit<
  SamlConnectionEntity,
  'organizationId' | 'organization' | 'createdAt' | 'updatedAt'
>;

/** The `saml_connections` table: at most one IdP connection per organization (its key). */
@Injectable()
export class SamlConnectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(SamlConnectionEntity);
  }

  find(organizationId: string, manager?: EntityManager): Promise<SamlConnectionEntity | null> {
    return this.repo(manager).findOneBy({ organizationId });
  }

  /** The organization's connection, locked for the caller's transaction. */
  lock(organizationId: string, manager: EntityManager): Promise<SamlConnectionEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * Creates or replaces the organization's connection (INSERT … ON CONFLICT on the organization)
   * and answers the stored row, read back for its timestamps: two statements.
   */
  async upsert(
    organizationId: string,
    settings: SamlConnectionSettings,
    manager?: EntityManager,
  ): Promise<SamlConnectionEntity> {
    const repo = this.repo(manager);
    await repo.upsert(repo.create({ organizationId, ...settings }), ['organizationId']);
    return repo.findOneByOrFail({ organizationId });
  }

  /** Deletes the organization's connection; false when there was none. */
  async delete(organizationId: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager).delete({ organizationId });
    return (result.affected ?? 0) > 0;
  }
}

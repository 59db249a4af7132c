import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { runStatement } from '@rollcall/common';
import { AdminApiKeyEntity } from './admin-api-key.entity';

@Injectable()
export class AdminApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(AdminApiKeyEntity);
  }

  insert(
    key: Pick<AdminApiKeyEntity, 'organizationId' | 'name' | 'keyId' | 'secretHash'>,
    manager?: EntityManager,
  ): Promise<AdminApiKeyEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  findActiveByKeyId(keyId: string): Promise<AdminApiKeyEntity | null> {
    return this.repo().findOneBy({ keyId, revokedAt: IsNull() });
  }

  findInOrganization(
    organizationId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<AdminApiKeyEntity | null> {
    return this.repo(manager).findOneBy({ organizationId, id });
  }

  listByOrganization(organizationId: string): Promise<AdminApiKeyEntity[]> {
    return this.repo().find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Locks the organization's active keys (FOR UPDATE, in id order) so concurrent revocations
   * serialize; answers their ids.
   */
  async lockActive(organizationId: string, manager: EntityManager): Promise<string[]> {
    const rows = await runStatement<{ id: string }>(
      manager,
      `SELECT id FROM admin_api_keys
        WHERE organization_id = $1 AND revoked_at IS NULL
        ORDER BY id FOR UPDATE`,
      [organizationId],
    );
    return rows.map((row) => row.id);
  }

  async markRevoked(id: string, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, { revokedAt: () => 'now()' });
  }

  async markUsed(id: string): Promise<void> {
    await this.repo().update({ id }, { lastUsedAt: () => 'now()' });
  }
}

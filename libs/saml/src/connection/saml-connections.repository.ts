import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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

  private repo() {
    return this.dataSource.getRepository(SamlConnectionEntity);
  }

  find(organizationId: string): Promise<SamlConnectionEntity | null> {
    return this.repo().findOneBy({ organizationId });
  }

  /**
   * Creates or replaces the organization's connection (INSERT … ON CONFLICT on the organization)
   * and answers the stored row, read back for its timestamps: two statements.
   */
  async upsert(
    organizationId: string,
    settings: SamlConnectionSettings,
  ): Promise<SamlConnectionEntity> {
    const repo = this.repo();
    await repo.upsert(repo.create({ organizationId, ...settings }), ['organizationId']);
    return repo.findOneByOrFail({ organizationId });
  }

  /** Deletes the organization's connection; false when there was none. */
  async delete(organizationId: string): Promise<boolean> {
    const result = await this.repo().delete({ organizationId });
    return (result.affected ?? 0) > 0;
  }
}

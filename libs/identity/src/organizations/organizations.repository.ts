import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import type { Cursor } from '@rollcall/common';
import { OrganizationEntity, type Plan } from './organization.entity';

export interface NewOrganization {
  name: string;
  slug: string;
  plan: Plan;
  totalLicenses: number;
  proForAllUsers: boolean;
}

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(OrganizationEntity);
  }

  insert(input: NewOrganization, manager: EntityManager): Promise<OrganizationEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(input));
  }

  findById(id: string, manager?: EntityManager): Promise<OrganizationEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  async update(
    id: string,
    changes: Partial<Pick<NewOrganization, 'name' | 'plan' | 'proForAllUsers'>>,
    manager: EntityManager,
  ): Promise<OrganizationEntity> {
    if (Object.keys(changes).length > 0) await this.repo(manager).update({ id }, changes);
    return this.repo(manager).findOneByOrFail({ id });
  }

  /** The organization's row, locked for the caller's transaction (its pools change with it). */
  lockById(id: string, manager: EntityManager): Promise<OrganizationEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('o')
      .where('o.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async setTotalLicenses(id: string, totalLicenses: number, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, { totalLicenses });
  }

  findBySlug(slug: string, manager?: EntityManager): Promise<OrganizationEntity | null> {
    return this.repo(manager).findOneBy({ slug });
  }

  /** Organizations in creation order after `after`, at most `limit`. */
  listAfter(after: Cursor | undefined, limit: number): Promise<OrganizationEntity[]> {
    const query = this.repo()
      .createQueryBuilder('o')
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit);
    if (after) {
      query.where('(o.created_at, o.id) > (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  async exists(): Promise<boolean> {
    return (
      (await this.repo().createQueryBuilder('o').select('1').limit(1).getRawOne()) !== undefined
    );
  }
}

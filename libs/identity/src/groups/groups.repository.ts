import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { type Cursor, runStatement } from '@rollcall/common';
import { GroupEntity } from './group.entity';

/** A page of groups chosen by a SQL condition over the alias `g` (tenant scope added here). */
export interface GroupSearch {
  where?: string;
  params?: unknown[];
  /** SQL expression over `g` to sort by (never user input), then by created_at, id. */
  orderBy?: string;
  descending?: boolean;
  offset: number;
  limit: number;
}

/**
 * The `groups` table: group rows, locked for writes, and the lists over them (memberships live in
 * GroupMembersRepository). Every statement is scoped by the organization.
 */
@Injectable()
export class GroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  private repo(manager?: EntityManager) {
    return this.manager(manager).getRepository(GroupEntity);
  }

  findById(organizationId: string, id: string, manager?: EntityManager) {
    return this.repo(manager).findOneBy({ organizationId, id });
  }

  /** The group row, locked until the caller's transaction ends (concurrent writes take turns). */
  lock(organizationId: string, id: string, manager: EntityManager): Promise<GroupEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('g')
      .where('g.organization_id = :organizationId AND g.id = :id', { organizationId, id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The group holding `displayName` (any case), locked for the caller's transaction. */
  findByDisplayNameForUpdate(
    organizationId: string,
    displayName: string,
    manager: EntityManager,
  ): Promise<GroupEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('g')
      .where(
        'g.organization_id = :organizationId AND lower(g.display_name) = lower(:displayName)',
        { organizationId, displayName },
      )
      .setLock('pessimistic_write')
      .getOne();
  }

  insert(values: Partial<GroupEntity>, manager: EntityManager): Promise<GroupEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(values));
  }

  /** Writes the attributes and moves version and updated_at on, once. */
  async update(
    group: GroupEntity,
    values: Pick<GroupEntity, 'displayName' | 'externalId' | 'scimManaged'>,
    manager: EntityManager,
  ): Promise<GroupEntity> {
    await this.repo(manager)
      .createQueryBuilder()
      .update(GroupEntity)
      .set({ ...values, updatedAt: () => 'clock_timestamp()' })
      .where('organization_id = :organizationId AND id = :id', {
        organizationId: group.organizationId,
        id: group.id,
      })
      .execute();
    return this.repo(manager).findOneByOrFail({
      organizationId: group.organizationId,
      id: group.id,
    });
  }

  async delete(organizationId: string, id: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager).delete({ organizationId, id });
    return (result.affected ?? 0) > 0;
  }

  // ---- lists -------------------------------------------------------------------------------

  async search(organizationId: string, search: GroupSearch): Promise<GroupEntity[]> {
    const direction = search.descending ? 'DESC' : 'ASC';
    const order = search.orderBy
      ? `${search.orderBy} ${direction} NULLS LAST, g.created_at ${direction}, g.id ${direction}`
      : 'g.created_at ASC, g.id ASC';
    const ids = await runStatement<{ id: string }>(
      this.dataSource,
      `SELECT g.id FROM groups g WHERE g.organization_id = $1 ${search.where ? `AND (${search.where})` : ''}
       ORDER BY ${order} OFFSET ${search.offset} LIMIT ${search.limit}`,
      [organizationId, ...(search.params ?? [])],
    );
    if (ids.length === 0) return [];
    const groups = await this.repo().findBy({ organizationId, id: In(ids.map(({ id }) => id)) });
    const byId = new Map(groups.map((g) => [g.id, g]));
    return ids.flatMap(({ id }) => {
      const group = byId.get(id);
      return group ? [group] : [];
    });
  }

  async countWhere(
    organizationId: string,
    where?: string,
    params: unknown[] = [],
  ): Promise<number> {
    const [row] = await runStatement<{ n: number }>(
      this.dataSource,
      `SELECT count(*)::int AS n FROM groups g WHERE g.organization_id = $1 ${where ? `AND (${where})` : ''}`,
      [organizationId, ...params],
    );
    return row?.n ?? 0;
  }

  /** Keyset page in (created_at, id) order; `limit + 1` rows so the caller knows if more follow. */
  page(organizationId: string, limit: number, after: Cursor | undefined): Promise<GroupEntity[]> {
    const query = this.repo()
      .createQueryBuilder('g')
      .where('g.organization_id = :organizationId', { organizationId })
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .limit(limit + 1);
    if (after) {
      query.andWhere('(g.created_at, g.id) > (:at, :id)', { at: after.createdAt, id: after.id });
    }
    return query.getMany();
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import {
  catalogKeyset,
  catalogOrder,
  catalogSortKey,
  type RowPosition,
  type CatalogSearch,
  type Cursor,
  runStatement,
  type SearchColumns,
  sortExpressions,
  textColumn as text,
  timeColumn,
} from '@rollcall/common';
import { GroupEntity } from './group.entity';

/** A search compiled over `GROUP_SEARCH_COLUMNS` (alias `g`), sorted by one of `GROUP_SORT_EXPRESSIONS`. */
export type GroupSearch = CatalogSearch;

/**
 * Where each searchable group attribute lives (alias `g` for `groups`), by lowercased name.
 * `members` is a relation: a condition on it becomes an EXISTS over `group_members` that the
 * (group_id, user_id) primary key serves, counting only the members SCIM can see.
 */
export const GROUP_SEARCH_COLUMNS: SearchColumns = {
  id: text('g.id::text', true),
  externalid: text('g.external_id', true),
  // lower(display_name) = lower($n): the unique (organization_id, lower(display_name)) index serves it.
  displayname: text('g.display_name'),
  created: timeColumn('g.created_at'),
  lastmodified: timeColumn('g.updated_at'),
  members: {
    kind: 'relation',
    subAttributes: {
      value: { sql: 'gm.user_id', type: 'string', caseExact: true, uuid: true },
      display: { sql: 'COALESCE(mu.display_name, mu.user_name)', type: 'string', caseExact: false },
      type: { sql: `'User'`, type: 'string', caseExact: false },
    },
    exists: (condition) =>
      'EXISTS (SELECT 1 FROM group_members gm JOIN users mu ON mu.id = gm.user_id ' +
      `WHERE gm.group_id = g.id AND mu.scim_visible AND mu.status <> 'anonymized' AND ${condition})`,
  },
};

/** Sort keys: the single-valued attributes. */
export const GROUP_SORT_EXPRESSIONS: Readonly<Record<string, string>> =
  sortExpressions(GROUP_SEARCH_COLUMNS);

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
    const ids = await runStatement<{ id: string }>(
      this.dataSource,
      `SELECT g.id FROM groups g WHERE g.organization_id = $1 ${search.where ? `AND (${search.where})` : ''}
       ORDER BY ${catalogOrder(search, 'g')} OFFSET ${search.offset} LIMIT ${search.limit}`,
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

  /**
   * A cursor page (RFC 9865): the `limit` + 1 groups on from the search's keyset (from the start
   * without one) in the direction it reads, with their positions; no count, no offset.
   */
  async cursorPage(
    organizationId: string,
    search: GroupSearch,
  ): Promise<{ groups: GroupEntity[]; positions: RowPosition[] }> {
    const params: unknown[] = [organizationId, ...(search.params ?? [])];
    const param = (value: unknown) => `$${params.push(value)}`;
    const keyset = catalogKeyset(search, 'g', param);
    const sortKey = catalogSortKey(search);
    const rows = await runStatement<{
      id: string;
      created_at: Date | string;
      sort_key?: string | null;
    }>(
      this.dataSource,
      `SELECT g.id, g.created_at${sortKey ? `, ${sortKey} AS sort_key` : ''} FROM groups g
       WHERE g.organization_id = $1 ${search.where ? `AND (${search.where})` : ''} ${keyset ? `AND ${keyset}` : ''}
       ORDER BY ${catalogOrder(search, 'g')} LIMIT ${param(search.limit + 1)}::int`,
      params,
    );
    if (rows.length === 0) return { groups: [], positions: [] };
    const found = await this.repo().findBy({ organizationId, id: In(rows.map(({ id }) => id)) });
    const byId = new Map(found.map((g) => [g.id, g]));
    const kept = rows.flatMap((row) => {
      const group = byId.get(row.id);
      return group ? [{ row, group }] : [];
    });
    return {
      groups: kept.map(({ group }) => group),
      positions: kept.map(({ row }) => ({
        createdAt: new Date(row.created_at).toISOString(),
        id: row.id,
        ...(sortKey ? { sortKey: row.sort_key ?? null } : {}),
      })),
    };
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

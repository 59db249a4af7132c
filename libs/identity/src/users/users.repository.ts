import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LicensePoolEntity } from '../license-pools/license-pool.entity';
import { UserEntity } from './user.entity';

export interface UserRow {
  user: UserEntity;
  pool: { id: string; name: string; isDefault: boolean };
}

/** A page of users chosen by a SQL condition over the alias `u` (tenant scope added here). */
export interface UserSearch {
  where?: string;
  params?: unknown[];
  /** SQL expression over `u` to sort by (never user input), then by created_at, id. */
  orderBy?: string;
  descending?: boolean;
  offset: number;
  limit: number;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(UserEntity);
  }

  private async withPool(
    user: UserEntity | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserRow | null> {
    if (!user) return null;
    const pool = await manager
      .getRepository(LicensePoolEntity)
      .findOneByOrFail({ id: user.licensePoolId, organizationId: user.organizationId });
    return { user, pool: { id: pool.id, name: pool.name, isDefault: pool.isDefault } };
  }

  async findById(
    organizationId: string,
    id: string,
    manager?: EntityManager,
    lock = false,
  ): Promise<UserRow | null> {
    const query = this.repo(manager)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId AND u.id = :id', { organizationId, id });
    if (lock) query.setLock('pessimistic_write');
    return this.withPool(await query.getOne(), manager);
  }

  /** The user holding `userName` (any case), locked for the caller's transaction. */
  async findByUserNameForUpdate(
    organizationId: string,
    userName: string,
    manager: EntityManager,
  ): Promise<UserRow | null> {
    const user = await this.repo(manager)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId AND lower(u.user_name) = lower(:userName)', {
        organizationId,
        userName,
      })
      .setLock('pessimistic_write')
      .getOne();
    return this.withPool(user, manager);
  }

  /**
   * The user a sign-in names, locked: whose userName or primary email equals one of `identifiers`
   * (any case), preferring a userName match, then the oldest. Anonymized users are never found.
   */
  async findForSignInForUpdate(
    organizationId: string,
    identifiers: string[],
    manager: EntityManager,
  ): Promise<UserRow | null> {
    const values = [...new Set(identifiers.map((i) => i.trim().toLowerCase()).filter(Boolean))];
    if (values.length === 0) return null;
    const user = await this.repo(manager)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId })
      .andWhere(`u.status <> 'anonymized'`)
      // primary_email is stored lowercased: compared as is, so its index serves the lookup.
      .andWhere('(lower(u.user_name) IN (:...values) OR u.primary_email IN (:...values))', {
        values,
      })
      .orderBy('CASE WHEN lower(u.user_name) IN (:...values) THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(1)
      .setLock('pessimistic_write')
      .getOne();
    return this.withPool(user, manager);
  }

  create(values: Partial<UserEntity>, manager: EntityManager): UserEntity {
    return this.repo(manager).create(values);
  }

  save(user: UserEntity, manager: EntityManager): Promise<UserEntity> {
    return this.repo(manager).save(user);
  }

  async search(organizationId: string, search: UserSearch): Promise<UserRow[]> {
    const params = [organizationId, ...(search.params ?? [])];
    const direction = search.descending ? 'DESC' : 'ASC';
    const order = search.orderBy
      ? `${search.orderBy} ${direction} NULLS LAST, u.created_at ${direction}, u.id ${direction}`
      : 'u.created_at ASC, u.id ASC';
    const ids = await this.dataSource.query<{ id: string }[]>(
      `SELECT u.id FROM users u WHERE u.organization_id = $1 ${search.where ? `AND (${search.where})` : ''}
       ORDER BY ${order} OFFSET ${search.offset} LIMIT ${search.limit}`,
      params,
    );
    return this.loadRows(organizationId, ids);
  }

  /**
   * A keyset page: users matching `where` ordered by `(orderBy, id)` in one direction, each with
   * `lower(user_name)` (the userName sort key as PostgreSQL compares it).
   */
  async keysetPage(
    organizationId: string,
    page: {
      where?: string;
      params?: unknown[];
      orderBy: string;
      descending: boolean;
      limit: number;
    },
  ): Promise<{ row: UserRow; lowerUserName: string }[]> {
    const direction = page.descending ? 'DESC' : 'ASC';
    const ids = await this.dataSource.query<{ id: string; lun: string }[]>(
      `SELECT u.id, lower(u.user_name) AS lun FROM users u
       WHERE u.organization_id = $1 ${page.where ? `AND (${page.where})` : ''}
       ORDER BY ${page.orderBy} ${direction}, u.id ${direction} LIMIT ${page.limit}`,
      [organizationId, ...(page.params ?? [])],
    );
    const rows = await this.loadRows(organizationId, ids);
    const lun = new Map(ids.map(({ id, lun }) => [id, lun]));
    return rows.map((row) => ({ row, lowerUserName: lun.get(row.user.id) ?? '' }));
  }

  private async loadRows(organizationId: string, ids: { id: string }[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const users = await this.repo().findBy(ids.map(({ id }) => ({ id, organizationId })));
    const pools = await this.dataSource
      .getRepository(LicensePoolEntity)
      .findBy(
        [...new Set(users.map((u) => u.licensePoolId))].map((id) => ({ id, organizationId })),
      );
    const byId = new Map(users.map((u) => [u.id, u]));
    const poolById = new Map(pools.map((p) => [p.id, p]));
    return ids.flatMap(({ id }) => {
      const user = byId.get(id);
      const pool = user && poolById.get(user.licensePoolId);
      return user && pool
        ? [{ user, pool: { id: pool.id, name: pool.name, isDefault: pool.isDefault } }]
        : [];
    });
  }

  async count(organizationId: string, where?: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM users u WHERE u.organization_id = $1 ${where ? `AND (${where})` : ''}`,
      [organizationId, ...params],
    );
    return row?.n ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LicensePoolEntity } from '../license-pools/license-pool.entity';
import { UserEntity } from './user.entity';
import { runStatement } from '@rollcall/common';

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

  /** A new, unsaved user (its columns only: what `Repository.create` makes, without the metadata walk). */
  create(values: Partial<UserEntity>): UserEntity {
    return Object.assign(new UserEntity(), values);
  }

  save(user: UserEntity, manager: EntityManager): Promise<UserEntity> {
    return this.repo(manager).save(user);
  }

  /**
   * Inserts a new user in one plain INSERT (the hot path of SCIM creates: no query builder, no
   * entity persistence machinery) and fills in what the database generated. Every column is
   * written as `save()` would write it (`version` starts at 1). `ifNameFree`: when another user
   * holds the userName (any case), nothing is written and the answer is null, where otherwise
   * the unique index refuses the row.
   */
  async insert(
    user: UserEntity,
    manager: EntityManager,
    ifNameFree = false,
  ): Promise<UserEntity | null> {
    const [row] = await runStatement<{ id: string; created_at: Date; updated_at: Date }>(
      manager,
      `INSERT INTO users (organization_id, user_name, external_id, formatted_name, given_name,
         family_name, middle_name, honorific_prefix, honorific_suffix, display_name, nick_name,
         profile_url, title, user_type, preferred_language, locale, timezone, emails, email_values,
         primary_email, phone_numbers, addresses, ims, photos, enterprise, role, license_pool_id,
         license_tier, status, scim_managed, scim_visible, first_login_at, last_login_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
         $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, 1)
       ${ifNameFree ? 'ON CONFLICT (organization_id, lower(user_name)) DO NOTHING' : ''}
       RETURNING id, created_at, updated_at`,
      [
        user.organizationId,
        user.userName,
        user.externalId,
        user.formattedName,
        user.givenName,
        user.familyName,
        user.middleName,
        user.honorificPrefix,
        user.honorificSuffix,
        user.displayName,
        user.nickName,
        user.profileUrl,
        user.title,
        user.userType,
        user.preferredLanguage,
        user.locale,
        user.timezone,
        JSON.stringify(user.emails),
        user.emailValues,
        user.primaryEmail,
        JSON.stringify(user.phoneNumbers),
        JSON.stringify(user.addresses),
        JSON.stringify(user.ims),
        JSON.stringify(user.photos),
        JSON.stringify(user.enterprise),
        user.role,
        user.licensePoolId,
        user.licenseTier,
        user.status,
        user.scimManaged,
        user.scimVisible,
        user.firstLoginAt,
        user.lastLoginAt,
      ],
    );
    if (!row) {
      if (ifNameFree) return null;
      throw new Error('INSERT INTO users returned no row');
    }
    user.id = row.id;
    user.createdAt = new Date(row.created_at);
    user.updatedAt = new Date(row.updated_at);
    user.version = 1;
    return user;
  }

  async search(organizationId: string, search: UserSearch): Promise<UserRow[]> {
    const params = [organizationId, ...(search.params ?? [])];
    const direction = search.descending ? 'DESC' : 'ASC';
    const order = search.orderBy
      ? `${search.orderBy} ${direction} NULLS LAST, u.created_at ${direction}, u.id ${direction}`
      : 'u.created_at ASC, u.id ASC';
    const ids = await runStatement<{ id: string }>(
      this.dataSource,
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
    const ids = await runStatement<{ id: string; lun: string }>(
      this.dataSource,
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
    const [row] = await runStatement<{ n: number }>(
      this.dataSource,
      `SELECT count(*)::int AS n FROM users u WHERE u.organization_id = $1 ${where ? `AND (${where})` : ''}`,
      [organizationId, ...params],
    );
    return row?.n ?? 0;
  }
}

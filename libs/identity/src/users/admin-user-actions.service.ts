import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import { EventsRepository } from '../events/events.repository';
import { GroupCore } from '../groups/group-core.service';
import { GroupMembersRepository } from '../groups/group-members.repository';
import { OutboxRepository } from '../outbox/outbox.repository';
import {
  type AdminUserCriteria,
  type AdminUserListItem,
  type AdminUserPosition,
  type AdminUserSort,
  adminUserQuery,
  positionOf,
} from './admin-user-query';
import { PersonalDataHolders } from './personal-data';
import { UserCore } from './user-core.service';
import type { Role } from './user.entity';
import { applyProfile, toUser, type User } from './user.model';
import { emptyProfile } from './user-profiles';
import { type UserRow, UsersRepository } from './users.repository';

/** What the admin API knows about the caller's organization when it changes a user. */
export interface AdminUserOptions {
  /** SCIM is enabled: SCIM-managed users' status belongs to the IdP. */
  protectScimManaged: boolean;
}

/**
 * The admin channel of the user lifecycle (SPEC §2): read and list any user, move it to another
 * pool (the pool policy's `admin_move` channel), change its role, deactivate, reactivate and
 * anonymize it. Each change is one transaction.
 */
@Injectable()
export class AdminUserActions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly groups: GroupMembersRepository,
    private readonly outbox: OutboxRepository,
    private readonly core: UserCore,
    private readonly personalData: PersonalDataHolders,
    private readonly groupCore: GroupCore,
    private readonly events: EventsRepository,
  ) {}

  /** A user as its organization's admins see it (any status). */
  async getForAdmin(organizationId: string, id: string): Promise<User> {
    const row = await this.users.findById(organizationId, id);
    if (!row) throw DomainError.notFound('User');
    return toUser(row.user, row.pool);
  }

  /**
   * The admin list: any status, filtered by structured criteria, in `sort` order with ties broken by
   * id, keyset-paged on (sort key, id) so that a page costs the same wherever it starts and rows
   * are neither skipped nor repeated.
   */
  async listForAdmin(
    organizationId: string,
    criteria: AdminUserCriteria,
    sort: AdminUserSort,
    limit: number,
    after?: AdminUserPosition,
  ): Promise<AdminUserListItem[]> {
    const query = adminUserQuery(criteria, sort, limit, after);
    const rows = await this.users.adminPage(organizationId, query);
    return rows.map(({ row, lowerUserName }) => {
      const user = toUser(row.user, row.pool);
      return { user, position: positionOf(query.field, user, lowerUserName) };
    });
  }

  /**
   * An admin deactivates a user: its seat is released. Refused for SCIM-managed users while SCIM
   * is enabled (the IdP owns their status) and for anonymized users; a deactivated user stays so.
   */
  deactivateByAdmin(
    organizationId: string,
    id: string,
    options: AdminUserOptions,
    actor: Actor,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForStatusChange(
        organizationId,
        id,
        'deactivate',
        options,
        manager,
      );
      await this.core.setActive(row, false, manager);
      return this.core.save(row, actor, manager);
    });
  }

  /**
   * An admin reactivates a deactivated user, under the rules of SCIM reactivation: back to `active`
   * with a seat if it signed in before (refused with `pool_full` when its pool has none), else
   * `provisioned`; the reactivation email is queued. A user that is not deactivated is unchanged.
   */
  reactivateByAdmin(
    organizationId: string,
    id: string,
    options: AdminUserOptions,
    actor: Actor,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockForStatusChange(
        organizationId,
        id,
        'reactivate',
        options,
        manager,
      );
      await this.core.setActive(row, true, manager, 'pool_full');
      return this.core.save(row, actor, manager);
    });
  }

  /**
   * Erases a deactivated user's personal data, irreversibly (SPEC §2): every profile field of the
   * row (userName becomes `anonymized-<id>`), its memberships and its address in the outbox, and
   * what the other modules hold (the provisioning and sign-in logs, as registered with
   * `PersonalDataHolders`), in one transaction. The row stays, `anonymized`, so counts and history keep adding up; SCIM and
   * SSO never see it again. Its earlier events lose the personal data of their representation.
   */
  async anonymize(organizationId: string, id: string, actor: Actor): Promise<User> {
    await this.personalData.beforeErasure();
    return this.dataSource.transaction(async (manager) => {
      const row = await this.core.lockChangeable(organizationId, id, manager);
      const { user } = row;
      if (user.status !== 'deactivated') {
        throw new DomainError(
          'user_not_deactivated',
          user.scimManaged
            ? `Only deactivated users can be anonymized, and this user is ${user.status}. It is managed by the organization's identity provider through SCIM: deprovision it there first (unassign it from the Rollcall app, or deactivate or delete it), then anonymize it.`
            : `Only deactivated users can be anonymized, and this user is ${user.status}: deactivate it first (POST /api/v1/users/${user.id}/deactivate).`,
        );
      }
      const placeholder = `anonymized-${user.id}`;
      const oldUserName = user.userName;
      const oldAddresses = [...user.emailValues, ...(user.primaryEmail ? [user.primaryEmail] : [])];
      applyProfile(user, emptyProfile(placeholder));
      user.status = 'anonymized';
      user.scimVisible = false;
      const left = await this.groups.removeUserFromAllGroups(organizationId, user.id, manager);
      await this.groupCore.recordMemberChanges(
        organizationId,
        left.map((groupId) => ({ groupId, members: { added: [], removed: [user.id] } })),
        actor,
        manager,
      );
      await this.outbox.eraseRecipient(organizationId, user.id, oldAddresses, placeholder, manager);
      await this.events.erasePersonalData(organizationId, user.id, placeholder, manager);
      await this.personalData.eraseUser(
        { organizationId, userId: user.id, oldUserName, placeholder },
        manager,
      );
      return this.core.save(row, actor, manager);
    });
  }

  /**
   * An admin changes a user's pool and/or role, both or neither (one transaction). A move goes
   * through the pool policy's `admin_move` channel: a seated user takes a seat in the new pool first
   * (refused when it is full) and frees the old one; allowed for SCIM-managed users too (SSO may
   * move them back). A role: never through SCIM or SSO (SPEC §2), and never away from the
   * organization's last admin. Anonymized users are refused.
   */
  updateByAdmin(
    organizationId: string,
    id: string,
    changes: { role?: Role; licensePoolId?: string },
    actor: Actor,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.core.lockChangeable(organizationId, id, manager);
      const moved =
        changes.licensePoolId !== undefined &&
        (await this.core.assignPool(
          row,
          { present: true, poolId: changes.licensePoolId },
          'admin_move',
          manager,
        ));
      const promoted =
        changes.role !== undefined && (await this.setRole(row, changes.role, manager));
      return moved || promoted ? this.core.save(row, actor, manager) : toUser(row.user, row.pool);
    });
  }

  /** Gives a locked user's row a role; false when it has it already. */
  private async setRole(row: UserRow, role: Role, manager: EntityManager): Promise<boolean> {
    if (row.user.role === role) return false;
    if (row.user.role === 'admin') {
      if ((await this.users.lockAdmins(row.user.organizationId, manager)) <= 1) {
        throw new DomainError(
          'last_admin',
          'This is the organization’s last admin; make another user an admin before changing this one’s role.',
        );
      }
    }
    row.user.role = role;
    return true;
  }

  private async lockForStatusChange(
    organizationId: string,
    id: string,
    action: 'deactivate' | 'reactivate',
    options: AdminUserOptions,
    manager: EntityManager,
  ): Promise<UserRow> {
    const row = await this.core.lockChangeable(organizationId, id, manager);
    if (row.user.scimManaged && options.protectScimManaged) {
      throw new DomainError(
        'scim_managed',
        `The user "${row.user.userName}" is managed by the organization's identity provider through SCIM, which decides whether it is active; ${action} it in the identity provider (or disable SCIM first).`,
      );
    }
    return row;
  }
}

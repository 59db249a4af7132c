import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import type { GroupEntity } from './group.entity';
import { type GroupSummary, toGroup } from './group.model';
import type { MembersChanged } from './group-events';
import { checkDisplayName, GroupCore, translateUniqueViolation } from './group-core.service';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

/** How admin writes treat SCIM-managed groups. */
export interface AdminWriteOptions {
  /** True while SCIM manages the organization: SCIM-managed groups are then read-only (SPEC §2). */
  protectScimManaged: boolean;
}

/**
 * What an admin does to groups by hand: create, rename and delete them, add and remove members.
 * Each action is one transaction over the locked group row; while SCIM manages the organization, the
 * groups it manages are read-only here.
 */
@Injectable()
export class AdminGroupActions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly core: GroupCore,
    private readonly groups: GroupsRepository,
    private readonly reads: GroupsService,
  ) {}

  /** A group an admin makes and edits by hand (not SCIM-managed). */
  async createManual(organizationId: string, name: string, actor: Actor): Promise<GroupSummary> {
    const displayName = checkDisplayName(name);
    const group = await translateUniqueViolation(displayName, () =>
      this.dataSource.transaction(async (manager) => {
        await this.core.checkNameFree(organizationId, undefined, displayName, manager);
        const inserted = await this.groups.insert(
          { organizationId, displayName, externalId: null, scimManaged: false },
          manager,
        );
        await this.core.recordChange(inserted, { created: true }, actor, manager);
        return inserted;
      }),
    );
    return { ...toGroup(group), memberCount: 0 };
  }

  async rename(
    organizationId: string,
    id: string,
    name: string,
    options: AdminWriteOptions,
    actor: Actor,
  ): Promise<GroupSummary> {
    const displayName = checkDisplayName(name);
    await translateUniqueViolation(displayName, () =>
      this.adminWrite(organizationId, id, options, async (group, manager) => {
        if (displayName === group.displayName) return;
        await this.core.checkNameFree(organizationId, group.id, displayName, manager);
        await this.groups.update(
          group,
          { displayName, externalId: group.externalId, scimManaged: group.scimManaged },
          manager,
        );
        await this.core.recordChange(group, { changed: ['displayName'] }, actor, manager);
      }),
    );
    return this.reads.summary(organizationId, id);
  }

  async deleteManual(
    organizationId: string,
    id: string,
    options: AdminWriteOptions,
    actor: Actor,
  ): Promise<void> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      await this.core.recordDeletion(group, actor, manager);
      await this.groups.delete(organizationId, group.id, manager);
    });
  }

  async addMembers(
    organizationId: string,
    id: string,
    userIds: string[],
    options: AdminWriteOptions,
    actor: Actor,
  ): Promise<GroupSummary> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      const members = await this.core.applyMemberChange(
        group,
        { op: 'add', userIds },
        'all',
        manager,
      );
      await this.recordMembers(group, members, actor, manager);
    });
    return this.reads.summary(organizationId, id);
  }

  async removeMember(
    organizationId: string,
    id: string,
    userId: string,
    options: AdminWriteOptions,
    actor: Actor,
  ): Promise<void> {
    await this.adminWrite(organizationId, id, options, async (group, manager) => {
      const members = await this.core.applyMemberChange(
        group,
        { op: 'remove', userIds: [userId] },
        'all',
        manager,
      );
      if (members.removed.length === 0) throw DomainError.notFound('Membership');
      await this.recordMembers(group, members, actor, manager);
    });
  }

  /** After a member change: the events, when anything changed. */
  private async recordMembers(
    group: GroupEntity,
    members: MembersChanged,
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    if (members.added.length + members.removed.length === 0) return;
    await this.core.recordChange(group, { members }, actor, manager);
  }

  /** Locks the group, refuses a SCIM-managed one when SCIM is on, then runs `work`. */
  private async adminWrite(
    organizationId: string,
    id: string,
    options: AdminWriteOptions,
    work: (group: GroupEntity, manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = await this.core.lock(organizationId, id, manager);
      if (group.scimManaged && options.protectScimManaged) {
        throw new DomainError(
          'scim_managed',
          `The group "${group.displayName}" is managed by the organization's identity provider ` +
            'through SCIM and is read-only here; change it in the identity provider.',
        );
      }
      await work(group, manager);
    });
  }
}

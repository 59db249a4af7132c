import { Injectable } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import { EventsRepository } from '../events/events.repository';
import { groupChangeEvents, type MembersChanged } from './group-events';
import type { GroupEntity } from './group.entity';
import { MAX_DISPLAY_NAME_LENGTH, type MemberChange } from './group.model';
import { GroupMembersRepository, type MemberScope } from './group-members.repository';
import { GroupsRepository } from './groups.repository';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Trimmed, non-empty, at most 256 characters. */
export function checkDisplayName(displayName: string): string {
  const trimmed = displayName.trim();
  if (trimmed === '') {
    throw new DomainError(
      'invalid_value',
      'displayName is required and must be a non-empty string.',
    );
  }
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new DomainError(
      'invalid_value',
      `displayName is longer than ${MAX_DISPLAY_NAME_LENGTH} characters.`,
    );
  }
  return trimmed;
}

export function displayNameTaken(displayName: string): DomainError {
  return new DomainError('uniqueness', `A group with displayName "${displayName}" already exists.`);
}

/** The If-Match check of SCIM writes: `expected` (when given) must be the group's version. */
export function checkVersion(group: GroupEntity, expected: number | undefined): void {
  if (expected !== undefined && expected !== group.version) {
    throw new DomainError(
      'precondition_failed',
      `The group has changed (version ${group.version}, If-Match named ${expected}); read it again.`,
    );
  }
}

/** Distinct ids, lowercased (UUIDs compare in any case). */
export function distinct(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.trim().toLowerCase()))];
}

/**
 * Runs `work`, turning a race lost on the unique display name (two writers taking one name at once)
 * into the same uniqueness error the name check gives.
 */
export async function translateUniqueViolation<T>(
  displayName: string | (() => string),
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDisplayNameViolation(error)) {
      throw displayNameTaken(typeof displayName === 'string' ? displayName : displayName());
    }
    throw error;
  }
}

function isDisplayNameViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })
    .driverError;
  return (
    error instanceof QueryFailedError &&
    driverError?.code === '23505' &&
    driverError.constraint === 'groups_org_display_name_key'
  );
}

/**
 * What every group write shares (SCIM writes, admin actions): the group row locked for the change,
 * the display name kept unique, and member changes checked and applied as set-based SQL on the
 * listed ids only. Each method runs in the caller's transaction (`manager`).
 */
@Injectable()
export class GroupCore {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly members: GroupMembersRepository,
    private readonly events: EventsRepository,
  ) {}

  /** The group's row, locked for this transaction; not found as 404. */
  async lock(organizationId: string, id: string, manager: EntityManager): Promise<GroupEntity> {
    const group = await this.groups.lock(organizationId, id, manager);
    if (!group) throw DomainError.notFound('Group');
    return group;
  }

  /** Refuses `displayName` when another group (any case) holds it; locks the holder's row. */
  async checkNameFree(
    organizationId: string,
    id: string | undefined,
    displayName: string,
    manager: EntityManager,
  ): Promise<void> {
    const clash = await this.groups.findByDisplayNameForUpdate(
      organizationId,
      displayName,
      manager,
    );
    if (clash && clash.id !== id) throw displayNameTaken(displayName);
  }

  /** Applies one member change in SQL; answers the users added and removed. */
  async applyMemberChange(
    group: GroupEntity,
    change: MemberChange,
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<MembersChanged> {
    const { organizationId, id } = group;
    switch (change.op) {
      case 'add': {
        const ids = distinct(change.userIds);
        await this.checkMembers(organizationId, ids, scope, manager);
        return {
          added: await this.members.addMembers(organizationId, id, ids, manager),
          removed: [],
        };
      }
      case 'remove': {
        const ids = distinct(change.userIds).filter((userId) => UUID.test(userId));
        const removed = await this.members.removeMembers(organizationId, id, ids, scope, manager);
        return { added: [], removed };
      }
      case 'removeAll': {
        const removed = await this.members.removeMembersExcept(
          organizationId,
          id,
          [],
          scope,
          manager,
        );
        return { added: [], removed };
      }
      case 'replace': {
        const ids = distinct(change.userIds);
        await this.checkMembers(organizationId, ids, scope, manager);
        const removed = await this.members.removeMembersExcept(
          organizationId,
          id,
          ids,
          scope,
          manager,
        );
        return { added: await this.members.addMembers(organizationId, id, ids, manager), removed };
      }
    }
  }

  /** Writes the events of a change to a group (as it is now in this transaction), acted by `actor`. */
  async recordChange(
    group: { organizationId: string; id: string },
    change: Parameters<typeof groupChangeEvents>[1],
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    await this.events.appendForGroups(
      group.organizationId,
      groupChangeEvents(group.id, change),
      actor,
      manager,
    );
  }

  /**
   * `group.deleted`, with the group as it was: written before the row goes (the members it had
   * are in `memberCount`; no `group.members_removed` follows).
   */
  async recordDeletion(
    group: { organizationId: string; id: string },
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    await this.events.appendForGroups(
      group.organizationId,
      [{ groupId: group.id, type: 'group.deleted' }],
      actor,
      manager,
    );
  }

  /** Writes the events of several groups' member changes (a user joining and leaving groups). */
  async recordMemberChanges(
    organizationId: string,
    changes: { groupId: string; members: MembersChanged }[],
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    await this.events.appendForGroups(
      organizationId,
      changes.flatMap(({ groupId, members }) => groupChangeEvents(groupId, { members })),
      actor,
      manager,
    );
  }

  /**
   * Every id must name a user of the organization (for SCIM: one SCIM can see). An id that names a
   * group is refused with its own message: nested groups are not supported.
   */
  async checkMembers(
    organizationId: string,
    ids: string[],
    scope: MemberScope,
    manager: EntityManager,
  ): Promise<void> {
    if (ids.length === 0) return;
    const wellFormed = ids.filter((id) => UUID.test(id));
    const users = await this.members.existingUserIds(organizationId, wellFormed, scope, manager);
    const missing = ids.filter((id) => !users.has(id));
    if (missing.length === 0) return;
    const groups = await this.members.existingGroupIds(
      organizationId,
      missing.filter((id) => UUID.test(id)),
      manager,
    );
    const nested = missing.find((id) => groups.has(id));
    if (nested !== undefined) {
      throw new DomainError(
        'invalid_value',
        `Member "${nested}" is a group: nested groups are not supported; add the group's users instead.`,
      );
    }
    const others = missing.length - 1;
    throw new DomainError(
      'invalid_value',
      `Member "${shorten(missing[0] ?? '')}" is not a user of this organization` +
        `${others > 0 ? ` (nor ${others === 1 ? 'is 1 other id' : `are ${others} other ids`})` : ''}; nothing was changed.`,
    );
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@rollcall/common';
import { type Group, type GroupAttributes, type MemberChange, toGroup } from './group.model';
import {
  checkDisplayName,
  checkVersion,
  displayNameTaken,
  distinct,
  GroupCore,
  translateUniqueViolation,
  UUID,
} from './group-core.service';
import type { Actor } from '../events/event.model';
import { mergeMemberChanges, NO_MEMBER_CHANGE } from './group-events';
import { GroupMembersRepository } from './group-members.repository';
import { GroupsRepository } from './groups.repository';

export interface ScimGroupWrite extends GroupAttributes {
  /**
   * The complete member list (POST, PUT). Undefined: the body had no `members` attribute — a
   * create makes an empty group, a replace keeps the members (RFC 7644 §3.5.1: an omitted
   * attribute is not asserted; Okta's PUT-based apps rename a group with a PUT that leaves its
   * members out). An empty list clears them.
   */
  memberIds?: string[];
}

/**
 * The SCIM use cases of groups: create, replace, modify (PATCH) and delete. Every write is one
 * transaction that first locks the group row, so concurrent writes to one group apply one after the
 * other and none is lost; SCIM sees only the memberships of users SCIM can see.
 */
@Injectable()
export class ScimGroupWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly core: GroupCore,
    private readonly groups: GroupsRepository,
    private readonly members: GroupMembersRepository,
  ) {}

  /**
   * SCIM create with its members. A displayName held by a group SCIM does not manage takes that
   * group over (like users, SPEC §2): it becomes SCIM-managed with exactly the posted members.
   */
  async scimCreate(organizationId: string, write: ScimGroupWrite, actor: Actor): Promise<Group> {
    const displayName = checkDisplayName(write.displayName);
    return translateUniqueViolation(displayName, () =>
      this.dataSource.transaction(async (manager) => {
        const memberIds = distinct(write.memberIds ?? []);
        await this.core.checkMembers(organizationId, memberIds, 'scim', manager);
        const existing = await this.groups.findByDisplayNameForUpdate(
          organizationId,
          displayName,
          manager,
        );
        if (existing?.scimManaged) throw displayNameTaken(displayName);
        if (existing) {
          const before = toGroup(existing);
          const removed = await this.members.removeMembersExcept(
            organizationId,
            existing.id,
            memberIds,
            'scim',
            manager,
          );
          const added = await this.members.addMembers(
            organizationId,
            existing.id,
            memberIds,
            manager,
          );
          const updated = toGroup(
            await this.groups.update(
              existing,
              { displayName, externalId: write.externalId, scimManaged: true },
              manager,
            ),
          );
          await this.core.recordChange(
            updated,
            { changed: changedAttributes(before, updated), members: { added, removed } },
            actor,
            manager,
          );
          return updated;
        }
        const group = await this.groups.insert(
          { organizationId, displayName, externalId: write.externalId, scimManaged: true },
          manager,
        );
        const added = await this.members.addMembers(organizationId, group.id, memberIds, manager);
        await this.core.recordChange(
          group,
          { created: true, members: { added, removed: [] } },
          actor,
          manager,
        );
        return toGroup(group);
      }),
    );
  }

  /**
   * SCIM PUT: the attributes and the complete member list as they should now be; without a member
   * list (`memberIds` undefined) the members stay as they are.
   */
  scimReplace(
    organizationId: string,
    id: string,
    write: ScimGroupWrite,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<Group> {
    return this.scimModify(
      organizationId,
      id,
      expectedVersion,
      () => write,
      write.memberIds === undefined ? [] : [{ op: 'replace', userIds: write.memberIds }],
      actor,
    );
  }

  /**
   * SCIM PATCH: `compute` turns the current group into its new attributes (or undefined for no
   * change) while the row is locked; then the member changes apply in order. Version and
   * lastModified move once, and only when something changed.
   */
  scimModify(
    organizationId: string,
    id: string,
    expectedVersion: number | undefined,
    compute: (current: Group) => GroupAttributes | undefined,
    members: MemberChange[],
    actor: Actor,
  ): Promise<Group> {
    let displayName = '';
    return translateUniqueViolation(
      () => displayName,
      () =>
        this.dataSource.transaction(async (manager) => {
          const group = await this.core.lock(organizationId, id, manager);
          checkVersion(group, expectedVersion);
          const attributes = compute(toGroup(group));
          const next = attributes
            ? {
                displayName: checkDisplayName(attributes.displayName),
                externalId: attributes.externalId,
              }
            : { displayName: group.displayName, externalId: group.externalId };
          displayName = next.displayName;
          if (next.displayName !== group.displayName) {
            await this.core.checkNameFree(organizationId, group.id, next.displayName, manager);
          }
          let changed = NO_MEMBER_CHANGE;
          for (const change of members) {
            const applied = await this.core.applyMemberChange(group, change, 'scim', manager);
            changed = mergeMemberChanges(changed, applied);
          }
          const before = toGroup(group);
          if (
            changed.added.length + changed.removed.length === 0 &&
            group.scimManaged &&
            next.displayName === group.displayName &&
            next.externalId === group.externalId
          ) {
            return before;
          }
          const updated = toGroup(
            await this.groups.update(group, { ...next, scimManaged: true }, manager),
          );
          await this.core.recordChange(
            updated,
            { changed: changedAttributes(before, updated), members: changed },
            actor,
            manager,
          );
          return updated;
        }),
    );
  }

  /**
   * SCIM PATCH that only adds or only removes members (the commonest: one operation, no attribute):
   * one statement when it succeeds as sent; anything else (a missing group, a version mismatch, a
   * member SCIM cannot see, an id that is no UUID) takes `scimModify`, which refuses it with the
   * full reason. Answers the group's version.
   */
  async scimChangeMembers(
    organizationId: string,
    id: string,
    expectedVersion: number | undefined,
    change: Extract<MemberChange, { op: 'add' | 'remove' }>,
    actor: Actor,
  ): Promise<{ version: number }> {
    const ids = distinct(change.userIds);
    const wellFormed = ids.filter((userId) => UUID.test(userId));
    if (change.op === 'remove' || wellFormed.length === ids.length) {
      const { outcome, version } = await this.members.changeInOneStatement(
        organizationId,
        id,
        expectedVersion,
        change.op,
        wellFormed,
        actor,
      );
      if ((outcome === 'changed' || outcome === 'unchanged') && version !== null) {
        return { version };
      }
    }
    const group = await this.scimModify(
      organizationId,
      id,
      expectedVersion,
      () => undefined,
      [change],
      actor,
    );
    return { version: group.version };
  }

  /** SCIM DELETE: the group and its memberships go, the users stay; If-Match must match when given. */
  async scimDelete(
    organizationId: string,
    id: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = await this.groups.lock(organizationId, id, manager);
      if (!group) throw DomainError.notFound('Group');
      checkVersion(group, expectedVersion);
      await this.core.recordDeletion(group, actor, manager);
      await this.groups.delete(organizationId, id, manager);
    });
  }
}

/** The group attributes a change altered, as their events name them. */
export function changedAttributes(before: Group, after: Group): string[] {
  return (['displayName', 'externalId', 'scimManaged'] as const).filter(
    (field) => before[field] !== after[field],
  );
}

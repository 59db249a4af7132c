import type { UserStatus } from '../users/user.entity';
import type { GroupEntity } from './group.entity';

/** A group as the rest of the application sees it (no ORM types, no members). */
export interface Group {
  id: string;
  organizationId: string;
  displayName: string;
  externalId: string | null;
  scimManaged: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A group with the number of its members (admin API). */
export interface GroupSummary extends Group {
  memberCount: number;
}

/** A member as SCIM lists it: the user's id and its displayName, else its userName. */
export interface GroupMember {
  userId: string;
  display: string;
}

/** A member as the admin API lists it. */
export interface GroupMemberDetail {
  userId: string;
  userName: string;
  displayName: string | null;
  status: UserStatus;
  addedAt: Date;
}

/** A group a user belongs to, for the user's read-only `groups` attribute. */
export interface UserGroup {
  value: string;
  display: string;
}

/** What a SCIM or admin write says about a group's own attributes. */
export interface GroupAttributes {
  displayName: string;
  externalId: string | null;
}

/**
 * A change to a group's members, applied in SQL to the listed ids only (never by loading the member
 * list): re-adding a member and removing a non-member are no-ops.
 */
export type MemberChange =
  | { op: 'add'; userIds: string[] }
  | { op: 'remove'; userIds: string[] }
  | { op: 'removeAll' }
  | { op: 'replace'; userIds: string[] };

export const MAX_DISPLAY_NAME_LENGTH = 256;

export function toGroup(entity: GroupEntity): Group {
  const { id, organizationId, displayName, externalId, scimManaged, createdAt, updatedAt } = entity;
  return {
    id,
    organizationId,
    displayName,
    externalId,
    scimManaged,
    createdAt,
    updatedAt,
    version: entity.version,
  };
}

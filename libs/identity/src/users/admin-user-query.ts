import { DomainError, isStorableDate } from '@rollcall/common';
import type { Role, UserStatus } from './user.entity';
import type { User } from './user.model';

export interface AdminUserCriteria {
  status?: UserStatus;
  poolId?: string;
  role?: Role;
  scimManaged?: boolean;
  /** Members of this group. */
  groupId?: string;
  /** Text to find in userName, names or email. */
  q?: string;
}

/** The admin list's orders: a field, descending with a leading `-`; ties are broken by id. */
export const ADMIN_USER_SORTS = [
  'createdAt',
  '-createdAt',
  'userName',
  '-userName',
  'lastLoginAt',
  '-lastLoginAt',
] as const;
export type AdminUserSort = (typeof ADMIN_USER_SORTS)[number];
export type AdminUserSortField = 'createdAt' | 'userName' | 'lastLoginAt';

/**
 * Where a keyset page starts: the sort key of the last row seen (an ISO time, `-infinity` for a
 * user who never signed in, or the lowercased userName) and its id.
 */
export interface AdminUserPosition {
  key: string;
  id: string;
}

/** A user of the admin list with its position, to continue after it. */
export interface AdminUserListItem {
  user: User;
  position: AdminUserPosition;
}

/** One page of the admin list, in domain terms: the repository turns it into SQL. */
export interface AdminUserQuery {
  criteria: AdminUserCriteria;
  field: AdminUserSortField;
  descending: boolean;
  limit: number;
  after?: AdminUserPosition;
}

export function adminUserQuery(
  criteria: AdminUserCriteria,
  sort: AdminUserSort,
  limit: number,
  after?: AdminUserPosition,
): AdminUserQuery {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as AdminUserSortField;
  if (after) checkPosition(field, after);
  return { criteria, field, descending, limit, ...(after ? { after } : {}) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A position must fit its sort (a cursor made for another order, or tampered with, is refused). */
function checkPosition(field: AdminUserSortField, position: AdminUserPosition): void {
  const timeOk = (key: string) => {
    const date = new Date(key);
    return isStorableDate(date) && date.toISOString() === key;
  };
  const ok =
    UUID.test(position.id) &&
    (field === 'userName'
      ? position.key.length <= 256
      : timeOk(position.key) || (field === 'lastLoginAt' && position.key === '-infinity'));
  if (!ok) {
    throw new DomainError('validation_failed', 'cursor is not a cursor returned by this API.', [
      { field: 'cursor', message: 'cursor must be a cursor returned by this API for this sort' },
    ]);
  }
}

/** The position of a user in a list sorted by `field` (`lowerUserName` as PostgreSQL lowercases). */
export function positionOf(
  field: AdminUserSortField,
  user: User,
  lowerUserName: string,
): AdminUserPosition {
  const key =
    field === 'userName'
      ? lowerUserName
      : field === 'lastLoginAt'
        ? (user.lastLoginAt?.toISOString() ?? '-infinity')
        : user.createdAt.toISOString();
  return { key, id: user.id };
}

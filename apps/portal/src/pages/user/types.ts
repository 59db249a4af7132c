import type { User } from '../../api';

/** GET /api/v1/users/{id}: the list's fields and the rest of the user's record. */
export interface UserDetail extends User {
  externalId: string | null;
  licenseTier: string;
  firstLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** PATCH's answer after a pool move: SSO may move the user back. */
  note?: string;
}

/** One entry of GET /api/v1/scim/logs. */
export interface ProvisioningLogEntry {
  id: string;
  occurredAt: string;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  status: number;
  outcome: 'success' | 'failure';
  scimType: string | null;
  detail: string | null;
}

/** One entry of GET /api/v1/sso/sign-ins. */
export interface SignInAttempt {
  id: string;
  occurredAt: string;
  flow: 'sp' | 'idp';
  outcome: 'success' | 'refused' | 'rejected';
  reason: string;
  detail: string;
  subject: string | null;
  userId: string | null;
  licensePoolName: string | null;
  clientIp: string | null;
}

export interface Paged<T> {
  data: T[];
  nextCursor: string | null;
}

/** The user's name as people read it: the display name, the name parts, else the user name. */
export function nameOf(
  user: Pick<User, 'displayName' | 'givenName' | 'familyName'>,
): string | null {
  return user.displayName ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || null);
}

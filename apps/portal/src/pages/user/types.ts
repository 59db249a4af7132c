import type { User } from '../../api';

export type { Paged, ProvisioningLogEntry, SignInAttempt } from '../../api';

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

/** The user's name as people read it: the display name, the name parts, else the user name. */
export function nameOf(
  user: Pick<User, 'displayName' | 'givenName' | 'familyName'>,
): string | null {
  return user.displayName ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || null);
}

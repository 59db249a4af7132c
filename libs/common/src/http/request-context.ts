import type { Request } from 'express';

/** Who is calling, attached to the request by the authentication guards. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'admin'; organizationId: string; apiKeyId: string }
  /** A browser of the admin portal: its session cookie (`userId` null for a setup-link session). */
  | {
      kind: 'portal';
      organizationId: string;
      sessionId: string;
      userId: string | null;
      role: 'admin' | 'group_admin';
    }
  | { kind: 'scim'; organizationId: string; integrationId: string };

export interface RollcallRequest extends Request {
  user?: Principal;
}

export const SCIM_BASE_PATH = '/scim/v2';

export function isScimPath(path: string): boolean {
  return path === SCIM_BASE_PATH || path.startsWith(`${SCIM_BASE_PATH}/`);
}

/** What the error filter leaves on `res.locals` for the provisioning log. */
export interface ErrorOutcome {
  code: string;
  scimType?: string;
  detail: string;
  reason?: string;
}
export const ERROR_OUTCOME = 'rollcallError';

/** What a handler leaves on `res.locals` for the provisioning log on success (e.g. the pool chosen). */
export const OUTCOME_NOTE = 'rollcallNote';

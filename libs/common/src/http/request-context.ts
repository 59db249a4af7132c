import type { Request } from 'express';

/** Who is calling, attached to the request by the authentication guards. */
export type Principal =
  { kind: 'operator' } | { kind: 'admin'; organizationId: string; apiKeyId: string };

export interface RollcallRequest extends Request {
  user?: Principal;
}

export const SCIM_BASE_PATH = '/scim/v2';

export function isScimPath(path: string): boolean {
  return path === SCIM_BASE_PATH || path.startsWith(`${SCIM_BASE_PATH}/`);
}

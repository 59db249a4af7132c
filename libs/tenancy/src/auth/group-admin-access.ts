import { SetMetadata } from '@nestjs/common';
import type { RollcallRequest } from '@rollcall/common';

export const GROUP_ADMIN_ACCESS = 'rollcall:group-admin-access';

/** What a `group_admin` portal session may do on a route that lets it in. */
export interface GroupAdminAccess {
  /**
   * Refuses some requests to the route all the same: answers what the request would do (for the
   * 403's detail, "… may not <what>"), or undefined to let it through.
   */
  refuse?: (request: RollcallRequest) => string | undefined;
}

/**
 * The route is open to a portal session of role `group_admin` (users and groups, and reads of
 * pools and logs). Admin routes without it are for role `admin` (and admin API keys) only.
 */
export function GroupAdminMay(access: GroupAdminAccess = {}): MethodDecorator & ClassDecorator {
  return SetMetadata(GROUP_ADMIN_ACCESS, access);
}

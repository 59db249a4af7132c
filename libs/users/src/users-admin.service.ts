import { Injectable } from '@nestjs/common';
import { decodeCursor, type Page, toPage } from '@rollcall/common';
import {
  type AdminUserCriteria,
  type Role,
  type User,
  UserLifecycleService,
} from '@rollcall/identity';

const SSO_MAY_REVERT =
  'SSO is the source of truth for license pools: if the IdP sends licensePoolName at sign-in, the user moves to that pool.';

/** The admin's view of users (SPEC §7): list, get, role and pool changes. */
@Injectable()
export class UsersAdminService {
  constructor(private readonly lifecycle: UserLifecycleService) {}

  async list(
    organizationId: string,
    criteria: AdminUserCriteria,
    limit: number,
    cursor?: string,
  ): Promise<Page<User>> {
    const rows = await this.lifecycle.listForAdmin(
      organizationId,
      criteria,
      limit + 1,
      decodeCursor(cursor),
    );
    return toPage(rows, limit, (user) => user);
  }

  get(organizationId: string, id: string): Promise<User> {
    return this.lifecycle.getForAdmin(organizationId, id);
  }

  /** Applies a role and/or pool change; the note warns that SSO may undo a pool move. */
  async update(
    organizationId: string,
    id: string,
    changes: { role?: Role; licensePoolId?: string },
  ): Promise<{ user: User; note?: string }> {
    let user = await this.lifecycle.getForAdmin(organizationId, id);
    if (changes.licensePoolId !== undefined) {
      user = await this.lifecycle.moveToPool(organizationId, id, changes.licensePoolId);
    }
    if (changes.role !== undefined)
      user = await this.lifecycle.setRole(organizationId, id, changes.role);
    return changes.licensePoolId !== undefined ? { user, note: SSO_MAY_REVERT } : { user };
  }
}

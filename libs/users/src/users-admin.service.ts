import { Injectable } from '@nestjs/common';
import { DomainError, type Page } from '@rollcall/common';
import {
  type AdminUserCriteria,
  type AdminUserOptions,
  type AdminUserPosition,
  type AdminUserSort,
  GroupsService,
  type Role,
  type User,
  AdminUserActions,
  type Actor,
} from '@rollcall/identity';
import { ScimIntegrationService } from '@rollcall/integration';
import { csvLine } from './csv';

const SSO_MAY_REVERT =
  'SSO is the source of truth for license pools: if the IdP sends licensePoolName at sign-in, the user moves to that pool.';

/** Rows per query of the CSV export: the export never holds more than this many users at once. */
export const EXPORT_BATCH_SIZE = 500;

export const EXPORT_COLUMNS = [
  'email',
  'userName',
  'givenName',
  'familyName',
  'displayName',
  'role',
  'status',
  'licensePool',
  'groups',
  'externalId',
] as const;

/** A cursor names its sort, the sort key of the last row and its id: base64url JSON. */
function encodeCursor(sort: AdminUserSort, position: AdminUserPosition): string {
  return Buffer.from(JSON.stringify([sort, position.key, position.id]), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(
  sort: AdminUserSort,
  cursor: string | undefined,
): AdminUserPosition | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 3 &&
    decoded[0] === sort &&
    typeof decoded[1] === 'string' &&
    typeof decoded[2] === 'string'
  ) {
    return { key: decoded[1], id: decoded[2] };
  }
  throw new DomainError(
    'validation_failed',
    `cursor is not a cursor returned by this API for sort=${sort}.`,
    [{ field: 'cursor', message: 'cursor must be a cursor returned by this API for this sort' }],
  );
}

/**
 * The admin's view of users (SPEC §7): list and export, get, role and pool changes, deactivation,
 * reactivation and anonymization. The rules live in the identity domain.
 */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly lifecycle: AdminUserActions,
    private readonly groups: GroupsService,
    private readonly integration: ScimIntegrationService,
  ) {}

  private async options(organizationId: string): Promise<AdminUserOptions> {
    return { protectScimManaged: (await this.integration.status(organizationId)).enabled };
  }

  async list(
    organizationId: string,
    criteria: AdminUserCriteria,
    sort: AdminUserSort,
    limit: number,
    cursor?: string,
  ): Promise<Page<User>> {
    const rows = await this.lifecycle.listForAdmin(
      organizationId,
      criteria,
      sort,
      limit + 1,
      decodeCursor(sort, cursor),
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      data: items.map((r) => r.user),
      nextCursor: rows.length > limit && last ? encodeCursor(sort, last.position) : null,
    };
  }

  /**
   * The filtered list as CSV lines (header first), read in batches of EXPORT_BATCH_SIZE with their
   * groups, so the export streams whatever the organization's size.
   */
  async *exportCsv(
    organizationId: string,
    criteria: AdminUserCriteria,
    sort: AdminUserSort,
  ): AsyncGenerator<string> {
    yield csvLine(EXPORT_COLUMNS);
    let after: AdminUserPosition | undefined;
    for (;;) {
      const rows = await this.lifecycle.listForAdmin(
        organizationId,
        criteria,
        sort,
        EXPORT_BATCH_SIZE,
        after,
      );
      const groups = await this.groups.groupsOfUsers(
        organizationId,
        rows.map((r) => r.user.id),
      );
      yield rows
        .map(({ user }) =>
          csvLine([
            primaryEmail(user) ?? '',
            user.userName,
            user.givenName ?? '',
            user.familyName ?? '',
            user.displayName ?? '',
            user.role,
            user.status,
            user.licensePool.name,
            (groups.get(user.id) ?? []).map((g) => g.display).join('; '),
            user.externalId ?? '',
          ]),
        )
        .join('');
      if (rows.length < EXPORT_BATCH_SIZE) return;
      after = rows[rows.length - 1].position;
    }
  }

  get(organizationId: string, id: string): Promise<User> {
    return this.lifecycle.getForAdmin(organizationId, id);
  }

  /** Applies a role and/or pool change; the note warns that SSO may undo a pool move. */
  async update(
    organizationId: string,
    id: string,
    changes: { role?: Role; licensePoolId?: string },
    actor: Actor,
  ): Promise<{ user: User; note?: string }> {
    const user = await this.lifecycle.updateByAdmin(organizationId, id, changes, actor);
    return changes.licensePoolId !== undefined ? { user, note: SSO_MAY_REVERT } : { user };
  }

  async deactivate(organizationId: string, id: string, actor: Actor): Promise<User> {
    const options = await this.options(organizationId);
    return this.lifecycle.deactivateByAdmin(organizationId, id, options, actor);
  }

  async reactivate(organizationId: string, id: string, actor: Actor): Promise<User> {
    const options = await this.options(organizationId);
    return this.lifecycle.reactivateByAdmin(organizationId, id, options, actor);
  }

  /**
   * Anonymizes the user and, in the same transaction, what the other modules hold of it (its
   * userName in the provisioning log and the SSO sign-in log).
   */
  async anonymize(organizationId: string, id: string, actor: Actor): Promise<User> {
    return this.lifecycle.anonymize(organizationId, id, actor);
  }
}

export function primaryEmail(user: User): string | null {
  return (
    user.emails.find((e) => e.primary === true)?.value?.toString() ??
    user.emails[0]?.value?.toString() ??
    null
  );
}

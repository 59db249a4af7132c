import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@rollcall/common';
import type { Actor } from '../events/event.model';
import { GroupCore } from '../groups/group-core.service';
import { GroupMembersRepository } from '../groups/group-members.repository';
import { LicensePoolsRepository } from '../license-pools/license-pools.repository';
import { decidePool, describeRejection, type NamedPool } from '../license-pools/pool-policy';
import { SeatsRepository } from '../license-pools/seats.repository';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { isUniqueViolation, poolSummary, UserCore } from './user-core.service';
import { applyProfile, toUser, type User } from './user.model';
import { ssoProfile } from './user-profiles';
import { type UserRow, UsersRepository } from './users.repository';

/** What a validated SSO assertion says about the person signing in. */
export interface SsoIdentity {
  /** The email the assertion carries (else its NameID): how the user is found and, new, named. */
  email: string;
  /** The assertion's NameID, also tried as a userName. */
  nameId: string | null;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  externalId?: string;
  /** Group names when the assertion carried the attribute. */
  groups?: string[];
  requested: NamedPool;
}

export interface SsoSignInOptions {
  /**
   * SCIM is off: unknown users are created just in time (when `jit`), and the profile and groups
   * follow the assertion at every sign-in. SCIM on: SCIM owns profile and groups.
   */
  scimEnabled: boolean;
  jit: boolean;
}

export interface SsoSignInResult {
  user: User;
  /** The user was created by this sign-in. */
  created: boolean;
  /** The user took a seat (its first sign-in, or a return after a pool change freed one). */
  activated: boolean;
  /** Group names in the assertion that match no group (not created). */
  unknownGroups: string[];
}

/**
 * The SSO channel of the user lifecycle (SPEC §2, §3, §5): a sign-in finds the user (or creates it
 * just in time), runs the pool policy on the sign-in channel and the first-login activation, in one
 * transaction so that a refusal changes nothing.
 */
@Injectable()
export class UserSignIn {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly pools: LicensePoolsRepository,
    private readonly seats: SeatsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly groups: GroupMembersRepository,
    private readonly core: UserCore,
    private readonly groupCore: GroupCore,
  ) {}

  /**
   * A successful SSO sign-in of a known user (SPEC §2, §3): the pool policy for the sign-in channel
   * (the assertion's licensePoolName, when it carries one, is the source of truth), then first-login
   * activation — a `provisioned` or `pending` user becomes `active`, taking a seat (refused when
   * there is none), with the Pro tier when the organization gives it to everyone. Deactivated and
   * anonymized users are refused. Refusals change nothing.
   */
  signIn(organizationId: string, id: string, requested: NamedPool, actor: Actor): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.core.lock(organizationId, id, manager);
      await this.admit(row, requested, manager);
      return this.core.save(row, actor, manager);
    });
  }

  /**
   * An SSO sign-in (SPEC §2, §3, §5), in one transaction so that a refusal changes nothing: finds the
   * user the assertion names (or creates it just in time), updates its profile and groups when SCIM
   * does not own them, runs the pool policy on the sign-in channel and the first-login activation.
   */
  async ssoSignIn(
    organizationId: string,
    identity: SsoIdentity,
    options: SsoSignInOptions,
    actor: Actor,
    retried = false,
  ): Promise<SsoSignInResult> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const identifiers = [identity.email, ...(identity.nameId ? [identity.nameId] : [])];
        let row = await this.users.findForSignInForUpdate(organizationId, identifiers, manager);
        let created = false;
        if (!row) {
          if (options.scimEnabled || !options.jit) {
            throw new DomainError(
              'sign_in_refused',
              options.scimEnabled
                ? `There is no account for ${identity.email} yet: your organization provisions accounts from its identity provider, so ask your administrator to assign you the Rollcall application.`
                : `There is no account for ${identity.email}, and this organization does not create accounts at sign-in; ask your administrator to add you.`,
              [],
              'unknown_user',
            );
          }
          await this.seats.lockPools(organizationId, manager);
          row = await this.insertFromSso(organizationId, identity, actor, manager);
          created = true;
        } else if (!options.scimEnabled) {
          applyProfile(row.user, ssoProfile(toUser(row.user, row.pool), identity));
        }
        const wasSeated = row.user.status === 'active';
        await this.admit(row, identity.requested, manager);
        let unknownGroups: string[] = [];
        const user = await this.core.save(row, actor, manager);
        if (!options.scimEnabled && identity.groups !== undefined) {
          const groups = await this.groups.setUserGroupsByName(
            organizationId,
            user.id,
            identity.groups,
            manager,
          );
          unknownGroups = groups.unknown;
          await this.groupCore.recordMemberChanges(
            organizationId,
            [
              ...groups.left.map((groupId) => ({
                groupId,
                members: { added: [], removed: [user.id] },
              })),
              ...groups.joined.map((groupId) => ({
                groupId,
                members: { added: [user.id], removed: [] },
              })),
            ],
            actor,
            manager,
          );
        }
        return { user, created, activated: !wasSeated, unknownGroups };
      });
    } catch (error) {
      // Two first sign-ins of the same new person at once: the second finds the first's user.
      if (isUniqueViolation(error) && !retried) {
        return this.ssoSignIn(organizationId, identity, options, actor, true);
      }
      throw error;
    }
  }

  /**
   * Lets an existing user in (SPEC §3 on the sign-in channel): refused when deactivated, the pool
   * policy applied (rule 6: the assertion's pool wins over an admin's move), and at the first sign-in
   * a seat taken (refused when the pool is full) and the pro tier given when the org says so.
   */
  private async admit(row: UserRow, requested: NamedPool, manager: EntityManager): Promise<void> {
    const { user } = row;
    const organizationId = user.organizationId;
    if (user.status === 'deactivated' || user.status === 'anonymized') {
      const pools = await this.pools.listByOrganization(organizationId, manager);
      const decision = decidePool({
        channel: 'sso_sign_in',
        pools,
        requested,
        user: { poolId: user.licensePoolId, seated: false },
      });
      throw decision.outcome === 'reject'
        ? new DomainError('sign_in_refused', describeRejection(decision), [], decision.reason)
        : new DomainError(
            'sign_in_refused',
            'This account is deactivated; ask your administrator to reactivate it.',
            [],
            'account_deactivated',
          );
    }
    await this.core.assignPool(row, requested, 'sso_sign_in', manager);
    if (user.status === 'provisioned' || user.status === 'pending') {
      await this.core.takeSeat(user.licensePoolId, manager, 'sign_in_refused');
      user.status = 'active';
      user.firstLoginAt = new Date();
      const organization = await this.organizations.findById(organizationId, manager);
      if (organization?.proForAllUsers) user.licenseTier = 'pro';
    }
    user.lastLoginAt = new Date();
  }

  /** A user created by its first SSO sign-in: not SCIM-managed, in the default pool until the policy says otherwise. */
  private async insertFromSso(
    organizationId: string,
    identity: SsoIdentity,
    actor: Actor,
    manager: EntityManager,
  ): Promise<UserRow> {
    const pools = await this.pools.listByOrganization(organizationId, manager);
    const pool = pools.find((p) => p.isDefault)!;
    const user = this.users.create({
      organizationId,
      licensePoolId: pool.id,
      role: 'user',
      licenseTier: 'enterprise',
      scimManaged: false,
      scimVisible: true,
      firstLoginAt: null,
      lastLoginAt: null,
      status: 'provisioned',
    });
    applyProfile(user, ssoProfile(undefined, identity));
    // Written with its `user.created`; what the sign-in does next is a change to it.
    const saved = await this.users.insert(user, actor, manager);
    if (!saved) throw new Error('the user was not inserted: its pool is gone');
    const row = { user: saved, pool: poolSummary(pool) };
    return { ...row, before: structuredClone(toUser(saved, row.pool)) };
  }
}

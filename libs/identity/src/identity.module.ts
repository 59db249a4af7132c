import { Module } from '@nestjs/common';
import { EventLog } from './events/event-log.service';
import { EventsRepository } from './events/events.repository';
import { AdminGroupActions } from './groups/admin-group-actions.service';
import { GroupCore } from './groups/group-core.service';
import { GroupMembersRepository } from './groups/group-members.repository';
import { GroupsRepository } from './groups/groups.repository';
import { GroupsService } from './groups/groups.service';
import { ScimGroupWrites } from './groups/scim-group-writes.service';
import { LicensePoolsRepository } from './license-pools/license-pools.repository';
import { LicensePoolsService } from './license-pools/license-pools.service';
import { PoolCatalog } from './license-pools/pool-catalog';
import { SeatsRepository } from './license-pools/seats.repository';
import { OutboxRepository } from './outbox/outbox.repository';
import { OutboxService } from './outbox/outbox.service';
import { SeatUsageService } from './license-pools/seat-usage.service';
import { AdminUserActions } from './users/admin-user-actions.service';
import { PersonalDataHolders } from './users/personal-data';
import { ScimUserWrites } from './users/scim-user-writes.service';
import { UserCore } from './users/user-core.service';
import { UserSignIn } from './users/user-sign-in.service';
import { UserSearchRepository } from './users/user-search.repository';
import { UsersRepository } from './users/users.repository';
import { OrganizationsRepository } from './organizations/organizations.repository';
import { OrganizationsService } from './organizations/organizations.service';

/**
 * The shared domain: organizations, license pools and (as the SCIM, pool and SAML issues land) users,
 * their lifecycle and the one pool-assignment policy. Other modules use its services, never its tables.
 */
@Module({
  providers: [
    EventsRepository,
    EventLog,
    OrganizationsRepository,
    LicensePoolsRepository,
    OrganizationsService,
    SeatsRepository,
    LicensePoolsService,
    PoolCatalog,
    OutboxRepository,
    OutboxService,
    SeatUsageService,
    UsersRepository,
    UserSearchRepository,
    UserCore,
    ScimUserWrites,
    AdminUserActions,
    PersonalDataHolders,
    UserSignIn,
    GroupsRepository,
    GroupMembersRepository,
    GroupCore,
    GroupsService,
    ScimGroupWrites,
    AdminGroupActions,
  ],
  exports: [
    EventLog,
    OrganizationsService,
    ScimUserWrites,
    AdminUserActions,
    PersonalDataHolders,
    UserSignIn,
    LicensePoolsService,
    GroupsService,
    ScimGroupWrites,
    AdminGroupActions,
    OutboxService,
    SeatUsageService,
  ],
})
export class IdentityModule {}

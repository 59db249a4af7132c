export { IdentityModule } from './identity.module';
export {
  OrganizationsService,
  type Organization,
  type OrganizationChanges,
} from './organizations/organizations.service';
export type { NewOrganization } from './organizations/organizations.repository';
export { PLANS, type Plan } from './organizations/organization.entity';
export { DEFAULT_POOL_NAME } from './license-pools/license-pool.entity';
export { ScimUserWrites, type ScimWrite } from './users/scim-user-writes.service';
export { AdminUserActions, type AdminUserOptions } from './users/admin-user-actions.service';
export {
  PersonalDataHolders,
  type PersonalDataHolder,
  type UserErasure,
} from './users/personal-data';
export {
  ADMIN_USER_SORTS,
  type AdminUserCriteria,
  type AdminUserSort,
  type AdminUserPosition,
  type AdminUserListItem,
} from './users/admin-user-query';
export {
  UserSignIn,
  type SsoIdentity,
  type SsoSignInOptions,
  type SsoSignInResult,
} from './users/user-sign-in.service';
export type { User, UserProfile } from './users/user.model';
export {
  USER_SEARCH_COLUMNS,
  USER_SORT_EXPRESSIONS,
  type UserSearch,
} from './users/user-search.repository';
export {
  USER_STATUSES,
  ROLES,
  LICENSE_TIERS,
  type UserStatus,
  type Role,
  type LicenseTier,
  type MultiValue,
  type EnterpriseAttributes,
} from './users/user.entity';
export { LicensePoolsService, type LicensePool } from './license-pools/license-pools.service';
export {
  decidePool,
  describeRejection,
  DEFAULT_POOL_ALIAS,
  type Channel,
  type PoolDecision,
  type PoolSnapshot,
  type RequestedPool,
  type NamedPool,
  type AdminChannel,
  type IdpChannel,
} from './license-pools/pool-policy';
export { GroupsService } from './groups/groups.service';
export { ScimGroupWrites, type ScimGroupWrite } from './groups/scim-group-writes.service';
export { AdminGroupActions, type AdminWriteOptions } from './groups/admin-group-actions.service';
export type {
  Group,
  GroupAttributes,
  GroupMember,
  GroupMemberDetail,
  GroupSummary,
  MemberChange,
  UserGroup,
} from './groups/group.model';
export { MAX_DISPLAY_NAME_LENGTH as MAX_GROUP_DISPLAY_NAME_LENGTH } from './groups/group.model';
export {
  GROUP_SEARCH_COLUMNS,
  GROUP_SORT_EXPRESSIONS,
  type GroupSearch,
} from './groups/groups.repository';
export { OutboxService, type ClaimedMessage, type OutboxBacklog } from './outbox/outbox.service';
export { OUTBOX_KINDS, type OutboxKind } from './outbox/outbox-message.entity';
export {
  SeatUsageService,
  OTHER_POOLS,
  type PoolSeatUsage,
} from './license-pools/seat-usage.service';
export { EventLog, type EventPage, type EventQuery } from './events/event-log.service';
export {
  EVENT_TYPES,
  type Actor,
  type EventType,
  type EventCursor,
  type NewEvent,
  type StoredEvent,
  type SubjectType,
  encodeEventCursor,
  decodeEventCursor,
  LOG_START,
  cursorBefore,
  scimActor,
  adminActor,
  portalActor,
} from './events/event.model';

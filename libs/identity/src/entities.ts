// The tables this context owns, for the schema registry in @rollcall/database only.
export { OrganizationEntity } from './organizations/organization.entity';
export { LicensePoolEntity } from './license-pools/license-pool.entity';
export { OrganizationReference } from './organizations/organization-reference';
export { UserEntity } from './users/user.entity';
export { OutboxMessageEntity } from './outbox/outbox-message.entity';
export { GroupEntity } from './groups/group.entity';
export { GroupMemberEntity } from './groups/group-member.entity';

export { IdentityModule } from './identity.module';
export { OrganizationsService, type Organization } from './organizations/organizations.service';
export type { NewOrganization } from './organizations/organizations.repository';
export { PLANS, type Plan } from './organizations/organization.entity';
export { DEFAULT_POOL_NAME } from './license-pools/license-pool.entity';
export { UserLifecycleService, type ScimWrite } from './users/user-lifecycle.service';
export type { User, UserProfile } from './users/user.model';
export type { UserSearch } from './users/users.repository';
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

export { IdentityModule } from './identity.module';
export { OrganizationsService, type Organization } from './organizations/organizations.service';
export type { NewOrganization } from './organizations/organizations.repository';
export { PLANS, type Plan } from './organizations/organization.entity';
export { DEFAULT_POOL_NAME } from './license-pools/license-pool.entity';

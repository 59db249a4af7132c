export { TenancyModule } from './tenancy.module';
export { TenantsService, type CreatedTenant } from './organizations/tenants.service';
export { DemoTenantSeeder, DEMO_TENANT } from './organizations/demo-tenant.seeder';
export {
  AdminApiKeysService,
  type AdminApiKey,
  type IssuedAdminApiKey,
} from './admin-api-keys/admin-api-keys.service';
export {
  AdminAuth,
  OperatorAuth,
  OrganizationId,
  RequestActor,
  ADMIN_API_KEY_SCHEME,
  OPERATOR_TOKEN_SCHEME,
  PORTAL_SESSION_SCHEME,
} from './auth/auth.decorators';
export { GroupAdminMay, type GroupAdminAccess } from './auth/group-admin-access';

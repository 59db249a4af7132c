import { LicensePoolEntity, OrganizationEntity } from '@rollcall/identity/entities';
import { AdminApiKeyEntity } from '@rollcall/tenancy/entities';
import { MIGRATIONS } from './migrations';

/** Every table the application maps. Migrations must produce exactly these (see `migration:check`). */
export const ENTITIES = [OrganizationEntity, LicensePoolEntity, AdminApiKeyEntity];

export { MIGRATIONS };

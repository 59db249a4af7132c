export { ScimGroupsModule } from './scim-groups.module';

export { ScimUsersModule } from './scim-users.module';

export { ScimUsersModule } from './scim-users.module';
export { ScimUsersService } from './scim-users.service';
export { ScimUsersReadLane } from './scim-users.read-lane';

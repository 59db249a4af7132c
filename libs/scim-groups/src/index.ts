export { ScimGroupsModule } from './scim-groups.module';
export { ScimGroupsService } from './scim-groups.service';
export { ScimGroupsReadLane } from './scim-groups.read-lane';

import { Module } from '@nestjs/common';

/**
 * SCIM 2.0 /Groups and memberships. Empty until the "SCIM 2.0 Groups" issue lands.
 */
@Module({})
export class ScimGroupsModule {}

import { Module } from '@nestjs/common';

/**
 * SCIM 2.0 /Users (RFC 7643/7644) over the shared identity domain. Empty until the "SCIM 2.0 Users" issue lands.
 */
@Module({})
export class ScimUsersModule {}

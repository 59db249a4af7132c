import { Module } from '@nestjs/common';

/**
 * SCIM integration settings: credentials, rotation, status, provisioning log. Empty until the "SCIM 2.0 Users" issue lands.
 */
@Module({})
export class IntegrationModule {}

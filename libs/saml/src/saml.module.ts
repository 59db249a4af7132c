import { Module } from '@nestjs/common';

/**
 * SAML 2.0 SSO sign-in, running the shared pool policy. Empty until the "SAML 2.0 SSO" issue lands.
 */
@Module({})
export class SamlModule {}

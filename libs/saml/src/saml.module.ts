import { Module } from '@nestjs/common';
import { IdentityModule } from '@rollcall/identity';
import { IntegrationModule } from '@rollcall/integration';
import { OperationsModule } from '@rollcall/operations';
import { SecretBox } from '@rollcall/common';
import { TenancyModule } from '@rollcall/tenancy';
import { SamlConnectionsRepository } from './connection/saml-connections.repository';
import { SamlConnectionsService } from './connection/saml-connections.service';
import { SamlMaintenanceWorker } from './connection/saml-maintenance.worker';
import { SamlAdminController } from './http/saml-admin.controller';
import { SamlController } from './http/saml.controller';
import { SessionController } from './http/session.controller';
import { SamlSpKeysRepository } from './keys/saml-sp-keys.repository';
import { SamlSpKeysService } from './keys/saml-sp-keys.service';
import { SignInAttemptsRepository } from './log/sign-in-attempts.repository';
import { SignInLogService } from './log/sign-in-log.service';
import { WebSessionsRepository } from './sessions/web-sessions.repository';
import { WebSessionsService } from './sessions/web-sessions.service';
import { SamlPendingRequestsRepository } from './sign-in/saml-pending-requests.repository';
import { SamlSignInService } from './sign-in/saml-sign-in.service';
import { SamlUsedAssertionsRepository } from './sign-in/saml-used-assertions.repository';

/**
 * SAML 2.0 SSO (SPEC §5): per-organization IdP connections, SP metadata, SP- and IdP-initiated
 * sign-in through the shared domain sign-in (pool policy, first-login activation), browser
 * sessions, and the sign-in log.
 */
@Module({
  imports: [IdentityModule, IntegrationModule, OperationsModule, TenancyModule],
  controllers: [SamlController, SessionController, SamlAdminController],
  providers: [
    SamlConnectionsRepository,
    SamlConnectionsService,
    SamlPendingRequestsRepository,
    SamlUsedAssertionsRepository,
    SamlSignInService,
    WebSessionsRepository,
    WebSessionsService,
    SignInAttemptsRepository,
    SignInLogService,
    SecretBox,
    SamlSpKeysRepository,
    SamlSpKeysService,
    SamlMaintenanceWorker,
  ],
  exports: [SamlMaintenanceWorker],
})
export class SamlModule {}

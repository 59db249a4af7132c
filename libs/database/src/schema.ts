import {
  GroupEntity,
  GroupMemberEntity,
  LicensePoolEntity,
  OrganizationEntity,
  OutboxMessageEntity,
  UserEntity,
} from '@rollcall/identity/entities';
import {
  ScimIntegrationEntity,
  ScimPreviousCredentialEntity,
  ScimRequestLogEntity,
} from '@rollcall/integration/entities';
import {
  SamlCertificateNoticeEntity,
  SamlConnectionEntity,
  SamlPendingRequestEntity,
  SamlSpKeyEntity,
  SamlUsedAssertionEntity,
  SignInAttemptEntity,
  WebSessionEntity,
} from '@rollcall/saml/entities';
import { AdminSessionEntity, AdminSetupLinkEntity } from '@rollcall/portal-sessions/entities';
import { AdminApiKeyEntity } from '@rollcall/tenancy/entities';
import { MIGRATIONS } from './migrations';

/** Every table the application maps. Migrations must produce exactly these (see `migration:check`). */
export const ENTITIES = [
  OrganizationEntity,
  LicensePoolEntity,
  AdminApiKeyEntity,
  UserEntity,
  OutboxMessageEntity,
  GroupEntity,
  GroupMemberEntity,
  ScimIntegrationEntity,
  ScimPreviousCredentialEntity,
  ScimRequestLogEntity,
  SamlConnectionEntity,
  SamlPendingRequestEntity,
  SamlUsedAssertionEntity,
  WebSessionEntity,
  SignInAttemptEntity,
  SamlSpKeyEntity,
  SamlCertificateNoticeEntity,
  AdminSessionEntity,
  AdminSetupLinkEntity,
];

export { MIGRATIONS };

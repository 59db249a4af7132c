// The tables this context owns, for the schema registry in @rollcall/database only.
export { ScimIntegrationEntity } from './settings/scim-integration.entity';
export { ScimPreviousCredentialEntity } from './settings/scim-previous-credential.entity';
export { ScimRequestLogEntity } from './logs/scim-request-log.entity';

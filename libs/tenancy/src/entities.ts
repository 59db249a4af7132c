// The tables this context owns, for the schema registry in @rollcall/database only.
export { AdminApiKeyEntity } from './admin-api-keys/admin-api-key.entity';

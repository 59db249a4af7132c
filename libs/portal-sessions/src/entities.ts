// The tables this context owns, for the schema registry in @rollcall/database only.
export { AdminSessionEntity } from './admin-session.entity';
export { AdminSetupLinkEntity } from './admin-setup-link.entity';

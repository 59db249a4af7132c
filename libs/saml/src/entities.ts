// The tables this context owns, for the schema registry in @rollcall/database only.
export { SamlConnectionEntity } from './connection/saml-connection.entity';
export { SamlPendingRequestEntity, SamlUsedAssertionEntity } from './sign-in/saml-replay.entity';
export { WebSessionEntity } from './sessions/web-session.entity';
export { SignInAttemptEntity } from './log/sign-in-attempt.entity';
export { SamlCertificateNoticeEntity, SamlSpKeyEntity } from './keys/saml-sp-key.entity';

export type { ProvisioningLogEntry, SignInAttempt } from '../../api';
import type { AuthMethod, IdpId } from './idp-guides';

/** GET /api/v1/scim/integration (libs/integration/src/settings/scim-integration.dto.ts). */
export interface ScimCredentialStatus {
  role: 'current' | 'previous';
  tokenPrefix: string | null;
  username: string | null;
  createdAt: string;
  expiresAt: string;
  graceEndsAt: string | null;
  lastUsedAt: string | null;
  expiringSoon: boolean;
  expired: boolean;
}

export interface ScimStatus {
  enabled: boolean;
  idp: IdpId | null;
  authMethod: AuthMethod | null;
  baseUrl: string;
  username: string | null;
  createdAt: string | null;
  rotatedAt: string | null;
  expiresAt: string | null;
  expiringSoon: boolean;
  expired: boolean;
  lastUsedAt: string | null;
  graceEndsAt: string | null;
  credentials: ScimCredentialStatus[];
}

/** POST /api/v1/scim/integration and /rotate: shown once. */
export interface ScimCredentials {
  authMethod: AuthMethod;
  baseUrl: string;
  token?: string;
  username?: string;
  password?: string;
  expiresAt: string;
}

/** GET /api/v1/sso/saml (libs/saml/src/http/saml-admin.dto.ts). */
export interface AttributeNames {
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  externalId: string;
  groups: string;
  licensePoolName: string;
}

export interface SamlStatus {
  configured: boolean;
  serviceProvider: {
    entityId: string;
    metadataUrl: string;
    acsUrl: string;
    loginUrl: string;
  };
  idpEntityId: string | null;
  idpSsoUrl: string | null;
  idpCertificates: { subject: string; validTo: string; fingerprintSha256: string }[];
  idpMetadata: null | {
    url: string;
    status: 'ok' | 'failing';
    lastCheckedAt: string | null;
    lastRefreshedAt: string | null;
    lastError: string | null;
  };
  attributeNames: AttributeNames | null;
  jitProvisioning: boolean;
  updatedAt: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const DEFAULT_ATTRIBUTE_NAMES: AttributeNames = {
  email: 'email',
  firstName: 'firstName',
  lastName: 'lastName',
  displayName: 'displayName',
  externalId: 'externalID',
  groups: 'groups',
  licensePoolName: 'licensePoolName',
};

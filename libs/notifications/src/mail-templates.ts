/** A rendered email: plain text only. */
export interface Mail {
  subject: string;
  text: string;
}

export interface ReactivationFacts {
  name: string | null;
  organizationName: string;
  signInUrl: string;
}

export interface ExpiryFacts {
  organizationName: string;
  expiresAt: Date;
  settingsUrl: string;
}

const SIGNATURE = '\n-- \nRollcall, on behalf of your organization\n';

function day(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function reactivationMail(facts: ReactivationFacts): Mail {
  return {
    subject: `Your ${facts.organizationName} account is active again`,
    text:
      `Hello${facts.name ? ` ${facts.name}` : ''},\n\n` +
      `Your ${facts.organizationName} account was reactivated by your organization's identity provider.\n` +
      `You can sign in again: ${facts.signInUrl}\n\n` +
      `If you did not expect this, contact your administrator.\n` +
      SIGNATURE,
  };
}

export function credentialsExpiringMail(facts: ExpiryFacts): Mail {
  return {
    subject: `${facts.organizationName}: SCIM token expires on ${day(facts.expiresAt).slice(0, 10)}`,
    text:
      `The SCIM credentials of ${facts.organizationName} expire on ${day(facts.expiresAt)}.\n` +
      `After that, your identity provider can no longer create, update or deactivate users.\n\n` +
      `To keep provisioning working, rotate the credentials (POST /api/v1/scim/integration/rotate)\n` +
      `and enter the new ones in your identity provider. Status: ${facts.settingsUrl}\n` +
      SIGNATURE,
  };
}

export function credentialsExpiredMail(facts: ExpiryFacts): Mail {
  return {
    subject: `${facts.organizationName}: SCIM token expired, provisioning has stopped`,
    text:
      `The SCIM credentials of ${facts.organizationName} expired on ${day(facts.expiresAt)}.\n` +
      `Every SCIM request from your identity provider is now refused (401): users are no longer\n` +
      `created, updated or deactivated.\n\n` +
      `Rotate the credentials (POST /api/v1/scim/integration/rotate) and enter the new ones in your\n` +
      `identity provider. Status: ${facts.settingsUrl}\n` +
      SIGNATURE,
  };
}

/** The previous SCIM credentials (kept for a rotation's grace period) expire before it ends. */
export function previousCredentialsExpiringMail(facts: ExpiryFacts): Mail {
  return {
    subject: `${facts.organizationName}: previous SCIM token expires on ${day(facts.expiresAt).slice(0, 10)}`,
    text:
      `The previous SCIM credentials of ${facts.organizationName}, which still work during the grace\n` +
      `period of the last rotation, expire on ${day(facts.expiresAt)}, before that period ends.\n\n` +
      `Make sure your identity provider uses the current credentials by then. Status (with the last\n` +
      `use of each credential): ${facts.settingsUrl}\n` +
      SIGNATURE,
  };
}

/** The previous SCIM credentials expired during a rotation's grace period. */
export function previousCredentialsExpiredMail(facts: ExpiryFacts): Mail {
  return {
    subject: `${facts.organizationName}: previous SCIM token expired`,
    text:
      `The previous SCIM credentials of ${facts.organizationName} expired on ${day(facts.expiresAt)},\n` +
      `during the grace period of the last rotation: SCIM requests with them are now refused (401).\n` +
      `The current credentials are not affected.\n\n` +
      `If your identity provider still uses the previous credentials, enter the current ones.\n` +
      `Status (with the last use of each credential): ${facts.settingsUrl}\n` +
      SIGNATURE,
  };
}

export interface WebhookDisabledFacts {
  organizationName: string;
  /** The endpoint's URL without its query string (which may hold a token). */
  url: string;
  endpointUrl: string;
  failingSince: Date;
  lastError: string | null;
}

export function webhookEndpointDisabledMail(facts: WebhookDisabledFacts): Mail {
  return {
    subject: `${facts.organizationName}: webhook endpoint disabled after repeated failures`,
    text:
      `Rollcall stopped delivering events to the webhook endpoint ${facts.url}:\n` +
      `every delivery has failed since ${day(facts.failingSince)}.\n` +
      (facts.lastError ? `Last error: ${facts.lastError}\n` : '') +
      `\nNo event is lost: the endpoint keeps its place in the event log. Once the receiver works\n` +
      `again, enable the endpoint (PATCH ${facts.endpointUrl} with {"enabled": true}) and it\n` +
      `receives every event since, in order. The delivery log: ${facts.endpointUrl}/deliveries\n` +
      SIGNATURE,
  };
}

export interface SamlCertificateExpiryFacts {
  organizationName: string;
  subject: string;
  fingerprintSha256: string;
  validTo: Date;
  thresholdDays: number;
  settingsUrl: string;
}

export function samlCertificateExpiringMail(facts: SamlCertificateExpiryFacts): Mail {
  return {
    subject: `${facts.organizationName}: the SAML identity provider's signing certificate expires on ${day(facts.validTo).slice(0, 10)}`,
    text:
      `The signing certificate of ${facts.organizationName}'s SAML identity provider expires on ${day(facts.validTo)}\n` +
      `(in ${facts.thresholdDays} days or less). Subject: ${facts.subject}\n` +
      `SHA-256 fingerprint: ${facts.fingerprintSha256}\n\n` +
      `After that date, sign-ins signed with it are refused. Before then, have the identity provider\n` +
      `make its next signing certificate and give it to Rollcall beside the current one\n` +
      `(PUT /api/v1/sso/saml with both certificates, or the IdP's metadata URL, which Rollcall\n` +
      `reads again every few hours). Status: ${facts.settingsUrl}\n` +
      SIGNATURE,
  };
}

/** Exponential backoff: 30 s after the first failure, doubling, at most one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

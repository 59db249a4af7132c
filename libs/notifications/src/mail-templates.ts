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

/** Exponential backoff: 30 s after the first failure, doubling, at most one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

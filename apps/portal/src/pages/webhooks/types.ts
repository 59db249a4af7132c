/** An event type (GET /api/v1/events/types lists them, e.g. `user.created`). */
export type EventType = string;

/** One entry of GET /api/v1/events/types. */
export interface EventTypeInfo {
  type: EventType;
  subject: 'user' | 'group' | 'scim_integration' | 'sso_connection';
  description: string;
}

/** The event types by what they are about, for the form's groups of checkboxes. */
export const EVENT_GROUPS: { label: string; subject: EventTypeInfo['subject'] }[] = [
  { label: 'Users', subject: 'user' },
  { label: 'Groups', subject: 'group' },
  { label: 'SCIM integration', subject: 'scim_integration' },
  { label: 'SSO connection', subject: 'sso_connection' },
];

/** GET /api/v1/webhooks/{id} (libs/events/src/webhooks/webhooks.dto.ts). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  types: EventType[] | null;
  enabled: boolean;
  disabledReason: 'manual' | 'failing' | null;
  cursor: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/v1/webhooks and …/rotate-secret: the endpoint and its secret, shown only then. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

/** One attempt of GET /api/v1/webhooks/{id}/deliveries. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  eventCursor: string;
  replayFrom: string;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  createdAt: string;
}

export interface DeliveryPage {
  data: WebhookDelivery[];
  nextCursor: string | null;
}

/** The event types an endpoint may subscribe to (libs/identity/src/events/event.model.ts). */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.anonymized',
  'user.pool_changed',
  'user.seat_taken',
  'user.seat_released',
  'user.role_changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.members_added',
  'group.members_removed',
  'scim_integration.enabled',
  'scim_integration.credentials_rotated',
  'scim_integration.previous_credentials_revoked',
  'scim_integration.credentials_expiring',
  'scim_integration.credentials_expired',
  'scim_integration.disabled',
  'sso_connection.created',
  'sso_connection.updated',
  'sso_connection.deleted',
  'sso_connection.certificate_expiring',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The event types by what they are about, for the form's groups of checkboxes. */
export const EVENT_GROUPS: { label: string; prefix: string }[] = [
  { label: 'Users', prefix: 'user.' },
  { label: 'Groups', prefix: 'group.' },
  { label: 'SCIM integration', prefix: 'scim_integration.' },
  { label: 'SSO connection', prefix: 'sso_connection.' },
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

import type { EventCursor, EventType } from '@rollcall/identity';

/** Why an endpoint is disabled: by an admin, or by Rollcall after failing for ROLLCALL_WEBHOOK_RETRY_HOURS. */
export type DisabledReason = 'manual' | 'failing';

/** A webhook endpoint as the admin API shows it (never its secret). */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  description: string | null;
  /** Only these event types; every type when null. */
  types: EventType[] | null;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  /** The last event delivered (or skipped past): delivery goes on after it. */
  cursor: EventCursor;
  consecutiveFailures: number;
  failingSince: Date | null;
  lastError: string | null;
  nextAttemptAt: Date;
  secretRotatedAt: Date | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An endpoint with its sealed secrets, as the repository holds it. */
export interface StoredEndpoint extends WebhookEndpoint {
  sealedSecret: string;
  sealedPreviousSecret: string | null;
  version: number;
}

/** An endpoint a delivery worker holds: it alone delivers to it until the lease runs out. */
export interface ClaimedEndpoint {
  id: string;
  organizationId: string;
  url: string;
  types: EventType[] | null;
  cursor: EventCursor;
  sealedSecret: string;
  /** The previous secret while a rotation keeps it signing. */
  sealedPreviousSecret: string | null;
  consecutiveFailures: number;
  /** The lease's fencing token: the worker's updates apply only while it is current. */
  leaseToken: string;
  /** The endpoint's version when claimed: an admin change since fences the worker out too. */
  version: number;
}

export type DeliveryOutcome = 'succeeded' | 'failed';

/** One attempt to deliver one event, as the delivery log keeps it. */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  eventCursor: EventCursor;
  attempt: number;
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  createdAt: Date;
}

export type NewDelivery = Omit<WebhookDelivery, 'id' | 'createdAt'> & { organizationId: string };

/** At most this many endpoints per organization. */
export const MAX_ENDPOINTS_PER_ORGANIZATION = 20;

/** Exponential backoff of a failing endpoint: 5 s after the first failure, doubling, at most 1 h. */
export function backoffMs(consecutiveFailures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, consecutiveFailures - 1), 3_600_000);
}

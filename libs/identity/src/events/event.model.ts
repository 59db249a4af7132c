import { DomainError } from '@rollcall/common';

/** Who made a change, as its events name it (never a secret). */
export type Actor =
  /** A SCIM request, authenticated by the organization's SCIM integration credentials. */
  | { type: 'scim'; integrationId: string }
  /** An admin API request, authenticated by an admin API key. */
  | { type: 'admin_api_key'; apiKeyId: string }
  /** The admin portal: the browser session, and the admin who signed in (null: a setup link). */
  | { type: 'admin_session'; sessionId: string; userId: string | null }
  /** A SAML sign-in: the IdP that asserted it, and the assertion's ID. */
  | { type: 'sso_sign_in'; idpEntityId: string; assertionId: string }
  /** The operator API (ROLLCALL_OPERATOR_TOKEN). */
  | { type: 'operator' }
  /** A background worker of Rollcall itself. */
  | { type: 'system'; worker: string };

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

export type SubjectType = 'user' | 'group' | 'scim_integration' | 'sso_connection';

/** An event to write: its type and what it says beyond the resource (e.g. the pools of a move). */
export interface NewEvent {
  type: EventType;
  details?: Record<string, unknown>;
}

/** Where a reader is in the log: the last event it read, by transaction id and position. */
export interface EventCursor {
  /** The xid8 of the event's transaction, as decimal text. */
  tx: string;
  /** The event's position (a sequence), as decimal text. */
  position: string;
}

/** An event as the log holds it. */
export interface StoredEvent {
  id: string;
  type: EventType;
  organizationId: string;
  occurredAt: Date;
  actor: Actor;
  subject: { type: SubjectType; id: string };
  details: Record<string, unknown>;
  /** The resource's admin representation after the change. */
  data: Record<string, unknown>;
  cursor: EventCursor;
}

const CURSOR_TEXT = /^v1\.(\d{1,20})\.(\d{1,19})$/;

/** The opaque form of a cursor in URLs and responses. */
export function encodeEventCursor(cursor: EventCursor): string {
  return Buffer.from(`v1.${cursor.tx}.${cursor.position}`).toString('base64url');
}

/** A cursor from its opaque form; a 400 `invalid_cursor` when it is not one of ours. */
export function decodeEventCursor(text: string): EventCursor {
  const match = CURSOR_TEXT.exec(Buffer.from(text, 'base64url').toString('latin1'));
  if (!match || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new DomainError(
      'invalid_cursor',
      "The cursor is not one this API gave out: pass a cursor from an earlier response (nextCursor, or an event's cursor), or leave it out to start at the oldest event kept.",
    );
  }
  return { tx: match[1], position: match[2] };
}

/** Whether `a` comes before `b` in the log. */
export function cursorBefore(a: EventCursor, b: EventCursor): boolean {
  const tx = BigInt(a.tx) - BigInt(b.tx);
  return tx < 0n || (tx === 0n && BigInt(a.position) < BigInt(b.position));
}

/** The start of the log: before every event. */
export const LOG_START: EventCursor = { tx: '0', position: '0' };

/** The actor of a SCIM request. */
export function scimActor(caller: { integrationId: string }): Actor {
  return { type: 'scim', integrationId: caller.integrationId };
}

/** The actor of an admin API request. */
export function adminActor(caller: { apiKeyId: string }): Actor {
  return { type: 'admin_api_key', apiKeyId: caller.apiKeyId };
}

/** The actor of an admin portal request (a browser session). */
export function portalActor(caller: { sessionId: string; userId: string | null }): Actor {
  return { type: 'admin_session', sessionId: caller.sessionId, userId: caller.userId };
}

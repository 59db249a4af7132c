import { EVENT_TYPES, type EventType, type SubjectType } from '@rollcall/identity';

export interface EventTypeInfo {
  type: EventType;
  /** What the event is about. */
  subject: SubjectType;
  /** When it happens, in a sentence (docs/events.md, "Catalogue", says more). */
  description: string;
}

/** Every event type: a record, so that a new type cannot go unlisted. */
const CATALOGUE: Record<EventType, Omit<EventTypeInfo, 'type'>> = {
  'user.created': {
    subject: 'user',
    description:
      'A user was created: by SCIM (also pending, when its pool is full) or at a first SAML sign-in.',
  },
  'user.updated': {
    subject: 'user',
    description: 'Profile attributes or pending/provisioned changed; details.changed names them.',
  },
  'user.deactivated': {
    subject: 'user',
    description: 'The user was deactivated: SCIM active false or DELETE, or an admin.',
  },
  'user.reactivated': {
    subject: 'user',
    description:
      'The user was reactivated: SCIM active true or a create of a deactivated user, or an admin.',
  },
  'user.anonymized': {
    subject: 'user',
    description: 'An admin anonymized the user; its earlier events lose their personal data too.',
  },
  'user.pool_changed': {
    subject: 'user',
    description: 'The user moved to another license pool (details.from, to and channel).',
  },
  'user.seat_taken': {
    subject: 'user',
    description:
      'The user took a seat in a license pool (a first sign-in, a reactivation, a move).',
  },
  'user.seat_released': {
    subject: 'user',
    description: 'The user gave a seat back (deactivated while seated, or moved).',
  },
  'user.role_changed': {
    subject: 'user',
    description: "An admin changed the user's role (details.from and to).",
  },
  'group.created': {
    subject: 'group',
    description: 'A group was created: by SCIM, or an admin’s manual group.',
  },
  'group.updated': {
    subject: 'group',
    description: 'displayName, externalId or scimManaged changed; details.changed names them.',
  },
  'group.deleted': {
    subject: 'group',
    description: 'A group was deleted; data is the group as it was.',
  },
  'group.members_added': {
    subject: 'group',
    description: 'Users joined the group (details.userIds, at most 1,000 an event).',
  },
  'group.members_removed': {
    subject: 'group',
    description: 'Users left the group (details.userIds, at most 1,000 an event).',
  },
  'scim_integration.enabled': {
    subject: 'scim_integration',
    description: 'An admin enabled SCIM.',
  },
  'scim_integration.credentials_rotated': {
    subject: 'scim_integration',
    description:
      'An admin rotated the SCIM credentials; the replaced ones work until the grace period ends.',
  },
  'scim_integration.previous_credentials_revoked': {
    subject: 'scim_integration',
    description: 'An admin ended the grace period of the replaced SCIM credentials early.',
  },
  'scim_integration.credentials_expiring': {
    subject: 'scim_integration',
    description: 'SCIM credentials expire within 30 days.',
  },
  'scim_integration.credentials_expired': {
    subject: 'scim_integration',
    description: 'SCIM credentials have expired.',
  },
  'scim_integration.disabled': {
    subject: 'scim_integration',
    description: 'An admin disabled SCIM.',
  },
  'sso_connection.created': {
    subject: 'sso_connection',
    description: 'An admin configured SAML for the first time.',
  },
  'sso_connection.updated': {
    subject: 'sso_connection',
    description:
      'The SAML settings changed: an admin, an SP key rollover, or the IdP metadata refresh.',
  },
  'sso_connection.deleted': {
    subject: 'sso_connection',
    description: 'An admin turned SAML off.',
  },
  'sso_connection.certificate_expiring': {
    subject: 'sso_connection',
    description: 'An IdP signing certificate expires within 90 days, then within 30.',
  },
};

/** The catalogue of event types in EVENT_TYPES' order, for GET /api/v1/events/types. */
export const EVENT_CATALOGUE: readonly EventTypeInfo[] = EVENT_TYPES.map((type) => ({
  type,
  ...CATALOGUE[type],
}));

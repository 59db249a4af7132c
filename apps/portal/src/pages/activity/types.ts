/** One entry of GET /api/v1/scim/logs (libs/integration/src/logs/provisioning-log.controller.ts). */
export interface ScimLogEntry {
  id: string;
  occurredAt: string;
  requestId: string | null;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  status: number;
  outcome: 'success' | 'failure';
  scimType: string | null;
  detail: string | null;
  durationMs: number;
}

export type SignInOutcome = 'success' | 'refused' | 'rejected';

/** One entry of GET /api/v1/sso/sign-ins (libs/saml/src/http/saml-admin.dto.ts). */
export interface SignInEntry {
  id: string;
  occurredAt: string;
  flow: 'sp' | 'idp';
  outcome: SignInOutcome;
  reason: string;
  detail: string;
  subject: string | null;
  userId: string | null;
  licensePoolName: string | null;
  clientIp: string | null;
}

/** A page of a newest-first cursor list. */
export interface Paged<T> {
  data: T[];
  nextCursor: string | null;
}

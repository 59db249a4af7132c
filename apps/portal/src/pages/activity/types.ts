import type { ProvisioningLogEntry, SignInAttempt } from '../../api';

export type { Paged, SignInOutcome } from '../../api';
/** One entry of GET /api/v1/scim/logs. */
export type ScimLogEntry = ProvisioningLogEntry;
/** One entry of GET /api/v1/sso/sign-ins. */
export type SignInEntry = SignInAttempt;

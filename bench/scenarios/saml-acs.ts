import type { Scenario } from './types';

/**
 * POST /sso/saml/{orgSlug}/acs with a signed SAML response for a seeded user: NOT AVAILABLE YET.
 * SAML SSO (libs/saml) is being written; this placeholder keeps its row in the table. To fill it
 * in: configure the tenant's SAML connection in `prepare` (PUT /api/v1/sso/saml with a test IdP
 * certificate), return an HTTP workload whose `next()` posts a freshly signed response (a new
 * assertion id each time: replays are refused) for a random seeded user, and drop `unavailable`.
 */
export const samlAcs: Scenario = {
  id: 'saml-acs',
  title: 'SAML ACS sign-in',
  tenant: 'large',
  unavailable: () => 'not available yet (SAML SSO has not landed)',
  prepare: () => Promise.reject(new Error('the SAML ACS scenario is not available yet')),
};

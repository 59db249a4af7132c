import { userName } from '../lib/payloads';
import { between, random, type Scenario } from './types';

/** GET /Users?filter=emails[type eq "work"].value eq "…" (how Okta and Entra match on email). */
function lookup(tenant: 'small' | 'large'): Scenario {
  return {
    id: `lookup-email-${tenant}`,
    title: 'emails[type eq "work"].value eq lookup',
    tenant,
    capture: true,
    budget: 2,
    explain: true,
    prepare: async ({ tenants }) => {
      const t = tenants[tenant];
      const next = random(2);
      return {
        kind: 'http',
        auth: t.scimAuth,
        next: () => {
          const email = userName(t.domain, between(next, 1, t.users)).toLowerCase();
          const filter = `emails[type eq "work"].value eq "${email}"`;
          return { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(filter)}` };
        },
        verify: (body) => body.includes('"totalResults":1,'),
      };
    },
  };
}

export const lookupEmailSmall = lookup('small');
export const lookupEmailLarge = lookup('large');

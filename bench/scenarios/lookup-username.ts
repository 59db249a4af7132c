import { userName } from '../lib/payloads';
import { between, random, type Scenario } from './types';

/** GET /Users?filter=userName eq "…" for a random existing user (an IdP's "does it exist?"). */
function lookup(tenant: 'small' | 'large'): Scenario {
  return {
    id: `lookup-username-${tenant}`,
    title: 'userName eq lookup',
    tenant,
    capture: true,
    budget: 2,
    explain: true,
    prepare: async ({ tenants }) => {
      const t = tenants[tenant];
      const next = random(1);
      return {
        kind: 'http',
        auth: t.scimAuth,
        next: () => {
          const filter = `userName eq "${userName(t.domain, between(next, 1, t.users))}"`;
          return { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(filter)}` };
        },
        verify: (body) => body.includes('"totalResults":1,'),
      };
    },
  };
}

export const lookupUserNameSmall = lookup('small');
export const lookupUserNameLarge = lookup('large');

import { between, random, type Scenario } from './types';

const COUNT = 100;

/**
 * GET /Users?startIndex=…&count=100 near the end of the tenant's users: what an IdP's full
 * re-read costs on its last pages. Offset paging reads every row before the page, so this one grows
 * with the tenant by nature; it runs on two connections with a long timeout.
 */
function deepPage(tenant: 'small' | 'large'): Scenario {
  return {
    id: `deep-page-${tenant}`,
    title: `List page deep in the result (count=${COUNT})`,
    tenant,
    capture: true,
    explain: true,
    prepare: async ({ tenants }) => {
      const t = tenants[tenant];
      const next = random(3);
      return {
        kind: 'http',
        auth: t.scimAuth,
        connections: 2,
        timeoutSeconds: 120,
        next: () => ({
          method: 'GET',
          path: `/scim/v2/Users?startIndex=${between(next, Math.max(1, t.users - 10 * COUNT), Math.max(1, t.users - COUNT))}&count=${COUNT}`,
        }),
        verify: (body) => body.includes(`"itemsPerPage":${COUNT},`),
      };
    },
  };
}

export const deepPageSmall = deepPage('small');
export const deepPageLarge = deepPage('large');

import type { Scenario } from './types';

/** GET /api/v1/users?poolId=… (the admin's first page of a pool holding 10% of the users). */
function byPool(tenant: 'small' | 'large'): Scenario {
  return {
    id: `admin-users-pool-${tenant}`,
    title: 'Admin list users filtered by pool',
    tenant,
    capture: true,
    explain: true,
    prepare: async ({ tenants }) => {
      const t = tenants[tenant];
      return {
        kind: 'http',
        auth: t.adminAuth,
        next: () => ({
          method: 'GET',
          path: `/api/v1/users?poolId=${t.pools.contractorsId}&limit=50`,
        }),
        verify: (body) => body.startsWith('{"data":[{'),
      };
    },
  };
}

export const adminUsersByPoolSmall = byPool('small');
export const adminUsersByPoolLarge = byPool('large');

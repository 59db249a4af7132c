import { userPayload } from '../lib/payloads';
import type { Scenario } from './types';

/** POST /Users as Entra sends it; every user new (externalId new-…: removed by the next run). */
export const scimCreate: Scenario = {
  id: 'scim-create',
  title: 'SCIM create user',
  tenant: 'large',
  capture: true,
  budget: 2,
  prepare: async ({ tenants, runId }) => {
    const tenant = tenants.large;
    let n = 0;
    return {
      kind: 'http',
      auth: tenant.scimAuth,
      next: () => {
        n++;
        return {
          method: 'POST',
          path: '/scim/v2/Users',
          body: userPayload(tenant.domain, n, {
            userName: `New-${runId}-${n}@${tenant.domain}`,
            externalId: `new-${runId}-${n}`,
          }),
        };
      },
      verify: (body) => body.includes('"id":"'),
    };
  },
};

import { userIds } from '../lib/fixtures';
import { userPayload } from '../lib/payloads';
import type { Scenario } from './types';

const USERS = 1_000;

/** PUT /Users/{id} with the whole user, a new title each time, round-robin over 1,000 users. */
export const putUser: Scenario = {
  id: 'put-user',
  title: 'PUT user',
  tenant: 'large',
  capture: true,
  prepare: async ({ db, tenants }) => {
    const t = tenants.large;
    const first = t.users - USERS + 1;
    const ids = await userIds(db, t, first, t.users);
    let n = 0;
    return {
      kind: 'http',
      auth: t.scimAuth,
      next: () => {
        const index = n % ids.length;
        n++;
        return {
          method: 'PUT',
          path: `/scim/v2/Users/${ids[index] ?? ''}`,
          body: userPayload(t.domain, first + index, { title: `Engineer ${n}` }),
        };
      },
      verify: (body) => body.includes('"title":"Engineer '),
    };
  },
};

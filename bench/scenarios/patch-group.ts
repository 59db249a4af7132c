import { userIds } from '../lib/fixtures';
import { PATCH_SCHEMA } from '../lib/payloads';
import type { Scenario } from './types';

const CANDIDATES = 1_000;

/**
 * PATCH /Groups/{id} adding one member, then removing it again (as Entra sends them): each
 * connection adds a user and then removes that same user, on the ten-member group and on the
 * 100,000-member one. The users come from a thousand in neither group, so every request really
 * changes one membership, and the group is back to its size after every pair.
 */
function patchGroup(group: 'small' | 'big'): Scenario {
  return {
    id: `patch-group-${group}`,
    title: (options) =>
      `One-member PATCH, group of ${(group === 'big' ? options.groupSize : options.smallGroupSize).toLocaleString('en-US')}`,
    tenant: 'large',
    capture: true,
    budget: 3,
    explain: true,
    prepare: async ({ db, tenants, options }) => {
      const t = tenants.large;
      const target = t.groups?.[group];
      if (!target) throw new Error('the large tenant has no groups');
      const first = options.groupSize + options.smallGroupSize + 1;
      const candidates = await userIds(db, t, first, first + CANDIDATES - 1);
      let n = 0;
      return {
        kind: 'http',
        auth: t.scimAuth,
        // Each connection adds a member, then removes that same member: the group never keeps one.
        steps: 2,
        next: (state, step) => {
          const add = step === 0;
          if (add) state.user = candidates[n++ % candidates.length];
          const user = String(state.user);
          return {
            method: 'PATCH',
            path: `/scim/v2/Groups/${target.id}`,
            body: {
              schemas: [PATCH_SCHEMA],
              Operations: add
                ? [{ op: 'Add', path: 'members', value: [{ value: user }] }]
                : [{ op: 'Remove', path: `members[value eq "${user}"]` }],
            },
          };
        },
      };
    },
  };
}

export const patchGroupSmall = patchGroup('small');
export const patchGroupBig = patchGroup('big');

/**
 * The pool-assignment policy of SPEC §3, as a pure decision so that every channel (SCIM create, SCIM
 * update, SSO sign-in, an admin's move, a pool's deletion) gets the same answer from the same code,
 * and so its rules can be read and tested as one table.
 */

/**
 * - `scim_create`, `scim_update`, `sso_sign_in`: the IdP names a pool by its name (rules 1–5).
 * - `admin_move`: an admin names a pool by its id; rule 1 does not apply (the admin picks among the
 *   pools that exist), and only a seated user needs a free seat in the target (rule 5 for admins:
 *   a user without a seat may be moved into a full pool).
 * - `pool_delete`: the users of a deleted pool go to the default pool (named by id), with all the
 *   seats they hold (`user.seats`): refused when the default pool cannot hold them.
 */
export type Channel = IdpChannel | AdminChannel;
export type IdpChannel = 'scim_create' | 'scim_update' | 'sso_sign_in';
export type AdminChannel = 'admin_move' | 'pool_delete';

/** The literal that names the default pool (any case). */
export const DEFAULT_POOL_ALIAS = 'default license pool';

export interface PoolSnapshot {
  id: string;
  name: string;
  isDefault: boolean;
  capacity: number;
  used: number;
}

/**
 * What the request said about the pool: nothing, a name (null/blank included; the IdP channels), or
 * a pool's id (the admin channels).
 */
export type RequestedPool = NamedPool | { present: true; poolId: string };

/** What an IdP's request (SCIM) or assertion (SSO) said: nothing, or a pool's name. */
export type NamedPool = { present: false } | { present: true; value: string | null };

export interface PolicyInput {
  channel: Channel;
  /** Every pool of the organization, the default one included. */
  pools: PoolSnapshot[];
  requested: RequestedPool;
  /**
   * The existing user, or undefined for a user about to be created. `seats`: how many seats move
   * with it (a deleted pool's users together; 1 when omitted).
   */
  user?: { poolId: string; seated: boolean; seats?: number };
}

export type PoolDecision =
  /** The user stays where it is (or, when new, goes to the default pool). */
  | { outcome: 'keep'; pool: PoolSnapshot; full: boolean }
  /** The user goes to `pool`; `full` says it has no seat left (a new SCIM user is then pending). */
  | { outcome: 'assign'; pool: PoolSnapshot; full: boolean }
  | { outcome: 'reject'; reason: 'unknown_pool'; value: string }
  | { outcome: 'reject'; reason: 'pool_full'; pool: PoolSnapshot };

const remaining = (pool: PoolSnapshot) => pool.capacity - pool.used;

function defaultPool(pools: PoolSnapshot[]): PoolSnapshot {
  const found = pools.find((p) => p.isDefault);
  if (!found) throw new Error('an organization always has a default pool');
  return found;
}

/** Rules 1–4: which pool the request names, if any. */
function target(input: PolicyInput): PoolSnapshot | { unknown: string } | undefined {
  const { pools, requested } = input;
  if (requested.present && 'poolId' in requested) {
    // The admin channels name a pool that exists, or nothing valid.
    return pools.find((p) => p.id === requested.poolId) ?? { unknown: requested.poolId };
  }
  const hasCustomPools = pools.some((p) => !p.isDefault);
  // Rule 1: without custom pools the attribute is ignored. Rule 2: absent → no change.
  if (!hasCustomPools || !requested.present) return undefined;
  const value = (requested.value ?? '').trim();
  // Rule 3: blank or the literal "default license pool" → the default pool.
  if (value === '' || value.toLowerCase() === DEFAULT_POOL_ALIAS) return defaultPool(pools);
  // Rule 4: a pool's name, case-insensitively; anything else is refused.
  return pools.find((p) => p.name.toLowerCase() === value.toLowerCase()) ?? { unknown: value };
}

export function decidePool(input: PolicyInput): PoolDecision {
  const current = input.user
    ? input.pools.find((p) => p.id === input.user?.poolId)
    : defaultPool(input.pools);
  const named = target(input);
  if (named && 'unknown' in named) {
    return { outcome: 'reject', reason: 'unknown_pool', value: named.unknown };
  }
  const pool = named ?? current ?? defaultPool(input.pools);
  const moving = !input.user || pool.id !== input.user.poolId;
  const seated = input.user?.seated === true;
  const full = remaining(pool) < (seated && moving ? (input.user?.seats ?? 1) : 1);
  // A user already seated in the pool keeps its seat (rule 5's exception).
  const seatedHere = !moving && seated;
  if (full && !seatedHere) {
    switch (input.channel) {
      case 'scim_create':
        break; // rule 5: created, but pending
      case 'scim_update':
        if (moving) return { outcome: 'reject', reason: 'pool_full', pool };
        break; // not a move: nothing changes
      case 'sso_sign_in':
        // Rule 5 for sign-in: a user without a seat in a full pool cannot enter (moving or not).
        return { outcome: 'reject', reason: 'pool_full', pool };
      case 'admin_move':
      case 'pool_delete':
        // Seats move with seated users; a user without one may go to a full pool.
        if (moving && seated) return { outcome: 'reject', reason: 'pool_full', pool };
        break;
    }
  }
  return { outcome: moving && named ? 'assign' : 'keep', pool, full };
}

/** How every channel says that a pool has no seat left. */
export function poolFullMessage(pool: { name: string; used: number; capacity: number }): string {
  return `License pool '${pool.name}' is full (${pool.used} of ${pool.capacity} seats used)`;
}

/** The message an IdP admin (or a person at the sign-in page) can act on. */
export function describeRejection(decision: Extract<PoolDecision, { outcome: 'reject' }>): string {
  return decision.reason === 'unknown_pool'
    ? `License pool '${decision.value}' does not exist`
    : poolFullMessage(decision.pool);
}

/**
 * The pool-assignment policy of SPEC §3, as a pure decision so that every channel (SCIM create, SCIM
 * update, SSO sign-in) gets the same answer from the same code, and so its rules can be read and
 * tested as one table.
 */

export type Channel = 'scim_create' | 'scim_update' | 'sso_sign_in';

/** The literal that names the default pool (any case). */
export const DEFAULT_POOL_ALIAS = 'default license pool';

export interface PoolSnapshot {
  id: string;
  name: string;
  isDefault: boolean;
  capacity: number;
  used: number;
}

/** What the request said about the pool: nothing, or a value (null/blank included). */
export type RequestedPool = { present: false } | { present: true; value: string | null };

export interface PolicyInput {
  channel: Channel;
  /** Every pool of the organization, the default one included. */
  pools: PoolSnapshot[];
  requested: RequestedPool;
  /** The existing user, or undefined for a user about to be created. */
  user?: { poolId: string; seated: boolean };
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
  const full = remaining(pool) <= 0;
  const moving = !input.user || pool.id !== input.user.poolId;
  // A user already seated in the pool keeps its seat (rule 5's exception).
  const seatedHere = !moving && input.user?.seated === true;
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

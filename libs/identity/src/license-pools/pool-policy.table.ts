import type { AdminChannel, IdpChannel, NamedPool } from './pool-policy';

/**
 * SPEC §3's pool-assignment rules as one table, shared by the unit spec of the policy and by the
 * end-to-end suites of each channel (SCIM now, SSO sign-in with the SAML issue), so every channel is
 * held to the same answers.
 *
 * The organization in every case: a default pool with room, plus (when `customPools`) a custom pool
 * "Sales" with room and a custom pool "Full" with no seat left.
 */
export type TargetState = 'room' | 'full';
export type UserState =
  | 'new'
  /** Holds a seat (status active) in the default pool. */
  | 'seated_in_default'
  /** In the default pool without a seat (provisioned). */
  | 'unseated_in_default'
  /** Holds a seat in Sales. */
  | 'seated_in_sales'
  /** Holds a seat in Full. */
  | 'seated_in_full'
  /** Deactivated, in Full. */
  | 'deactivated_in_full';

export type Expected =
  | { outcome: 'default' } // stays in / goes to the default pool
  | { outcome: 'unchanged' } // an existing user keeps its pool
  | { outcome: 'assigned'; pool: 'Sales' | 'Full' | 'Default license pool'; pending?: boolean }
  | { outcome: 'rejected'; message: RegExp };

export interface PolicyCase {
  name: string;
  channel: IdpChannel;
  customPools: boolean;
  requested: NamedPool;
  user: UserState;
  expected: Expected;
}

const absent: NamedPool = { present: false };
const value = (v: string | null): NamedPool => ({ present: true, value: v });
const unknownPool = /License pool 'Marketing' does not exist/;
const fullPool = /License pool 'Full' is full \(\d+ of \d+ seats used\)/;

function forEveryChannel(
  rows: Omit<PolicyCase, 'channel' | 'name'>[],
  channels: IdpChannel[],
): PolicyCase[] {
  return channels.flatMap((channel) =>
    rows.map((row) => ({
      ...row,
      channel,
      name: `${channel} · ${row.customPools ? 'custom pools' : 'no custom pools'} · ${
        row.requested.present ? JSON.stringify(row.requested.value) : 'absent'
      } · ${row.user}`,
    })),
  );
}

const NEW_USER_CHANNELS: IdpChannel[] = ['scim_create', 'sso_sign_in'];

export const POLICY_CASES: PolicyCase[] = [
  // Rule 1: no custom pools → the attribute is ignored, whatever it says.
  ...forEveryChannel(
    [
      {
        customPools: false,
        requested: value('Sales'),
        user: 'new',
        expected: { outcome: 'default' },
      },
      {
        customPools: false,
        requested: value('Marketing'),
        user: 'new',
        expected: { outcome: 'default' },
      },
      { customPools: false, requested: absent, user: 'new', expected: { outcome: 'default' } },
    ],
    NEW_USER_CHANNELS,
  ),
  ...forEveryChannel(
    [
      {
        customPools: false,
        requested: value('Marketing'),
        user: 'seated_in_default',
        expected: { outcome: 'unchanged' },
      },
    ],
    ['scim_update', 'sso_sign_in'],
  ),
  // Rule 2: absent → no change (new users go to the default pool).
  ...forEveryChannel(
    [{ customPools: true, requested: absent, user: 'new', expected: { outcome: 'default' } }],
    NEW_USER_CHANNELS,
  ),
  ...forEveryChannel(
    [
      {
        customPools: true,
        requested: absent,
        user: 'seated_in_default',
        expected: { outcome: 'unchanged' },
      },
      {
        customPools: true,
        requested: absent,
        user: 'seated_in_sales',
        expected: { outcome: 'unchanged' },
      },
    ],
    ['scim_update', 'sso_sign_in'],
  ),
  // Rule 3: blank, null or "default license pool" (any case) → the default pool.
  ...forEveryChannel(
    [
      { customPools: true, requested: value(''), user: 'new', expected: { outcome: 'default' } },
      { customPools: true, requested: value(null), user: 'new', expected: { outcome: 'default' } },
      {
        customPools: true,
        requested: value('  DEFAULT License Pool '),
        user: 'new',
        expected: { outcome: 'default' },
      },
    ],
    NEW_USER_CHANNELS,
  ),
  ...forEveryChannel(
    [
      {
        customPools: true,
        requested: value(''),
        user: 'seated_in_sales',
        expected: { outcome: 'assigned', pool: 'Default license pool' },
      },
      {
        customPools: true,
        requested: value('default license pool'),
        user: 'seated_in_sales',
        expected: { outcome: 'assigned', pool: 'Default license pool' },
      },
    ],
    ['scim_update', 'sso_sign_in'],
  ),
  // Rule 4: a pool's name in any case, surrounding spaces ignored; no match → refused.
  ...forEveryChannel(
    [
      {
        customPools: true,
        requested: value(' sales '),
        user: 'new',
        expected: { outcome: 'assigned', pool: 'Sales' },
      },
      {
        customPools: true,
        requested: value('Marketing'),
        user: 'new',
        expected: { outcome: 'rejected', message: unknownPool },
      },
    ],
    NEW_USER_CHANNELS,
  ),
  ...forEveryChannel(
    [
      {
        customPools: true,
        requested: value('SALES'),
        user: 'seated_in_default',
        expected: { outcome: 'assigned', pool: 'Sales' },
      },
      {
        customPools: true,
        requested: value('SALES'),
        user: 'unseated_in_default',
        expected: { outcome: 'assigned', pool: 'Sales' },
      },
      {
        customPools: true,
        requested: value('Marketing'),
        user: 'seated_in_default',
        expected: { outcome: 'rejected', message: unknownPool },
      },
    ],
    ['scim_update', 'sso_sign_in'],
  ),
  // Rule 5: the target pool is full and the user holds no seat in it.
  {
    name: 'scim_create · full pool → created pending',
    channel: 'scim_create',
    customPools: true,
    requested: value('Full'),
    user: 'new',
    expected: { outcome: 'assigned', pool: 'Full', pending: true },
  },
  {
    name: 'sso_sign_in · new user, full pool → refused',
    channel: 'sso_sign_in',
    customPools: true,
    requested: value('Full'),
    user: 'new',
    expected: { outcome: 'rejected', message: fullPool },
  },
  ...forEveryChannel(
    [
      {
        customPools: true,
        requested: value('Full'),
        user: 'seated_in_default',
        expected: { outcome: 'rejected', message: fullPool },
      },
      {
        customPools: true,
        requested: value('Full'),
        user: 'unseated_in_default',
        expected: { outcome: 'rejected', message: fullPool },
      },
      // Already seated in the full pool: nothing to take, nothing refused.
      {
        customPools: true,
        requested: value('full'),
        user: 'seated_in_full',
        expected: { outcome: 'unchanged' },
      },
    ],
    ['scim_update', 'sso_sign_in'],
  ),
  // In the full pool but deactivated: SCIM changes nothing; sign-in is refused (rule 5).
  {
    name: 'scim_update · deactivated in the full pool → unchanged',
    channel: 'scim_update',
    customPools: true,
    requested: value('Full'),
    user: 'deactivated_in_full',
    expected: { outcome: 'unchanged' },
  },
  {
    name: 'sso_sign_in · deactivated in the full pool → refused',
    channel: 'sso_sign_in',
    customPools: true,
    requested: value('Full'),
    user: 'deactivated_in_full',
    expected: { outcome: 'rejected', message: fullPool },
  },
];

/**
 * The admin channels, in the same organization (a default pool with room — 7 of 10 seats free — and,
 * when `customPools`, "Sales" with room and "Full" with none). An admin names the target by id:
 * `target` is the pool's name here ("Marketing": an id of no pool), which each test turns into an id.
 *
 * - `admin_move`: an admin moves one user (PATCH /api/v1/users/{id} with licensePoolId).
 * - `pool_delete`: the user's pool is deleted, and its users go to the default pool with the
 *   `seats` they hold together (DELETE /api/v1/license-pools/{id}).
 */
export interface AdminPolicyCase {
  name: string;
  channel: AdminChannel;
  customPools: boolean;
  target: 'Default license pool' | 'Sales' | 'Full' | 'Marketing';
  user: Exclude<UserState, 'new'>;
  /** pool_delete: the seats the deleted pool's users hold (its `used`). */
  seats?: number;
  expected:
    | { outcome: 'unchanged' }
    | { outcome: 'assigned'; pool: 'Sales' | 'Full' | 'Default license pool' }
    | { outcome: 'rejected'; reason: 'unknown_pool' | 'pool_full' };
}

export const ADMIN_POLICY_CASES: AdminPolicyCase[] = [
  // A seated user takes a seat in the target first; a full target refuses it.
  {
    name: 'admin_move · seated → a pool with room',
    channel: 'admin_move',
    customPools: true,
    target: 'Sales',
    user: 'seated_in_default',
    expected: { outcome: 'assigned', pool: 'Sales' },
  },
  {
    name: 'admin_move · seated → back to the default pool',
    channel: 'admin_move',
    customPools: true,
    target: 'Default license pool',
    user: 'seated_in_sales',
    expected: { outcome: 'assigned', pool: 'Default license pool' },
  },
  {
    name: 'admin_move · seated → a full pool: refused',
    channel: 'admin_move',
    customPools: true,
    target: 'Full',
    user: 'seated_in_default',
    expected: { outcome: 'rejected', reason: 'pool_full' },
  },
  // Without a seat, nothing is taken: a full pool is no obstacle.
  {
    name: 'admin_move · without a seat → a full pool',
    channel: 'admin_move',
    customPools: true,
    target: 'Full',
    user: 'unseated_in_default',
    expected: { outcome: 'assigned', pool: 'Full' },
  },
  {
    name: 'admin_move · deactivated in the full pool → a pool with room',
    channel: 'admin_move',
    customPools: true,
    target: 'Sales',
    user: 'deactivated_in_full',
    expected: { outcome: 'assigned', pool: 'Sales' },
  },
  // The pool it is in: nothing changes, even when that pool is full.
  {
    name: 'admin_move · seated in the full pool → the same pool',
    channel: 'admin_move',
    customPools: true,
    target: 'Full',
    user: 'seated_in_full',
    expected: { outcome: 'unchanged' },
  },
  {
    name: 'admin_move · no custom pools → the default pool it is in',
    channel: 'admin_move',
    customPools: false,
    target: 'Default license pool',
    user: 'seated_in_default',
    expected: { outcome: 'unchanged' },
  },
  // Rule 1 does not apply to ids: an id of no pool is refused, custom pools or not.
  {
    name: 'admin_move · an id of no pool: refused',
    channel: 'admin_move',
    customPools: true,
    target: 'Marketing',
    user: 'seated_in_default',
    expected: { outcome: 'rejected', reason: 'unknown_pool' },
  },
  {
    name: 'admin_move · an id of no pool, no custom pools: refused',
    channel: 'admin_move',
    customPools: false,
    target: 'Marketing',
    user: 'seated_in_default',
    expected: { outcome: 'rejected', reason: 'unknown_pool' },
  },
  // A deleted pool's users go to the default pool with their seats, if it can hold them.
  {
    name: 'pool_delete · one seat → the default pool',
    channel: 'pool_delete',
    customPools: true,
    target: 'Default license pool',
    user: 'seated_in_sales',
    seats: 1,
    expected: { outcome: 'assigned', pool: 'Default license pool' },
  },
  {
    name: 'pool_delete · as many seats as the default pool has free',
    channel: 'pool_delete',
    customPools: true,
    target: 'Default license pool',
    user: 'seated_in_full',
    seats: 7,
    expected: { outcome: 'assigned', pool: 'Default license pool' },
  },
  {
    name: 'pool_delete · more seats than the default pool has free: refused',
    channel: 'pool_delete',
    customPools: true,
    target: 'Default license pool',
    user: 'seated_in_full',
    seats: 8,
    expected: { outcome: 'rejected', reason: 'pool_full' },
  },
  {
    name: 'pool_delete · users without seats → the default pool',
    channel: 'pool_delete',
    customPools: true,
    target: 'Default license pool',
    user: 'deactivated_in_full',
    seats: 0,
    expected: { outcome: 'assigned', pool: 'Default license pool' },
  },
];

import type { Channel, RequestedPool } from './pool-policy';

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
  channel: Channel;
  customPools: boolean;
  requested: RequestedPool;
  user: UserState;
  expected: Expected;
}

const absent: RequestedPool = { present: false };
const value = (v: string | null): RequestedPool => ({ present: true, value: v });
const unknownPool = /License pool 'Marketing' does not exist/;
const fullPool = /License pool 'Full' is full \(\d+ of \d+ seats used\)/;

function forEveryChannel(
  rows: Omit<PolicyCase, 'channel' | 'name'>[],
  channels: Channel[],
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

const NEW_USER_CHANNELS: Channel[] = ['scim_create', 'sso_sign_in'];

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

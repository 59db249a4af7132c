import type { User } from './user.model';
import { userChangeEvents } from './user-events';

const DEFAULT = { id: 'p-default', name: 'Default', isDefault: true };
const SALES = { id: 'p-sales', name: 'Sales', isDefault: false };

function aUser(overrides: Partial<User> = {}): User {
  return {
    userName: 'pat@example.com',
    externalId: null,
    formattedName: null,
    givenName: 'Pat',
    familyName: 'Lee',
    middleName: null,
    honorificPrefix: null,
    honorificSuffix: null,
    displayName: null,
    nickName: null,
    profileUrl: null,
    title: null,
    userType: null,
    preferredLanguage: null,
    locale: null,
    timezone: null,
    emails: [{ value: 'pat@example.com', primary: true, type: 'work' }],
    phoneNumbers: [],
    addresses: [],
    ims: [],
    photos: [],
    enterprise: {},
    id: 'u1',
    organizationId: 'o1',
    role: 'user',
    licensePool: DEFAULT,
    licenseTier: 'enterprise',
    status: 'provisioned',
    scimManaged: true,
    firstLoginAt: null,
    lastLoginAt: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version: 1,
    ...overrides,
  };
}

const pool = (p: typeof DEFAULT) => ({ id: p.id, name: p.name });
type Row = [string, User | null, User, string | undefined, [string, object?][]];

/** The catalogue's transitions: before, after, pool channel → the events, in order. */
const TABLE: Row[] = [
  ['created provisioned', null, aUser(), undefined, [['user.created']]],
  [
    'created by a first sign-in, seated',
    null,
    aUser({ status: 'active' }),
    undefined,
    [['user.created'], ['user.seat_taken', { pool: pool(DEFAULT) }]],
  ],
  [
    'profile fields changed (key order in values does not count)',
    aUser(),
    aUser({
      givenName: 'Patricia',
      emails: [{ type: 'work', primary: true, value: 'pat@example.com' }],
    }),
    undefined,
    [['user.updated', { changed: ['givenName'] }]],
  ],
  [
    'nothing changed (a sign-in stamps lastLoginAt only)',
    aUser({ status: 'active' }),
    aUser({ status: 'active', lastLoginAt: new Date() }),
    undefined,
    [],
  ],
  [
    'first sign-in: a seat, and the pro tier',
    aUser(),
    aUser({ status: 'active', licenseTier: 'pro', firstLoginAt: new Date() }),
    undefined,
    [
      ['user.updated', { changed: ['licenseTier'] }],
      ['user.seat_taken', { pool: pool(DEFAULT) }],
    ],
  ],
  [
    'pending becomes provisioned',
    aUser({ status: 'pending' }),
    aUser(),
    undefined,
    [['user.updated', { changed: ['status'] }]],
  ],
  [
    'a seated user deactivated',
    aUser({ status: 'active' }),
    aUser({ status: 'deactivated' }),
    undefined,
    [['user.deactivated'], ['user.seat_released', { pool: pool(DEFAULT) }]],
  ],
  [
    'a provisioned user deactivated',
    aUser(),
    aUser({ status: 'deactivated' }),
    undefined,
    [['user.deactivated']],
  ],
  [
    'reactivated to active (signed in before)',
    aUser({ status: 'deactivated' }),
    aUser({ status: 'active' }),
    undefined,
    [['user.reactivated'], ['user.seat_taken', { pool: pool(DEFAULT) }]],
  ],
  [
    'reactivated to provisioned',
    aUser({ status: 'deactivated' }),
    aUser(),
    undefined,
    [['user.reactivated']],
  ],
  [
    'a seated user moved: its seat moves too',
    aUser({ status: 'active' }),
    aUser({ status: 'active', licensePool: SALES }),
    'admin_move',
    [
      ['user.pool_changed', { from: pool(DEFAULT), to: pool(SALES), channel: 'admin_move' }],
      ['user.seat_released', { pool: pool(DEFAULT) }],
      ['user.seat_taken', { pool: pool(SALES) }],
    ],
  ],
  [
    'a provisioned user moved',
    aUser(),
    aUser({ licensePool: SALES }),
    'scim_update',
    [['user.pool_changed', { from: pool(DEFAULT), to: pool(SALES), channel: 'scim_update' }]],
  ],
  [
    'role changed',
    aUser(),
    aUser({ role: 'admin' }),
    undefined,
    [['user.role_changed', { from: 'user', to: 'admin' }]],
  ],
  [
    'anonymized: no user.updated for the erased profile',
    aUser({ status: 'deactivated' }),
    aUser({ status: 'anonymized', userName: 'anonymized-u1', givenName: null, emails: [] }),
    undefined,
    [['user.anonymized']],
  ],
];

describe('userChangeEvents', () => {
  it.each(TABLE)('%s', (_name, before, after, channel, expected) => {
    const events = userChangeEvents(before, after, channel as never);
    expect(events.map((e) => (e.details ? [e.type, e.details] : [e.type]))).toEqual(expected);
  });
});

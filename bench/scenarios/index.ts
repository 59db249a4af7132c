/**
 * Every scenario, in the order they run within a round (pairs side by side, so that the noise of a
 * shared machine falls on both). Adding one: a file in this folder, and a line here.
 */
import { adminUsersByPoolLarge, adminUsersByPoolSmall } from './admin-users-by-pool';
import { cursorPageLarge, cursorPageSmall } from './cursor-page';
import { deepPageLarge, deepPageSmall } from './deep-page';
import { EVENT_SCENARIOS } from './events';
import { lookupEmailLarge, lookupEmailSmall } from './lookup-email';
import { lookupUserNameLarge, lookupUserNameSmall } from './lookup-username';
import { patchGroupBig, patchGroupSmall } from './patch-group';
import { PEER_SCENARIOS } from './peer';
import { putUser } from './put-user';
import { samlAcs, samlLibrary } from './saml-acs';
import { scimCreate } from './scim-create';
import { sqlCreate } from './sql-create';
import type { Scenario } from './types';

export const SCENARIOS: Scenario[] = [
  scimCreate,
  sqlCreate,
  lookupUserNameSmall,
  lookupUserNameLarge,
  lookupEmailSmall,
  lookupEmailLarge,
  deepPageSmall,
  deepPageLarge,
  cursorPageSmall,
  cursorPageLarge,
  patchGroupSmall,
  patchGroupBig,
  putUser,
  samlAcs,
  samlLibrary,
  adminUsersByPoolSmall,
  adminUsersByPoolLarge,
  // Event delivery: on/off side by side, then delivery (servers of their own; need NATS).
  ...EVENT_SCENARIOS,
  // With --peer only: each operation on the peer, then on Rollcall.
  ...PEER_SCENARIOS,
];

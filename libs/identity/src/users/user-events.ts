import type { NewEvent } from '../events/event.model';
import type { Channel } from '../license-pools/pool-policy';
import { PROFILE_FIELDS, type User } from './user.model';

/** Attributes whose change is a `user.updated` (status, pool and role have events of their own). */
const UPDATE_FIELDS = [...PROFILE_FIELDS, 'licenseTier', 'scimManaged'] as const;

/**
 * The events of one change to a user, from the user before it (null: the change created it) and
 * after it; `poolChannel` names the pool policy's channel when the change moved the user.
 * Pure: the table of transitions in user-events.spec.ts is the catalogue's definition.
 */
export function userChangeEvents(
  before: User | null,
  after: User,
  poolChannel?: Channel,
): NewEvent[] {
  const pool = (user: User) => ({ id: user.licensePool.id, name: user.licensePool.name });
  if (before === null) {
    return [
      { type: 'user.created' },
      ...(after.status === 'active'
        ? [{ type: 'user.seat_taken' as const, details: { pool: pool(after) } }]
        : []),
    ];
  }
  const events: NewEvent[] = [];
  const seatedBefore = before.status === 'active';
  const seatedAfter = after.status === 'active';
  const statusChanged = before.status !== after.status;
  // Anonymization erases the profile: that is what `user.anonymized` says, not a `user.updated`.
  if (after.status !== 'anonymized') {
    const changed: string[] = UPDATE_FIELDS.filter(
      (field) => canonical(before[field]) !== canonical(after[field]),
    );
    // pending <-> provisioned has no event of its own (a seat or a lifecycle change would).
    if (statusChanged && !isLifecycleChange(before, after) && seatedBefore === seatedAfter) {
      changed.push('status');
    }
    if (changed.length > 0) events.push({ type: 'user.updated', details: { changed } });
  }
  if (before.role !== after.role) {
    events.push({ type: 'user.role_changed', details: { from: before.role, to: after.role } });
  }
  const moved = before.licensePool.id !== after.licensePool.id;
  if (moved) {
    events.push({
      type: 'user.pool_changed',
      details: { from: pool(before), to: pool(after), channel: poolChannel ?? null },
    });
  }
  if (statusChanged) {
    if (after.status === 'deactivated') events.push({ type: 'user.deactivated' });
    else if (after.status === 'anonymized') events.push({ type: 'user.anonymized' });
    else if (before.status === 'deactivated') events.push({ type: 'user.reactivated' });
  }
  if (seatedBefore && (!seatedAfter || moved)) {
    events.push({ type: 'user.seat_released', details: { pool: pool(before) } });
  }
  if (seatedAfter && (!seatedBefore || moved)) {
    events.push({ type: 'user.seat_taken', details: { pool: pool(after) } });
  }
  return events;
}

/** A move into or out of deactivated or anonymized: an event of its own, not a `user.updated`. */
function isLifecycleChange(before: User, after: User): boolean {
  const lifecycle = (status: User['status']) => status === 'deactivated' || status === 'anonymized';
  return lifecycle(before.status) || lifecycle(after.status);
}

/** JSON with object keys sorted: two values that mean the same compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

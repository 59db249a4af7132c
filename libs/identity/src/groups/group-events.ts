import type { NewEvent } from '../events/event.model';

/** How many user ids one `group.members_added` / `group.members_removed` event carries at most. */
export const MEMBER_EVENT_BATCH = 1000;

/** What one change did to a group's members. */
export interface MembersChanged {
  added: string[];
  removed: string[];
}

export const NO_MEMBER_CHANGE: MembersChanged = { added: [], removed: [] };

export function mergeMemberChanges(a: MembersChanged, b: MembersChanged): MembersChanged {
  return { added: [...a.added, ...b.added], removed: [...a.removed, ...b.removed] };
}

/**
 * The events of a change to one group: `group.created` or `group.updated` (with the attributes
 * that changed), then the members removed and added, in batches of MEMBER_EVENT_BATCH ids.
 */
export function groupChangeEvents(
  groupId: string,
  change: { created?: boolean; changed?: string[]; members?: MembersChanged },
): (NewEvent & { groupId: string })[] {
  const events: (NewEvent & { groupId: string })[] = [];
  if (change.created) events.push({ groupId, type: 'group.created' });
  else if (change.changed && change.changed.length > 0) {
    events.push({ groupId, type: 'group.updated', details: { changed: change.changed } });
  }
  const members = change.members ?? NO_MEMBER_CHANGE;
  for (const [type, ids] of [
    ['group.members_removed', members.removed],
    ['group.members_added', members.added],
  ] as const) {
    for (let i = 0; i < ids.length; i += MEMBER_EVENT_BATCH) {
      events.push({ groupId, type, details: { userIds: ids.slice(i, i + MEMBER_EVENT_BATCH) } });
    }
  }
  return events;
}

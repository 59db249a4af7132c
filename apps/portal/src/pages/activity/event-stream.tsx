import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api, query } from '../../api';
import { EVENT_GROUPS } from '../webhooks/types';
import { LIVE_INTERVAL_MS } from './live-list';
import { when } from './when';

/** GET /api/v1/events: one event as the rest of the platform receives it (docs/events.md). */
interface PlatformEvent {
  id: string;
  type: string;
  occurredAt: string;
  actor: { type: string; [detail: string]: unknown };
  subject: { type: string; id: string };
  details: Record<string, unknown>;
  data: Record<string, unknown>;
  cursor: string;
}

/** How many events the view keeps (the newest). */
const KEPT = 200;

const ACTORS: Record<string, string> = {
  scim: 'the IdP over SCIM',
  admin_api_key: 'an admin API key',
  admin_session: 'the admin portal',
  sso_sign_in: 'a single sign-on',
  operator: 'the operator',
  system: 'Rollcall itself',
};

/** What the subject is called in the event's data: a user's userName, a group's displayName. */
function subjectName(event: PlatformEvent): string {
  const { data } = event;
  const name = data.userName ?? data.displayName ?? data.name;
  return typeof name === 'string' ? name : event.subject.id;
}

/**
 * The event stream (GET /api/v1/events, admins only): the events Rollcall writes for the rest of
 * the platform, oldest first through a cursor. The view starts at the oldest event kept, or at
 * "now" for a live tail, and reads on every few seconds while live updates run; newest on top.
 */
export function EventStream({ paused }: { paused: boolean }) {
  const [group, setGroup] = useState('');
  const [start, setStart] = useState<'oldest' | 'now'>('oldest');
  const [events, setEvents] = useState<PlatformEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const cursor = useRef<string | undefined>(undefined);
  const generation = useRef(0);
  /** A read in flight: the timer skips its turn (two reads from one cursor would repeat events). */
  const reading = useRef(false);

  const read = async (mine: number, first: boolean) => {
    try {
      const page = await api<{ data: PlatformEvent[]; nextCursor: string }>(
        `/api/v1/events${query({ after: cursor.current, limit: 100 })}`,
      );
      if (mine !== generation.current) return;
      cursor.current = page.nextCursor;
      const wanted = page.data.filter((e) => group === '' || e.subject.type === group);
      if (wanted.length > 0) {
        setEvents((now) => [...wanted.reverse(), ...now].slice(0, KEPT));
        if (!first) {
          setAnnouncement(
            `${wanted.length} new ${wanted.length === 1 ? 'event' : 'events'} at ${new Date().toLocaleTimeString()}`,
          );
        }
      }
      setError(null);
      setLoaded(true);
      // A full page means more are waiting: read on at once.
      if (page.data.length === 100) await read(mine, first);
    } catch (caught) {
      if (mine === generation.current) {
        setError(messageOf(caught));
        setLoaded(true);
      }
    }
  };

  useEffect(() => {
    const mine = ++generation.current;
    cursor.current = start === 'now' ? 'now' : undefined;
    setEvents([]);
    setLoaded(false);
    setAnnouncement('');
    void read(mine, true);
  }, [group, start]);

  useEffect(() => {
    if (paused) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible' || !loaded || reading.current) return;
      reading.current = true;
      void read(generation.current, false).finally(() => {
        reading.current = false;
      });
    }, LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [paused, loaded, group, start]);

  return (
    <>
      <form class="filters card" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="event-group">About</label>
          <select
            id="event-group"
            value={group}
            onChange={(event) => setGroup(event.currentTarget.value)}
          >
            <option value="">Everything</option>
            {EVENT_GROUPS.map((g) => (
              <option key={g.subject} value={g.subject}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="event-start">Start at</label>
          <select
            id="event-start"
            value={start}
            onChange={(event) => setStart(event.currentTarget.value as 'oldest' | 'now')}
          >
            <option value="oldest">The oldest event kept</option>
            <option value="now">Now (only what happens next)</option>
          </select>
        </div>
      </form>
      <p class="hint">
        The events other systems of your platform read through GET /api/v1/events, webhooks or NATS
        (docs/events.md). The newest are on top; this view keeps the last {KEPT}.
      </p>
      <p role="status" aria-live="polite" class="visually-hidden live-announcement">
        {announcement}
      </p>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {!loaded ? (
        <p role="status" class="loading">
          Loading events…
        </p>
      ) : events.length === 0 ? (
        <p class="empty">
          {start === 'now'
            ? 'No event since you opened this view. They appear here as changes happen.'
            : 'No events yet. Every change to users, groups and the IdP settings writes one.'}
        </p>
      ) : (
        <ol class="activity-list" aria-label="Events, newest first">
          {events.map((event) => (
            <li key={event.id} class="activity-item card">
              <div class="activity-head">
                <code class="request">{event.type}</code>
                <span>{subjectName(event)}</span>
              </div>
              <p class="secondary-text">
                <time dateTime={event.occurredAt}>{when(event.occurredAt)}</time> · by{' '}
                {ACTORS[event.actor.type] ?? event.actor.type}
              </p>
              {Object.keys(event.details).length > 0 ? (
                <p class="detail">{JSON.stringify(event.details)}</p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

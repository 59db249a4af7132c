import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api } from '../../api';
import type { Paged } from './types';

/** How often a live list asks for new entries while the page is visible and not paused. */
export const LIVE_INTERVAL_MS = 4_000;

export type ListLoad<T> =
  | { kind: 'loading' }
  | { kind: 'loaded'; items: T[]; nextCursor: string | null }
  | { kind: 'failed'; message: string };

interface LiveListOptions {
  /** The request of a page: the first page without a cursor. */
  path: (cursor?: string) => string;
  /** Changes when the filters change: the list starts again from its first page. */
  key: string;
  paused: boolean;
  /** How new entries are counted in the announcement: ["SCIM request", "SCIM requests"]. */
  noun: [one: string, many: string];
}

/**
 * A newest-first list read from a cursor API that keeps itself current: every few seconds, while
 * the page is visible and the list not paused, it reads the first page again and puts the entries
 * it had not seen on top (marked `fresh`). It announces new entries once per poll that finds some,
 * never a poll that finds none. "Show older" reads on with the last page's `nextCursor`.
 */
export function useLiveList<T extends { id: string }>({
  path,
  key,
  paused,
  noun,
}: LiveListOptions) {
  const [load, setLoad] = useState<ListLoad<T>>({ kind: 'loading' });
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const [olderBusy, setOlderBusy] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const current = useRef<ListLoad<T>>(load);
  current.current = load;
  const generation = useRef(0);
  const polling = useRef(false);

  useEffect(() => {
    const mine = ++generation.current;
    setLoad({ kind: 'loading' });
    setFresh(new Set());
    setAnnouncement('');
    setOlderError(null);
    api<Paged<T>>(path()).then(
      (page) => {
        if (mine !== generation.current) return;
        setLoad({ kind: 'loaded', items: page.data, nextCursor: page.nextCursor });
        setCheckedAt(new Date());
      },
      (caught: unknown) => {
        if (mine === generation.current) setLoad({ kind: 'failed', message: messageOf(caught) });
      },
    );
  }, [key]);

  const poll = async () => {
    const before = current.current;
    if (polling.current || before.kind !== 'loaded') return;
    polling.current = true;
    const mine = generation.current;
    try {
      const page = await api<Paged<T>>(path());
      const now = current.current;
      if (mine !== generation.current || now.kind !== 'loaded') return;
      const known = new Set(now.items.map((item) => item.id));
      const added = page.data.filter((item) => !known.has(item.id));
      setPollError(null);
      setCheckedAt(new Date());
      if (added.length === 0) return;
      // A whole page of new entries may hide more between them and the old ones: start afresh.
      const gap = added.length === page.data.length && now.items.length > 0 && page.nextCursor;
      setLoad(
        gap
          ? { kind: 'loaded', items: page.data, nextCursor: page.nextCursor }
          : { ...now, items: [...added, ...now.items] },
      );
      setFresh(new Set(added.map((item) => item.id)));
      const count = added.length;
      setAnnouncement(
        `${count} new ${count === 1 ? noun[0] : noun[1]} at ${new Date().toLocaleTimeString()}.`,
      );
    } catch (caught) {
      if (mine === generation.current) {
        setPollError(`Live updates paused: ${messageOf(caught)} Trying again shortly.`);
      }
    } finally {
      polling.current = false;
    }
  };

  useEffect(() => {
    if (paused) return;
    const tick = () => {
      if (document.visibilityState === 'visible') void poll();
    };
    const timer = window.setInterval(tick, LIVE_INTERVAL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [paused, key]);

  const showOlder = async () => {
    const now = current.current;
    if (now.kind !== 'loaded' || !now.nextCursor) return;
    const mine = generation.current;
    setOlderBusy(true);
    setOlderError(null);
    try {
      const page = await api<Paged<T>>(path(now.nextCursor));
      const latest = current.current;
      if (mine !== generation.current || latest.kind !== 'loaded') return;
      const known = new Set(latest.items.map((item) => item.id));
      setLoad({
        kind: 'loaded',
        items: [...latest.items, ...page.data.filter((item) => !known.has(item.id))],
        nextCursor: page.nextCursor,
      });
    } catch (caught) {
      setOlderError(messageOf(caught));
    } finally {
      setOlderBusy(false);
    }
  };

  return { load, fresh, announcement, checkedAt, pollError, showOlder, olderBusy, olderError };
}

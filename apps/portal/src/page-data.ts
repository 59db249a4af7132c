import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './action';

/** What a page has read from the API: still loading, the data, or why it could not. */
export type PageData<T> =
  { kind: 'loading' } | { kind: 'loaded'; data: T } | { kind: 'failed'; message: string };

/**
 * A page's data, read when the page opens and again after each change it makes: `changed(what)`
 * announces the change (in the page's role=status notice) and reads the data again.
 */
export function usePageData<T>(read: () => Promise<T>) {
  const [load, setLoad] = useState<PageData<T>>({ kind: 'loading' });
  const [announcement, setAnnouncement] = useState('');
  const reload = async () => {
    try {
      setLoad({ kind: 'loaded', data: await read() });
    } catch (caught) {
      setLoad({ kind: 'failed', message: messageOf(caught) });
    }
  };
  useEffect(() => {
    void reload();
  }, []);
  const changed = async (what: string) => {
    setAnnouncement(what);
    await reload();
  };
  return { load, announcement, setAnnouncement, changed };
}

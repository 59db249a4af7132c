import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api } from '../../api';
import type { PageData } from '../../page-data';
import type { EventTypeInfo } from './types';

/** The catalogue is the same for every organization and every visit: read once per page load. */
let catalogue: Promise<EventTypeInfo[]> | undefined;

/** The event types (GET /api/v1/events/types), in the catalogue's order. */
export function useEventTypes(): PageData<EventTypeInfo[]> {
  const [load, setLoad] = useState<PageData<EventTypeInfo[]>>({ kind: 'loading' });
  useEffect(() => {
    let open = true;
    catalogue ??= api<{ data: EventTypeInfo[] }>('/api/v1/events/types').then((a) => a.data);
    catalogue.then(
      (types) => open && setLoad({ kind: 'loaded', data: types }),
      (caught) => {
        catalogue = undefined; // the next form tries again
        if (open) setLoad({ kind: 'failed', message: messageOf(caught) });
      },
    );
    return () => {
      open = false;
    };
  }, []);
  return load;
}

import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api } from '../../api';
import type { EventTypeInfo } from './types';

export type EventTypesLoad =
  | { kind: 'loading' }
  | { kind: 'loaded'; types: EventTypeInfo[] }
  | { kind: 'failed'; message: string };

/** The catalogue is the same for every organization and every visit: read once per page load. */
let catalogue: Promise<EventTypeInfo[]> | undefined;

/** The event types (GET /api/v1/events/types), in the catalogue's order. */
export function useEventTypes(): EventTypesLoad {
  const [load, setLoad] = useState<EventTypesLoad>({ kind: 'loading' });
  useEffect(() => {
    let open = true;
    catalogue ??= api<{ data: EventTypeInfo[] }>('/api/v1/events/types').then((a) => a.data);
    catalogue.then(
      (types) => open && setLoad({ kind: 'loaded', types }),
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

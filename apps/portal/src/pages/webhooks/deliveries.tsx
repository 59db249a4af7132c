import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf, useAction } from '../../action';
import { api, query } from '../../api';
import { FormError } from '../../form-error';
import { when } from '../activity/when';
import type { DeliveryPage, WebhookDelivery, WebhookEndpoint } from './types';

const PAGE_SIZE = 20;
const REFRESH_MS = 4_000;

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; items: WebhookDelivery[]; nextCursor: string | null }
  | { kind: 'failed'; message: string };

interface DeliveriesProps {
  endpoint: WebhookEndpoint;
  /** After a replay: the endpoint's place in the log moved. */
  onReplayed: (endpoint: WebhookEndpoint, what: string) => void;
}

/**
 * An endpoint's delivery log, newest first (kept fresh while it is open and the page visible),
 * with replay: deliver again from one delivery's event, from the start of the log, or skip to now.
 */
export function Deliveries({ endpoint, onReplayed }: DeliveriesProps) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [older, setOlder] = useState<WebhookDelivery[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [olderError, setOlderError] = useState<string | null>(null);
  const replay = useAction();
  const base = `/api/v1/webhooks/${endpoint.id}/deliveries`;
  const alive = useRef(true);

  const refresh = async () => {
    try {
      const page = await api<DeliveryPage>(`${base}${query({ limit: PAGE_SIZE })}`);
      if (alive.current) setLoad({ kind: 'loaded', items: page.data, nextCursor: page.nextCursor });
    } catch (caught) {
      if (alive.current) setLoad({ kind: 'failed', message: messageOf(caught) });
    }
  };

  useEffect(() => {
    alive.current = true;
    void refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => {
      alive.current = false;
      window.clearInterval(timer);
    };
  }, [endpoint.id]);

  const showOlder = async () => {
    const cursor =
      olderCursor === undefined && load.kind === 'loaded' ? load.nextCursor : olderCursor;
    if (!cursor) return;
    setOlderError(null);
    try {
      const page = await api<DeliveryPage>(`${base}${query({ limit: PAGE_SIZE, cursor })}`);
      setOlder((now) => [...now, ...page.data]);
      setOlderCursor(page.nextCursor);
    } catch (caught) {
      setOlderError(messageOf(caught));
    }
  };

  const replayFrom = (after: string, what: string) =>
    replay.run(async () => {
      const moved = await api<WebhookEndpoint>(`/api/v1/webhooks/${endpoint.id}/replay`, {
        method: 'POST',
        body: { after },
      });
      onReplayed(moved, what);
      await refresh();
    });

  const headingId = `deliveries-${endpoint.id}`;
  const seen = new Set<string>();
  const items =
    load.kind === 'loaded'
      ? [...load.items, ...older].filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)))
      : [];
  const moreCursor =
    olderCursor === undefined && load.kind === 'loaded' ? load.nextCursor : olderCursor;

  return (
    <section class="deliveries" aria-labelledby={headingId}>
      <h3 id={headingId}>Delivery log</h3>
      <div class="form-actions replay-actions">
        <button
          type="button"
          class="secondary"
          disabled={replay.busy}
          onClick={() => void replayFrom('start', 'Delivering every event the log keeps again.')}
        >
          Replay from the start
        </button>
        <button
          type="button"
          class="secondary"
          disabled={replay.busy}
          onClick={() => void replayFrom('now', 'Skipped to now: older events will not be sent.')}
        >
          Skip to now
        </button>
        <button type="button" class="secondary" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <FormError error={replay.error} />
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading deliveries…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : items.length === 0 ? (
        <p class="hint">
          No deliveries yet. Each event is sent as soon as it happens; attempts appear here.
        </p>
      ) : (
        <ol class="delivery-list" aria-label={`Deliveries to ${endpoint.url}, newest first`}>
          {items.map((delivery) => (
            <li key={delivery.id} class={`delivery ${delivery.outcome}`}>
              <div class="activity-head">
                <span
                  class={`result ${delivery.outcome === 'succeeded' ? 'result-ok' : 'result-bad'}`}
                >
                  {delivery.outcome === 'succeeded' ? 'Delivered' : 'Failed'}
                  {delivery.httpStatus !== null ? ` · ${delivery.httpStatus}` : ''}
                </span>
                <code>{delivery.eventType}</code>
              </div>
              <p class="secondary-text">
                <time dateTime={delivery.createdAt}>{when(delivery.createdAt)}</time> · attempt{' '}
                {delivery.attempt} · {delivery.latencyMs} ms · event {delivery.eventId}
              </p>
              {delivery.error ? <p class="detail">{delivery.error}</p> : null}
              {delivery.responseExcerpt ? (
                <p class="secondary-text">
                  Answer: <code>{delivery.responseExcerpt}</code>
                </p>
              ) : null}
              <button
                type="button"
                class="secondary small"
                disabled={replay.busy}
                aria-label={`Deliver again from this ${delivery.eventType} event (${when(delivery.createdAt)})`}
                onClick={() =>
                  void replayFrom(
                    delivery.replayFrom,
                    `Delivering again from this ${delivery.eventType} event.`,
                  )
                }
              >
                Deliver again from here
              </button>
            </li>
          ))}
        </ol>
      )}
      {moreCursor ? (
        <p>
          <button type="button" class="secondary" onClick={() => void showOlder()}>
            Show older deliveries
          </button>
        </p>
      ) : null}
      <FormError error={olderError} />
    </section>
  );
}

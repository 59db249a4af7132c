import { useState } from 'preact/hooks';
import { useAction } from '../../action';
import { FormError } from '../../form-error';
import { useEventTypes } from './event-types';
import { EVENT_GROUPS, type EventType, type WebhookEndpoint } from './types';

export interface EndpointFields {
  url: string;
  description: string | null;
  types: EventType[] | null;
  enabled?: boolean;
}

interface EndpointFormProps {
  /** The endpoint edited; none: a new one. */
  endpoint?: WebhookEndpoint;
  /** The form's accessible name and heading ("Add an endpoint", "Edit https://…"). */
  name: string;
  submitLabel: string;
  onSubmit: (fields: EndpointFields) => Promise<void>;
  onCancel?: () => void;
}

/** The URL, description and event types of an endpoint (and, when adding, whether it is on). */
export function EndpointForm({
  endpoint,
  name,
  submitLabel,
  onSubmit,
  onCancel,
}: EndpointFormProps) {
  const idBase = endpoint ? `edit-${endpoint.id}` : 'new-endpoint';
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [every, setEvery] = useState(endpoint ? endpoint.types === null : true);
  const [types, setTypes] = useState<Set<EventType>>(new Set(endpoint?.types ?? []));
  const [enabled, setEnabled] = useState(true);
  const { error, setError, busy, run } = useAction();
  const catalogue = useEventTypes();

  const toggle = (type: EventType, on: boolean) =>
    setTypes((now) => {
      const next = new Set(now);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });

  const submit = (event: Event) => {
    event.preventDefault();
    if (url.trim() === '') {
      setError('Enter the URL events are sent to.');
      return;
    }
    if (!every && types.size === 0) {
      setError('Choose at least one event type, or send every type.');
      return;
    }
    void run(() =>
      onSubmit({
        url: url.trim(),
        description: description.trim() === '' ? null : description.trim(),
        types: every ? null : [...types],
        ...(endpoint ? {} : { enabled }),
      }),
    );
  };

  return (
    <form class="endpoint-form" aria-label={name} onSubmit={submit} noValidate>
      {endpoint ? null : <h2>{name}</h2>}
      <div class="field">
        <label for={`${idBase}-url`}>URL</label>
        <input
          id={`${idBase}-url`}
          type="url"
          inputMode="url"
          required
          maxLength={2048}
          value={url}
          aria-describedby={`${idBase}-url-hint`}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <p class="hint" id={`${idBase}-url-hint`}>
          An https address on a public host, without a user name or password in it. Rollcall POSTs
          each event there, signed.
        </p>
      </div>
      <div class="field">
        <label for={`${idBase}-description`}>Description (optional)</label>
        <input
          id={`${idBase}-description`}
          type="text"
          maxLength={200}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </div>
      <fieldset class="event-types">
        <legend>Event types</legend>
        <label class="choice">
          <input
            type="radio"
            name={`${idBase}-every`}
            checked={every}
            onChange={() => setEvery(true)}
          />
          Every event type
        </label>
        <label class="choice">
          <input
            type="radio"
            name={`${idBase}-every`}
            checked={!every}
            onChange={() => setEvery(false)}
          />
          Only the types chosen below
        </label>
        {every ? null : catalogue.kind === 'loading' ? (
          <p role="status" class="loading">
            Loading the event types…
          </p>
        ) : catalogue.kind === 'failed' ? (
          <p role="alert" class="error">
            {`The event types could not be read: ${catalogue.message}`}
          </p>
        ) : (
          EVENT_GROUPS.map((group) => (
            <fieldset key={group.subject} class="event-group">
              <legend>{group.label}</legend>
              {catalogue.data
                .filter((info) => info.subject === group.subject)
                .map((info) => (
                  <label key={info.type} class="choice">
                    <input
                      type="checkbox"
                      checked={types.has(info.type)}
                      onChange={(e) => toggle(info.type, e.currentTarget.checked)}
                    />
                    <span class="event-type">
                      <code>{info.type}</code>
                      <span class="hint">{info.description}</span>
                    </span>
                  </label>
                ))}
            </fieldset>
          ))
        )}
      </fieldset>
      {endpoint ? null : (
        <label class="choice">
          <input
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          Deliver events to it from now on (enabled)
        </label>
      )}
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel ? (
          <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

import { useState } from 'preact/hooks';
import { useAction } from '../action';
import { api, type SessionView } from '../api';
import { FormError } from '../form-error';
import { usePageData } from '../page-data';
import { usePageTitle } from '../page-title';
import { when } from './activity/when';
import { Deliveries } from './webhooks/deliveries';
import { EndpointForm, type EndpointFields } from './webhooks/endpoint-form';
import { SecretOnce } from './webhooks/secret-once';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from './webhooks/types';
import './activity.css';
import './webhooks.css';

/** Webhooks: the endpoints events are POSTed to, their state, delivery log and replay. */
export function WebhooksPage(_props: { session: SessionView }) {
  const heading = usePageTitle('Webhooks');
  const { load, announcement, changed } = usePageData(
    async () => (await api<{ data: WebhookEndpoint[] }>('/api/v1/webhooks')).data,
  );
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [formKey, setFormKey] = useState(0);

  const showSecret = (created: WebhookEndpointWithSecret) =>
    setSecret({ url: created.url, secret: created.secret });

  const create = async (fields: EndpointFields) => {
    const created = await api<WebhookEndpointWithSecret>('/api/v1/webhooks', {
      method: 'POST',
      body: {
        url: fields.url,
        ...(fields.description !== null ? { description: fields.description } : {}),
        ...(fields.types !== null ? { types: fields.types } : {}),
        enabled: fields.enabled ?? true,
      },
    });
    showSecret(created);
    setFormKey((key) => key + 1);
    await changed(`Added the endpoint ${created.url}.`);
  };

  return (
    <section aria-labelledby="webhooks-heading" class="webhooks">
      <h1 id="webhooks-heading" ref={heading} tabIndex={-1}>
        Webhooks
      </h1>
      <p class="intro">
        Rollcall POSTs every change (users, seats, pools, groups, the SCIM integration, the SSO
        connection) to these endpoints, one event at a time and in order, signed with the endpoint’s
        secret. A failed delivery is retried with growing pauses (up to an hour); after 24 hours of
        failures the endpoint is disabled and the admins are emailed. No event is lost: enable it
        again and it receives everything since it stopped.
      </p>
      <p role="status" class="notice" hidden={announcement === ''}>
        {announcement}
      </p>
      {secret ? (
        <SecretOnce secret={secret.secret} url={secret.url} onDismiss={() => setSecret(null)} />
      ) : null}
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading endpoints…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : load.data.length === 0 ? (
        <p class="empty">No endpoints yet. Add one below to receive events.</p>
      ) : (
        <ul class="endpoints">
          {load.data.map((endpoint) => (
            <EndpointItem
              key={endpoint.id}
              endpoint={endpoint}
              onChanged={changed}
              onSecret={showSecret}
            />
          ))}
        </ul>
      )}
      <div class="card endpoint-create">
        <EndpointForm
          key={formKey}
          name="Add an endpoint"
          submitLabel="Add endpoint"
          onSubmit={create}
        />
      </div>
    </section>
  );
}

/** The endpoint's state in words: delivering, failing (retrying), or disabled and why. */
function EndpointState({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled && endpoint.disabledReason === 'failing') {
    return (
      <div class="endpoint-state failing" role="note">
        <p>
          <span class="result result-bad">Disabled after failures</span>
        </p>
        <p>
          Every delivery failed
          {endpoint.failingSince ? ` from ${when(endpoint.failingSince)}` : ''} for 24 hours, so
          Rollcall stopped trying and emailed the admins.
          {endpoint.lastError ? ` The last error: ${endpoint.lastError}` : ''}
        </p>
        <p>
          No event is lost: the endpoint kept its place in the log. Once the receiver works again,
          choose <strong>Enable</strong>: the failures are cleared and it receives every event since
          it stopped, in order.
        </p>
      </div>
    );
  }
  if (!endpoint.enabled) {
    return (
      <p class="endpoint-state">
        <span class="result result-off">Disabled</span> by an admin. Events wait in the log; enable
        it to receive them from where it stopped.
      </p>
    );
  }
  if (endpoint.consecutiveFailures > 0) {
    return (
      <div class="endpoint-state failing">
        <p>
          <span class="result result-bad">Failing</span> {endpoint.consecutiveFailures} failed{' '}
          {endpoint.consecutiveFailures === 1 ? 'delivery' : 'deliveries'}
          {endpoint.failingSince ? ` since ${when(endpoint.failingSince)}` : ''}; next attempt{' '}
          {when(endpoint.nextAttemptAt)}.
        </p>
        {endpoint.lastError ? <p>Last error: {endpoint.lastError}</p> : null}
        <p class="hint">
          After 24 hours of failures Rollcall disables the endpoint; the events wait for it.
        </p>
      </div>
    );
  }
  return (
    <p class="endpoint-state">
      <span class="result result-ok">Enabled</span> Events are delivered as they happen.
    </p>
  );
}

interface EndpointItemProps {
  endpoint: WebhookEndpoint;
  onChanged: (what: string) => Promise<void>;
  onSecret: (created: WebhookEndpointWithSecret) => void;
}

function EndpointItem({ endpoint, onChanged, onSecret }: EndpointItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [showLog, setShowLog] = useState(false);
  const action = useAction();
  const headingId = `endpoint-${endpoint.id}`;
  const path = `/api/v1/webhooks/${endpoint.id}`;

  const setEnabled = (enabled: boolean) =>
    action.run(async () => {
      await api<WebhookEndpoint>(path, { method: 'PATCH', body: { enabled } });
      await onChanged(
        enabled ? `Enabled ${endpoint.url}.` : `Disabled ${endpoint.url}: events wait in the log.`,
      );
    });
  const rotate = () =>
    action.run(async () => {
      const rotated = await api<WebhookEndpointWithSecret>(`${path}/rotate-secret`, {
        method: 'POST',
        body: {},
      });
      onSecret(rotated);
      await onChanged(`New signing secret for ${endpoint.url}; the old one no longer signs.`);
    });
  const save = async (fields: EndpointFields) => {
    await api<WebhookEndpoint>(path, {
      method: 'PATCH',
      body: { url: fields.url, description: fields.description, types: fields.types },
    });
    setMode('view');
    await onChanged(`Saved ${fields.url}.`);
  };
  const remove = () =>
    action.run(async () => {
      await api<void>(path, { method: 'DELETE' });
      await onChanged(`Deleted the endpoint ${endpoint.url} and its delivery log.`);
    });

  return (
    <li class="card endpoint" aria-labelledby={headingId}>
      <h2 id={headingId} class="endpoint-url">
        {endpoint.url}
      </h2>
      {endpoint.description ? <p class="secondary-text">{endpoint.description}</p> : null}
      <EndpointState endpoint={endpoint} />
      <p class="secondary-text">
        {endpoint.types === null ? 'Every event type' : `Only: ${endpoint.types.join(', ')}`}
        {' · '}Added {when(endpoint.createdAt)}
        {endpoint.secretRotatedAt ? ` · secret rotated ${when(endpoint.secretRotatedAt)}` : ''}
      </p>
      {mode === 'view' ? (
        <div class="form-actions endpoint-actions">
          {endpoint.enabled ? (
            <button
              type="button"
              class="secondary"
              disabled={action.busy}
              aria-label={`Disable ${endpoint.url}`}
              onClick={() => void setEnabled(false)}
            >
              Disable
            </button>
          ) : (
            <button
              type="button"
              disabled={action.busy}
              aria-label={`Enable ${endpoint.url}`}
              onClick={() => void setEnabled(true)}
            >
              Enable
            </button>
          )}
          <button
            type="button"
            class="secondary"
            aria-label={`Edit ${endpoint.url}`}
            onClick={() => setMode('edit')}
          >
            Edit
          </button>
          <button
            type="button"
            class="secondary"
            aria-expanded={showLog}
            aria-controls={`log-${endpoint.id}`}
            aria-label={`${showLog ? 'Hide' : 'Show'} deliveries to ${endpoint.url}`}
            onClick={() => setShowLog((now) => !now)}
          >
            {showLog ? 'Hide deliveries' : 'Show deliveries'}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={action.busy}
            aria-label={`Rotate the signing secret of ${endpoint.url}`}
            onClick={() => void rotate()}
          >
            Rotate secret
          </button>
          <button
            type="button"
            class="danger"
            aria-label={`Delete ${endpoint.url}`}
            onClick={() => setMode('delete')}
          >
            Delete
          </button>
        </div>
      ) : null}
      {mode === 'delete' ? (
        <div class="confirm" role="group" aria-label={`Delete ${endpoint.url}?`}>
          <p>
            Delete <strong>{endpoint.url}</strong> and its delivery log? It receives no more events;
            this cannot be undone.
          </p>
          <div class="form-actions">
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() => void remove()}
            >
              Delete endpoint
            </button>
            <button
              type="button"
              class="secondary"
              disabled={action.busy}
              onClick={() => setMode('view')}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <FormError error={action.error} />
      {mode === 'edit' ? (
        <EndpointForm
          endpoint={endpoint}
          name={`Edit ${endpoint.url}`}
          submitLabel="Save"
          onSubmit={save}
          onCancel={() => setMode('view')}
        />
      ) : null}
      <div id={`log-${endpoint.id}`}>
        {showLog ? (
          <Deliveries endpoint={endpoint} onReplayed={(_moved, what) => void onChanged(what)} />
        ) : null}
      </div>
    </li>
  );
}

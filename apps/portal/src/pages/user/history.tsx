import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../../action';
import { api, query } from '../../api';
import { formatDateTime } from '../../format';
import type { Paged, ProvisioningLogEntry, SignInAttempt } from './types';

const HISTORY_PAGE = 20;

type Load<T> =
  | { kind: 'loading' }
  | { kind: 'loaded'; items: T[]; nextCursor: string | null; more: boolean }
  | { kind: 'failed'; message: string };

/** A newest-first list read page by page from a cursor API, with "Show older" for the rest. */
function usePaged<T>(path: (cursor?: string) => string, reloadKey: unknown) {
  const [load, setLoad] = useState<Load<T>>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    setLoad({ kind: 'loading' });
    api<Paged<T>>(path()).then(
      (page) => {
        if (current)
          setLoad({ kind: 'loaded', items: page.data, nextCursor: page.nextCursor, more: false });
      },
      (caught: unknown) => {
        if (current) setLoad({ kind: 'failed', message: messageOf(caught) });
      },
    );
    return () => {
      current = false;
    };
  }, [reloadKey]);
  const [moreError, setMoreError] = useState<string | null>(null);
  const showOlder = async () => {
    if (load.kind !== 'loaded' || !load.nextCursor) return;
    setMoreError(null);
    setLoad({ ...load, more: true });
    try {
      const page = await api<Paged<T>>(path(load.nextCursor));
      setLoad({
        kind: 'loaded',
        items: [...load.items, ...page.data],
        nextCursor: page.nextCursor,
        more: false,
      });
    } catch (caught) {
      setMoreError(messageOf(caught));
      setLoad({ ...load, more: false });
    }
  };
  return { load, showOlder, moreError };
}

const VERBS: Record<string, [done: string, asked: string]> = {
  POST: ['Created', 'A create'],
  PUT: ['Replaced', 'A replace'],
  PATCH: ['Updated', 'An update'],
  DELETE: ['Deleted', 'A delete'],
  GET: ['Read', 'A read'],
};

/** A provisioning-log entry in words: what the IdP did to the user and how it ended. */
export function describeProvisioning(entry: ProvisioningLogEntry): string {
  const [verb, asked] = VERBS[entry.method] ?? [entry.method, `A ${entry.method} request`];
  if (entry.outcome === 'failure') {
    return `${asked} from your identity provider was refused (${entry.status})${entry.detail ? `: ${entry.detail}` : '.'}`;
  }
  const done =
    entry.method === 'DELETE'
      ? 'Deleted by your identity provider: deactivated here, its history kept'
      : `${verb} by your identity provider`;
  return entry.detail ? `${done}: ${entry.detail}` : `${done}.`;
}

/** A licensePoolName as sent: blank means the default pool (SPEC §3 rule 3). */
export function poolWords(name: string): string {
  return name.trim() === '' ? '(blank: the default pool)' : `“${name.trim()}”`;
}

/** A sign-in attempt in words: signed in (and the pool the IdP sent), or why it was turned away. */
export function describeSignIn(attempt: SignInAttempt): string {
  const pool =
    attempt.licensePoolName === null
      ? ''
      : ` The identity provider sent the license pool ${poolWords(attempt.licensePoolName)}.`;
  switch (attempt.outcome) {
    case 'success':
      return `Signed in.${pool}`;
    case 'refused':
      return `Sign-in refused: ${attempt.detail}${pool}`;
    case 'rejected':
      return `Sign-in rejected (the identity provider’s response was not valid): ${attempt.detail}`;
  }
}

const FLOWS: Record<SignInAttempt['flow'], string> = {
  sp: 'started at Rollcall',
  idp: 'started at the identity provider',
};

function Older({
  nextCursor,
  busy,
  error,
  onClick,
  what,
}: {
  nextCursor: string | null;
  busy: boolean;
  error: string | null;
  onClick: () => void;
  what: string;
}) {
  return (
    <>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {nextCursor ? (
        <button type="button" class="secondary" disabled={busy} onClick={onClick}>
          Show older {what}
        </button>
      ) : null}
    </>
  );
}

/** The provisioning log's entries about this user (SCIM requests), newest first. */
export function ProvisioningHistory({ userId, reloadKey }: { userId: string; reloadKey: unknown }) {
  const { load, showOlder, moreError } = usePaged<ProvisioningLogEntry>(
    (cursor) => `/api/v1/scim/logs${query({ resourceId: userId, limit: HISTORY_PAGE, cursor })}`,
    reloadKey,
  );
  return (
    <section class="card history" aria-labelledby="provisioning-heading">
      <h2 id="provisioning-heading">Provisioning history</h2>
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading provisioning history…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : load.items.length === 0 ? (
        <p class="hint">
          No SCIM request about this user: your identity provider has not provisioned them (they
          came from a sign-in or were made before SCIM).
        </p>
      ) : (
        <>
          <ol class="history-list provisioning">
            {load.items.map((entry) => (
              <li key={entry.id} class={`outcome-${entry.outcome}`}>
                <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
                <span class="history-text">{describeProvisioning(entry)}</span>
              </li>
            ))}
          </ol>
          <Older
            nextCursor={load.nextCursor}
            busy={load.more}
            error={moreError}
            onClick={() => void showOlder()}
            what="provisioning entries"
          />
        </>
      )}
    </section>
  );
}

/** The user's SSO sign-in attempts, newest first. */
export function SignInHistory({
  userId,
  reloadKey,
  onSentPool,
}: {
  userId: string;
  reloadKey: unknown;
  /** The pool the IdP sent at the latest sign-in that carried one (null: none did). */
  onSentPool: (name: string | null) => void;
}) {
  const { load, showOlder, moreError } = usePaged<SignInAttempt>(
    (cursor) => `/api/v1/sso/sign-ins${query({ userId, limit: HISTORY_PAGE, cursor })}`,
    reloadKey,
  );
  const items = load.kind === 'loaded' ? load.items : null;
  useEffect(() => {
    if (items) onSentPool(items.find((a) => a.licensePoolName !== null)?.licensePoolName ?? null);
  }, [items]);
  return (
    <section class="card history" aria-labelledby="sign-ins-heading">
      <h2 id="sign-ins-heading">Sign-in history</h2>
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading sign-in history…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : load.items.length === 0 ? (
        <p class="hint">This user has not tried to sign in with single sign-on.</p>
      ) : (
        <>
          <ol class="history-list sign-ins">
            {load.items.map((attempt) => (
              <li key={attempt.id} class={`outcome-${attempt.outcome}`}>
                <time dateTime={attempt.occurredAt}>{formatDateTime(attempt.occurredAt)}</time>
                <span class="history-text">{describeSignIn(attempt)}</span>
                <span class="secondary-text">
                  {FLOWS[attempt.flow]}
                  {attempt.clientIp ? ` · from ${attempt.clientIp}` : ''}
                </span>
              </li>
            ))}
          </ol>
          <Older
            nextCursor={load.nextCursor}
            busy={load.more}
            error={moreError}
            onClick={() => void showOlder()}
            what="sign-ins"
          />
        </>
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../action';
import { api, ApiError, type LicensePool, type SessionView } from '../api';
import { formatDateTime, ROLE_LABELS, STATUS_HINTS, STATUS_LABELS } from '../format';
import { Link } from '../link';
import { usePageTitle } from '../page-title';
import { AnonymizeForm, PoolForm, RoleForm, StatusAction } from './user/actions';
import { ProvisioningHistory, SignInHistory } from './user/history';
import { nameOf, type UserDetail } from './user/types';
import './user.css';

type Load =
  | { kind: 'loading' }
  | { kind: 'loaded'; user: UserDetail }
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

/**
 * One user: their details, what the admin API lets this session do to them (role and anonymize for
 * admins only; pool move, deactivate and reactivate for group admins too), and their provisioning
 * and sign-in history in words.
 */
export function UserPage({ session, id }: { session: SessionView; id: string }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [pools, setPools] = useState<LicensePool[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [sentPool, setSentPool] = useState<string | null>(null);
  // Moves on after every change, so the history and pools are read again.
  const [version, setVersion] = useState(0);
  const user = load.kind === 'loaded' ? load.user : null;
  const title = user ? (nameOf(user) ?? user.userName) : 'User';
  const heading = usePageTitle(title);
  const admin = session.role === 'admin';

  useEffect(() => {
    let current = true;
    setLoad({ kind: 'loading' });
    setAnnouncement('');
    api<UserDetail>(`/api/v1/users/${id}`).then(
      (found) => {
        if (current) setLoad({ kind: 'loaded', user: found });
      },
      (caught: unknown) => {
        if (!current) return;
        if (caught instanceof ApiError && caught.status === 404) setLoad({ kind: 'missing' });
        else setLoad({ kind: 'failed', message: messageOf(caught) });
      },
    );
    return () => {
      current = false;
    };
  }, [id]);

  useEffect(() => {
    api<{ data: LicensePool[] }>('/api/v1/license-pools').then(
      (answer) => setPools(answer.data),
      () => setPools([]),
    );
  }, [version]);

  const changed = (saved: UserDetail, what: string) => {
    setLoad({ kind: 'loaded', user: saved });
    setAnnouncement(what);
    setVersion((v) => v + 1);
  };

  return (
    <section aria-labelledby="user-heading" class="user-page">
      <p class="back">
        <Link href="/users">All users</Link>
      </p>
      <h1 id="user-heading" ref={heading} tabIndex={-1}>
        {title}
        {user?.scimManaged ? (
          <span class="flag" title="Managed by your identity provider through SCIM">
            SCIM
          </span>
        ) : null}
      </h1>
      <p role="status" class="notice" hidden={announcement === ''}>
        {announcement}
      </p>
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading the user…
        </p>
      ) : load.kind === 'missing' ? (
        <p role="alert" class="error">
          There is no such user in this organization. It may have been typed wrong; find the user in
          All users.
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : (
        <>
          <Details user={load.user} />
          <section class="card user-actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">Actions</h2>
            {load.user.status === 'anonymized' ? (
              <p class="hint">
                This user was anonymized: their personal data is erased and nothing about them can
                change any more.
              </p>
            ) : (
              <div class="action-grid">
                {admin ? <RoleForm user={load.user} onChanged={changed} /> : null}
                <PoolForm user={load.user} onChanged={changed} pools={pools} sentPool={sentPool} />
                <StatusAction user={load.user} onChanged={changed} />
                {admin ? <AnonymizeForm user={load.user} onChanged={changed} /> : null}
              </div>
            )}
            {!admin ? (
              <p class="hint">
                Group admins move users between pools, deactivate and reactivate them; only admins
                change roles or anonymize.
              </p>
            ) : null}
          </section>
          <div class="history-grid">
            <ProvisioningHistory userId={id} reloadKey={version} />
            <SignInHistory userId={id} reloadKey={version} onSentPool={setSentPool} />
          </div>
        </>
      )}
    </section>
  );
}

function Details({ user }: { user: UserDetail }) {
  return (
    <section class="card user-details" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl>
        <div>
          <dt>User name</dt>
          <dd>{user.userName}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{user.email ?? 'None'}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`status status-${user.status}`}>{STATUS_LABELS[user.status]}</span>
            <span class="secondary-text">{user.statusReason ?? STATUS_HINTS[user.status]}</span>
          </dd>
        </div>
        <div>
          <dt>License pool</dt>
          <dd>{user.licensePool.name}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[user.role]}</dd>
        </div>
        <div>
          <dt>Managed by</dt>
          <dd>
            {user.scimManaged
              ? 'Your identity provider, through SCIM'
              : 'Rollcall (not SCIM): made by a sign-in or by hand'}
          </dd>
        </div>
        <div>
          <dt>External id</dt>
          <dd>{user.externalId ?? 'None'}</dd>
        </div>
        <div>
          <dt>First sign-in</dt>
          <dd>{formatDateTime(user.firstLoginAt)}</dd>
        </div>
        <div>
          <dt>Last sign-in</dt>
          <dd>{formatDateTime(user.lastLoginAt)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
        </div>
      </dl>
    </section>
  );
}

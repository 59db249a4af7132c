import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../../action';
import { api, type LicensePool, type Role } from '../../api';
import { FormError } from '../../form-error';
import { ROLE_LABELS, seats } from '../../format';
import { poolWords } from './history';
import type { UserDetail } from './types';

const ROLES = Object.keys(ROLE_LABELS) as Role[];

interface ActionProps {
  user: UserDetail;
  /** Shows the saved user and announces what changed. */
  onChanged: (user: UserDetail, what: string) => void;
}

/** Role: admins only (a group admin may not change roles, docs/admin-portal.md "Roles"). */
export function RoleForm({ user, onChanged }: ActionProps) {
  const [role, setRole] = useState<Role>(user.role);
  const { error, busy, run } = useAction();
  useEffect(() => setRole(user.role), [user.role]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (role === user.role) return;
    void run(async () => {
      const saved = await api<UserDetail>(`/api/v1/users/${user.id}`, {
        method: 'PATCH',
        body: { role },
      });
      onChanged(saved, `Role changed to ${ROLE_LABELS[saved.role]}.`);
    });
  };
  return (
    <form class="user-action" aria-labelledby="role-heading" onSubmit={submit}>
      <h3 id="role-heading">Role</h3>
      <div class="field">
        <label for="user-role">Role</label>
        <select
          id="user-role"
          value={role}
          aria-describedby="user-role-hint"
          onChange={(event) => setRole(event.currentTarget.value as Role)}
        >
          {ROLES.map((value) => (
            <option key={value} value={value}>
              {ROLE_LABELS[value]}
            </option>
          ))}
        </select>
        <p class="hint" id="user-role-hint">
          Admins and group admins may sign in to this portal. Only the admin API and this portal
          change roles: your identity provider never does.
        </p>
      </div>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy || role === user.role}>
          Change role
        </button>
      </div>
    </form>
  );
}

/** Pool move, with the warning that an SSO sign-in carrying licensePoolName moves the user back. */
export function PoolForm({
  user,
  onChanged,
  pools,
  sentPool,
}: ActionProps & { pools: LicensePool[]; sentPool: string | null }) {
  const [poolId, setPoolId] = useState(user.licensePool.id);
  const { error, busy, run } = useAction();
  useEffect(() => setPoolId(user.licensePool.id), [user.licensePool.id]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (poolId === user.licensePool.id) return;
    void run(async () => {
      const saved = await api<UserDetail>(`/api/v1/users/${user.id}`, {
        method: 'PATCH',
        body: { licensePoolId: poolId },
      });
      onChanged(saved, `Moved to ${saved.licensePool.name}.${saved.note ? ` ${saved.note}` : ''}`);
    });
  };
  const holdsSeat = user.status === 'active';
  return (
    <form class="user-action" aria-labelledby="pool-heading" onSubmit={submit}>
      <h3 id="pool-heading">License pool</h3>
      <div class="field">
        <label for="user-pool-move">Move to</label>
        <select
          id="user-pool-move"
          value={poolId}
          aria-describedby="pool-warning"
          onChange={(event) => setPoolId(event.currentTarget.value)}
        >
          {pools.map((pool) => (
            <option key={pool.id} value={pool.id}>
              {pool.id === user.licensePool.id
                ? `${pool.name} (current)`
                : `${pool.name} (${seats(pool.remaining)} free)`}
            </option>
          ))}
        </select>
      </div>
      <div class="warning" id="pool-warning">
        {sentPool !== null ? (
          <p>
            <strong>This move may not last.</strong> Your identity provider sent the license pool{' '}
            {poolWords(sentPool)} at this user’s last sign-in: their next single sign-on puts them
            back in that pool. Change the pool in the identity provider to make it stick.
          </p>
        ) : (
          <p>
            <strong>Single sign-on decides pools.</strong> If your identity provider sends
            licensePoolName when this user signs in, their next sign-in moves them to that pool,
            undoing this move.
          </p>
        )}
        <p class="hint">
          {holdsSeat
            ? 'The user takes their seat along: the move is refused when the pool has no seat free.'
            : 'The user holds no seat now; they take one in the new pool when they sign in.'}
        </p>
      </div>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy || poolId === user.licensePool.id}>
          Move
        </button>
      </div>
    </form>
  );
}

/** Deactivate or reactivate; SCIM-managed users are the IdP's while SCIM is on (409 scim_managed). */
export function StatusAction({ user, onChanged }: ActionProps) {
  const { error, busy, run } = useAction();
  const deactivated = user.status === 'deactivated';
  const act = (action: 'deactivate' | 'reactivate') =>
    void run(async () => {
      const saved = await api<UserDetail>(`/api/v1/users/${user.id}/${action}`, {
        method: 'POST',
      });
      onChanged(
        saved,
        action === 'deactivate'
          ? 'Deactivated: the user’s seat is free and they can no longer sign in.'
          : saved.status === 'active'
            ? 'Reactivated: the user is active again with a seat, and has been emailed.'
            : 'Reactivated: the user takes a seat at their first sign-in, and has been emailed.',
      );
    });
  return (
    <div class="user-action" role="group" aria-labelledby="status-heading">
      <h3 id="status-heading">{deactivated ? 'Reactivate' : 'Deactivate'}</h3>
      {user.scimManaged ? (
        <p class="hint" id="status-hint">
          Your identity provider manages this user through SCIM: while SCIM is on, deactivate or
          reactivate them there. Rollcall refuses it here and says why.
        </p>
      ) : (
        <p class="hint" id="status-hint">
          {deactivated
            ? 'Back to active with a seat if they signed in before (refused when the pool is full), else to no license until they sign in. They get an email.'
            : 'Frees the user’s seat and stops their sign-ins. Their history is kept; you can reactivate them later.'}
        </p>
      )}
      <FormError error={error} />
      <div class="form-actions">
        {deactivated ? (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            aria-describedby="status-hint"
            onClick={() => act('reactivate')}
          >
            Reactivate
          </button>
        ) : (
          <button
            type="button"
            class="danger"
            disabled={busy}
            aria-describedby="status-hint"
            onClick={() => act('deactivate')}
          >
            Deactivate
          </button>
        )}
      </div>
    </div>
  );
}

/** Anonymize (admins only): a deactivated user, after typing its user name; irreversible. */
export function AnonymizeForm({ user, onChanged }: ActionProps) {
  const [typed, setTyped] = useState('');
  const { error, busy, run } = useAction();
  const confirmed = typed.trim() === user.userName;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!confirmed) return;
    void run(async () => {
      const saved = await api<UserDetail>(`/api/v1/users/${user.id}/anonymize`, {
        method: 'POST',
      });
      setTyped('');
      onChanged(saved, 'Anonymized: the user’s personal data is erased for good.');
    });
  };
  if (user.status !== 'deactivated') {
    return (
      <div class="user-action" role="group" aria-labelledby="anonymize-heading">
        <h3 id="anonymize-heading">Anonymize</h3>
        <p class="hint">
          Only a deactivated user can be anonymized.{' '}
          {user.scimManaged
            ? 'Have your identity provider deprovision this user first.'
            : 'Deactivate this user first.'}
        </p>
      </div>
    );
  }
  return (
    <form class="user-action danger-zone" aria-labelledby="anonymize-heading" onSubmit={submit}>
      <h3 id="anonymize-heading">Anonymize</h3>
      <p id="anonymize-warning">
        <strong>This cannot be undone.</strong> Every personal detail is erased (names, emails, user
        name, external id…), the user leaves their groups, and their name is removed from the
        provisioning log and the email outbox. The record stays, as “Anonymized”, so counts and
        history add up; it can never be reactivated.
      </p>
      <div class="field">
        <label for="anonymize-confirm">Type the user name {user.userName} to confirm</label>
        <input
          id="anonymize-confirm"
          value={typed}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="anonymize-warning"
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
      </div>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" class="danger" disabled={busy || !confirmed}>
          Anonymize for good
        </button>
      </div>
    </form>
  );
}

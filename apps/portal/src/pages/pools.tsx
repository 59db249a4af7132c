import { useEffect, useState } from 'preact/hooks';
import { messageOf, useAction } from '../action';
import { api, type LicensePool, query, type UserPage } from '../api';
import { seats } from '../format';
import { usePageData } from '../page-data';
import { usePageTitle } from '../page-title';
import { FormError } from '../form-error';
import { Link } from '../link';

/** License pools: seats used of capacity as a bar; create, rename, resize and delete custom pools. */
export function PoolsPage({ canChange }: { canChange: boolean }) {
  const heading = usePageTitle('License pools');
  const { load, announcement, changed } = usePageData(
    async () => (await api<{ data: LicensePool[] }>('/api/v1/license-pools')).data,
  );
  const pools = load.kind === 'loaded' ? load.data : [];
  const defaultPool = pools.find((pool) => pool.isDefault);
  return (
    <section aria-labelledby="pools-heading">
      <h1 id="pools-heading" ref={heading} tabIndex={-1}>
        License pools
      </h1>
      <p class="intro">
        Every user holds a seat in one pool once they sign in. The default pool has every license
        that no custom pool takes; it cannot be renamed or deleted.
      </p>
      <p role="status" class="notice" hidden={announcement === ''}>
        {announcement}
      </p>
      {load.kind === 'loading' ? (
        <p role="status" class="loading">
          Loading license pools…
        </p>
      ) : load.kind === 'failed' ? (
        <p role="alert" class="error">
          {load.message}
        </p>
      ) : (
        <ul class="pools">
          {pools.map((pool) => (
            <PoolItem key={pool.id} pool={pool} canChange={canChange} onChanged={changed} />
          ))}
        </ul>
      )}
      {canChange && defaultPool ? (
        <CreatePool available={defaultPool.remaining} onCreated={changed} />
      ) : null}
      {!canChange ? (
        <p class="hint">Group admins see the pools; only admins create or change them.</p>
      ) : null}
    </section>
  );
}

function SeatBar({ pool }: { pool: LicensePool }) {
  const share = pool.capacity === 0 ? (pool.used > 0 ? 1 : 0) : pool.used / pool.capacity;
  const level = share >= 1 ? 'full' : share >= 0.9 ? 'high' : 'ok';
  return (
    <div class="seats">
      <div class={`bar bar-${level}`} aria-hidden="true">
        <div class="bar-fill" style={{ width: `${Math.min(100, Math.round(share * 100))}%` }} />
      </div>
      <p class="seat-count">
        {pool.used} of {seats(pool.capacity)} used · {pool.remaining} free
      </p>
    </div>
  );
}

interface PoolItemProps {
  pool: LicensePool;
  canChange: boolean;
  onChanged: (what: string) => Promise<void>;
}

function PoolItem({ pool, canChange, onChanged }: PoolItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  return (
    <li class="pool card" aria-labelledby={`pool-${pool.id}`}>
      <div class="pool-head">
        <h2 id={`pool-${pool.id}`}>
          {pool.name}
          {pool.isDefault ? <span class="flag">Default</span> : null}
        </h2>
        {canChange && !pool.isDefault && mode === 'view' ? (
          <div class="pool-actions">
            <button
              type="button"
              class="secondary"
              aria-label={`Edit ${pool.name}`}
              onClick={() => setMode('edit')}
            >
              Edit
            </button>
            <button
              type="button"
              class="danger"
              aria-label={`Delete ${pool.name}`}
              onClick={() => setMode('delete')}
            >
              Delete
            </button>
          </div>
        ) : null}
      </div>
      <SeatBar pool={pool} />
      <PendingPeople pool={pool} />
      {pool.isDefault ? (
        <p class="hint">
          Its capacity is the organization’s licenses less those of the custom pools.
        </p>
      ) : null}
      {mode === 'edit' ? (
        <EditPool pool={pool} onDone={() => setMode('view')} onChanged={onChanged} />
      ) : mode === 'delete' ? (
        <DeletePool pool={pool} onDone={() => setMode('view')} onChanged={onChanged} />
      ) : null}
    </li>
  );
}

/** How many pending people are named on a pool's card; the rest are counted. */
const PENDING_SHOWN = 5;

/**
 * The people the IdP provisioned into the pool while it was full (status `pending`): each takes a
 * seat at their first sign-in, which is refused while the pool is still full.
 */
function PendingPeople({ pool }: { pool: LicensePool }) {
  const [pending, setPending] = useState<UserPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<UserPage>(
      `/api/v1/users${query({ status: 'pending', poolId: pool.id, limit: PENDING_SHOWN })}`,
    ).then(setPending, (caught: unknown) => setError(messageOf(caught)));
  }, [pool.id, pool.used, pool.capacity]);
  if (error) return <FormError error={error} />;
  if (!pending || pending.data.length === 0) return null;
  const more = pending.nextCursor !== null;
  return (
    <div class="pending">
      <h3>Pending</h3>
      <p class="hint">
        Provisioned while the pool was full. Each takes a seat at their first sign-in, which is
        refused until a seat is free: give the pool more seats or move someone out.
      </p>
      <ul>
        {pending.data.map((user) => (
          <li key={user.id}>
            <Link href={`/users/${user.id}`}>{user.displayName ?? user.userName}</Link>
          </li>
        ))}
        {more ? <li>and more (see All users, status Pending)</li> : null}
      </ul>
    </div>
  );
}

interface ChangeProps {
  pool: LicensePool;
  onDone: () => void;
  onChanged: (what: string) => Promise<void>;
}

function EditPool({ pool, onDone, onChanged }: ChangeProps) {
  const [name, setName] = useState(pool.name);
  const [capacity, setCapacity] = useState(String(pool.capacity));
  const { error, setError, busy, run } = useAction();
  const id = `edit-${pool.id}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    const change: { name?: string; capacity?: number } = {};
    if (name.trim() !== pool.name) change.name = name.trim();
    if (capacity.trim() !== String(pool.capacity)) {
      const value = Number(capacity);
      if (capacity.trim() === '' || !Number.isInteger(value) || value < 0) {
        setError('The capacity is a whole number of seats, 0 or more.');
        return;
      }
      change.capacity = value;
    }
    if (Object.keys(change).length === 0) {
      onDone();
      return;
    }
    await run(async () => {
      const saved = await api<LicensePool>(`/api/v1/license-pools/${pool.id}`, {
        method: 'PATCH',
        body: change,
      });
      onDone();
      await onChanged(`Saved ${saved.name}: ${seats(saved.capacity)}.`);
    });
  };

  return (
    <form
      class="pool-form"
      aria-label={`Edit ${pool.name}`}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <div class="field">
        <label for={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          required
          maxLength={100}
          aria-describedby={`${id}-name-hint`}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p class="hint" id={`${id}-name-hint`}>
          Identity providers that send this pool by name must be updated too.
        </p>
      </div>
      <div class="field">
        <label for={`${id}-capacity`}>Capacity</label>
        <input
          id={`${id}-capacity`}
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          value={capacity}
          required
          aria-describedby={`${id}-capacity-hint`}
          onInput={(event) => setCapacity(event.currentTarget.value)}
        />
        <p class="hint" id={`${id}-capacity-hint`}>
          Not below the {seats(pool.used)} in use; more seats come out of the default pool.
        </p>
      </div>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeletePool({ pool, onDone, onChanged }: ChangeProps) {
  const { error, busy, run } = useAction();

  const confirm = () =>
    run(async () => {
      await api(`/api/v1/license-pools/${pool.id}`, { method: 'DELETE' });
      await onChanged(`Deleted ${pool.name}.`);
    });

  return (
    <div class="pool-form" role="group" aria-label={`Delete ${pool.name}?`}>
      <p>
        Delete {pool.name}? Its users move to the default pool with their seats ({seats(pool.used)}{' '}
        in use), and its {seats(pool.capacity)} go back to the default pool.
      </p>
      <FormError error={error} />
      <div class="form-actions">
        <button type="button" class="danger" disabled={busy} onClick={() => void confirm()}>
          Delete pool
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function CreatePool({
  available,
  onCreated,
}: {
  available: number;
  onCreated: (what: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [capacity, setCapacity] = useState('');
  const { error, setError, busy, run } = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = Number(capacity);
    if (name.trim() === '') {
      setError('Give the pool a name.');
      return;
    }
    if (capacity.trim() === '' || !Number.isInteger(value) || value < 0) {
      setError('The capacity is a whole number of seats, 0 or more.');
      return;
    }
    await run(async () => {
      const created = await api<LicensePool>('/api/v1/license-pools', {
        method: 'POST',
        body: { name: name.trim(), capacity: value },
      });
      setName('');
      setCapacity('');
      await onCreated(`Created ${created.name} with ${seats(created.capacity)}.`);
    });
  };

  return (
    <form
      class="card pool-form create"
      aria-labelledby="create-pool-heading"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="create-pool-heading">Create a pool</h2>
      <div class="field">
        <label for="new-pool-name">Name</label>
        <input
          id="new-pool-name"
          value={name}
          maxLength={100}
          required
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="new-pool-capacity">Capacity</label>
        <input
          id="new-pool-capacity"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          value={capacity}
          required
          aria-describedby="new-pool-capacity-hint"
          onInput={(event) => setCapacity(event.currentTarget.value)}
        />
        <p class="hint" id="new-pool-capacity-hint">
          Seats come out of the default pool, which has {seats(available)} free.
        </p>
      </div>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          Create pool
        </button>
      </div>
    </form>
  );
}

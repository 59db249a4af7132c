import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type LicensePool, query, type User, type UserPage, type UserStatus } from '../api';
import { formatDateTime, ROLE_LABELS, STATUS_HINTS, STATUS_LABELS } from '../format';
import { messageOf } from '../action';
import { usePageTitle } from '../page-title';
import { Link } from '../link';
import { nameOf } from './user/types';
import './user.css';

const PAGE_SIZE = 25;
const STATUSES = Object.keys(STATUS_LABELS) as UserStatus[];

interface Filters {
  q: string;
  status: string;
  poolId: string;
  scimManaged: string;
}

const NO_FILTERS: Filters = { q: '', status: '', poolId: '', scimManaged: '' };

type Load =
  { kind: 'loading' } | { kind: 'loaded'; page: UserPage } | { kind: 'failed'; message: string };

/** All users: status in words, the SCIM flag, pool, role and last sign-in; search, filters, pages. */
export function UsersPage() {
  const heading = usePageTitle('All users');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [search, setSearch] = useState('');
  // The cursors of the pages before the current one, and the current one's (undefined: the first).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [pools, setPools] = useState<LicensePool[]>([]);
  const request = useRef(0);

  useEffect(() => {
    api<{ data: LicensePool[] }>('/api/v1/license-pools').then(
      (answer) => setPools(answer.data),
      () => setPools([]),
    );
  }, []);

  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    const mine = ++request.current;
    setLoad({ kind: 'loading' });
    api<UserPage>(`/api/v1/users${query({ ...filters, limit: PAGE_SIZE, cursor })}`).then(
      (page) => {
        if (mine === request.current) setLoad({ kind: 'loaded', page });
      },
      (caught) => {
        if (mine !== request.current) return;
        setLoad({
          kind: 'failed',
          message: messageOf(caught),
        });
      },
    );
  }, [filters, cursor]);

  // Typing searches after a pause; Enter searches at once.
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = window.setTimeout(() => apply({ q: search.trim() }), 350);
    return () => window.clearTimeout(timer);
  }, [search]);

  // The filters as last applied, for the search timer (its closure holds an older render's).
  const applied = useRef(filters);
  applied.current = filters;
  const apply = (change: Partial<Filters>) => {
    const next = { ...applied.current, ...change };
    // Enter, then the typing pause, both ask for the same search: read the list once.
    if ((Object.keys(next) as (keyof Filters)[]).every((key) => next[key] === applied.current[key]))
      return;
    applied.current = next;
    setFilters(next);
    setCursors([undefined]);
  };
  const filtered = Object.entries(filters).some(([, value]) => value !== '');

  return (
    <section aria-labelledby="users-heading">
      <h1 id="users-heading" ref={heading} tabIndex={-1}>
        All users
      </h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter users"
        onSubmit={(event) => {
          event.preventDefault();
          apply({ q: search.trim() });
        }}
      >
        <div class="field grow">
          <label for="user-search">Search</label>
          <input
            id="user-search"
            type="search"
            placeholder="Name, user name or email"
            value={search}
            maxLength={200}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="user-status">Status</label>
          <select
            id="user-status"
            value={filters.status}
            onChange={(event) => apply({ status: event.currentTarget.value })}
          >
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-pool">License pool</label>
          <select
            id="user-pool"
            value={filters.poolId}
            onChange={(event) => apply({ poolId: event.currentTarget.value })}
          >
            <option value="">Any pool</option>
            {pools.map((pool) => (
              <option key={pool.id} value={pool.id}>
                {pool.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-scim">Managed by</label>
          <select
            id="user-scim"
            value={filters.scimManaged}
            onChange={(event) => apply({ scimManaged: event.currentTarget.value })}
          >
            <option value="">SCIM or not</option>
            <option value="true">SCIM (identity provider)</option>
            <option value="false">Not SCIM</option>
          </select>
        </div>
        <div class="field actions">
          <button type="submit">Search</button>
          {filtered ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setSearch('');
                apply(NO_FILTERS);
              }}
            >
              Clear filters
            </button>
          ) : null}
        </div>
      </form>
      <p class="list-actions">
        <a
          class="export"
          href={`/api/v1/users/export.csv${query({ ...filters })}`}
          download="users.csv"
        >
          {filtered ? 'Export these users (CSV)' : 'Export all users (CSV)'}
        </a>
      </p>
      <UserList
        load={load}
        filtered={filtered}
        pageNumber={cursors.length}
        onPrevious={() => setCursors((current) => current.slice(0, -1))}
        onNext={(next) => setCursors((current) => [...current, next])}
      />
    </section>
  );
}

interface UserListProps {
  load: Load;
  filtered: boolean;
  pageNumber: number;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}

function UserList({ load, filtered, pageNumber, onPrevious, onNext }: UserListProps) {
  if (load.kind === 'loading') {
    return (
      <p role="status" class="loading">
        Loading users…
      </p>
    );
  }
  if (load.kind === 'failed') {
    return (
      <p role="alert" class="error">
        {load.message}
      </p>
    );
  }
  const { data, nextCursor } = load.page;
  if (data.length === 0) {
    return (
      <p role="status" class="empty">
        {filtered
          ? 'No user matches these filters.'
          : 'No users yet. Users appear here when your identity provider provisions them over SCIM or when they first sign in with single sign-on.'}
      </p>
    );
  }
  return (
    <>
      <p role="status" class="visually-hidden">
        {`Page ${pageNumber}: ${data.length} ${data.length === 1 ? 'user' : 'users'}`}
      </p>
      <table class="list users">
        <caption class="visually-hidden">Users, page {pageNumber}</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Status</th>
            <th scope="col">License pool</th>
            <th scope="col">Role</th>
            <th scope="col">Last sign-in</th>
          </tr>
        </thead>
        <tbody>
          {data.map((user) => (
            <UserRow key={user.id} user={user} />
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages of users">
        <button type="button" class="secondary" disabled={pageNumber === 1} onClick={onPrevious}>
          Previous page
        </button>
        <span>Page {pageNumber}</span>
        <button
          type="button"
          class="secondary"
          disabled={nextCursor === null}
          onClick={() => nextCursor && onNext(nextCursor)}
        >
          Next page
        </button>
      </nav>
    </>
  );
}

function UserRow({ user }: { user: User }) {
  const name = nameOf(user);
  return (
    <tr>
      <td data-label="User">
        <Link href={`/users/${user.id}`}>
          <span class="user-name">{name ?? user.userName}</span>
        </Link>
        {user.scimManaged ? (
          <span class="flag" title="Managed by your identity provider through SCIM">
            SCIM
          </span>
        ) : null}
        {name ? <span class="secondary-text">{user.userName}</span> : null}
      </td>
      <td data-label="Status">
        <span class={`status status-${user.status}`} title={STATUS_HINTS[user.status]}>
          {STATUS_LABELS[user.status]}
        </span>
        {user.statusReason ? <span class="secondary-text">{user.statusReason}</span> : null}
      </td>
      <td data-label="License pool">{user.licensePool.name}</td>
      <td data-label="Role">{ROLE_LABELS[user.role]}</td>
      <td data-label="Last sign-in">{formatDateTime(user.lastLoginAt)}</td>
    </tr>
  );
}

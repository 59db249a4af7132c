import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, type SessionView } from './api';
import { ROLE_LABELS } from './format';
import { messageOf } from './action';
import { Link } from './link';

/** The navigation; `adminOnly` pages are not offered to a group admin. */
const PAGES = [
  { path: '/users', label: 'All users', adminOnly: false },
  { path: '/pools', label: 'License pools', adminOnly: false },
  { path: '/activity', label: 'Activity', adminOnly: false },
  { path: '/connect', label: 'Connect IdP', adminOnly: true },
  { path: '/webhooks', label: 'Webhooks', adminOnly: true },
];

interface ShellProps {
  session: SessionView;
  path: string;
  onSignedOut: () => void;
  children: ComponentChildren;
}

/** The frame of every signed-in page: who is signed in where, the navigation, sign-out. */
export function Shell({ session, path, onSignedOut, children }: ShellProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const who = session.user
    ? (session.user.displayName ?? session.user.userName)
    : 'Signed in with a setup link';

  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/portal/session', { method: 'DELETE', expectUnauthorized: true });
      onSignedOut();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) onSignedOut();
      else setError(messageOf(caught));
      setBusy(false);
    }
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <div class="brand">
          <span class="brand-name">Rollcall admin</span>
          <span class="org-name">{session.organization.name}</span>
        </div>
        <nav aria-label="Main" class="main-nav">
          <ul>
            {PAGES.filter((page) => session.role === 'admin' || !page.adminOnly).map((page) => (
              <li key={page.path}>
                <Link
                  href={page.path}
                  current={path === page.path || path.startsWith(`${page.path}/`)}
                >
                  {page.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          <span class="who">
            {who} <span class="role">({ROLE_LABELS[session.role]})</span>
          </span>
          <button type="button" class="secondary" onClick={() => void signOut()} disabled={busy}>
            Sign out
          </button>
        </div>
      </header>
      {error ? (
        <p role="alert" class="error banner">
          {error}
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

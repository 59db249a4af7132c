import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SessionView } from '../api';
import { messageOf } from '../action';
import { usePageTitle } from '../page-title';
import { BASE, navigate } from '../router';

/**
 * /admin/setup#token=…: the operator's one-time setup link. The token travels in the fragment (never
 * sent to a server, so never in a log); the page takes it out of the address bar and history at
 * once, trades it for a session cookie and opens the user list.
 */
export function SetupPage({ onSignedIn }: { onSignedIn: (session: SessionView) => void }) {
  const heading = usePageTitle('Setting up');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    window.history.replaceState(null, '', `${BASE}/setup`);
    if (!token) {
      setError('This link has no setup token. Open the whole link your operator gave you.');
      return;
    }
    api<SessionView>('/api/v1/portal/session', {
      method: 'POST',
      body: { setupToken: token },
      expectUnauthorized: true,
    }).then(
      (session) => {
        onSignedIn(session);
        navigate('/users', { replace: true });
      },
      (caught) => {
        if (caught instanceof ApiError && caught.code === 'invalid_setup_link') {
          setError(
            'This setup link has already been used or has expired. A setup link works once, for 24 hours: ask your operator for a new one.',
          );
        } else {
          setError(messageOf(caught));
        }
      },
    );
  }, []);

  return (
    <main class="centered" id="main">
      <h1 ref={heading} tabIndex={-1}>
        Rollcall admin
      </h1>
      {error ? (
        <>
          <p role="alert" class="error">
            {error}
          </p>
          <p>
            <a href={`${BASE}/sign-in`}>Sign in with single sign-on instead</a>
          </p>
        </>
      ) : (
        <p role="status">Opening your organization…</p>
      )}
    </main>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SessionView, rememberSession, whenSignedOut } from './api';
import { ActivityPage } from './pages/activity';
import { ConnectPage } from './pages/connect';
import { DeniedPage } from './pages/denied';
import { NotFoundPage } from './pages/not-found';
import { PoolsPage } from './pages/pools';
import { SetupPage } from './pages/setup';
import { SignInPage } from './pages/sign-in';
import { UserPage } from './pages/user';
import { UsersPage } from './pages/users';
import { WebhooksPage } from './pages/webhooks';
import { navigate, usePath } from './router';
import { Shell } from './shell';

type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-in'; session: SessionView }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'unreachable'; message: string };

const USER_PAGE = /^\/users\/([0-9a-f-]{36})$/;

/** The page of a signed-in path; admin-only pages answer "not found" to a group admin. */
function pageFor(path: string, session: SessionView) {
  const admin = session.role === 'admin';
  const user = USER_PAGE.exec(path);
  if (user) return <UserPage session={session} id={user[1]} />;
  switch (path) {
    case '/users':
      return <UsersPage />;
    case '/pools':
      return <PoolsPage canChange={admin} />;
    case '/activity':
      return <ActivityPage session={session} />;
    case '/connect':
      return admin ? <ConnectPage session={session} /> : <NotFoundPage />;
    case '/webhooks':
      return admin ? <WebhooksPage session={session} /> : <NotFoundPage />;
    case '/':
    case '/sign-in':
    case '/setup':
      return null;
    default:
      return <NotFoundPage />;
  }
}

/** Pages anyone may open; every other page needs a session. */
const PUBLIC_PAGES = new Set(['/setup', '/sign-in', '/denied']);

export function App() {
  const path = usePath();
  const [state, setState] = useState<SessionState>(
    path === '/setup' ? { kind: 'signed-out' } : { kind: 'loading' },
  );

  const signIn = (session: SessionView) => {
    rememberSession(session);
    setState({ kind: 'signed-in', session });
  };
  const signOut = (notice?: string) => {
    rememberSession(null);
    setState({ kind: 'signed-out', notice });
    navigate('/sign-in', { replace: true });
  };

  useEffect(() => {
    whenSignedOut((problem) =>
      signOut(
        problem.code === 'session_expired'
          ? 'Your session has expired. Sign in again.'
          : 'You are signed out. Sign in again.',
      ),
    );
    // The setup page makes its own session; every other page starts from the current one.
    if (path === '/setup') return;
    api<SessionView>('/api/v1/portal/session', { expectUnauthorized: true }).then(
      signIn,
      (error) => {
        if (error instanceof ApiError && error.status === 401) {
          rememberSession(null);
          setState({ kind: 'signed-out' });
        } else {
          setState({
            kind: 'unreachable',
            message: error instanceof ApiError ? error.message : 'Rollcall could not be reached.',
          });
        }
      },
    );
  }, []);

  useEffect(() => {
    if (state.kind === 'signed-out' && !PUBLIC_PAGES.has(path)) {
      navigate('/sign-in', { replace: true });
    } else if (state.kind === 'signed-in' && (path === '/' || path === '/sign-in')) {
      navigate('/users', { replace: true });
    }
  }, [state.kind, path]);

  if (path === '/setup' && state.kind !== 'signed-in') {
    return <SetupPage onSignedIn={signIn} />;
  }
  if (path === '/denied') return <DeniedPage />;
  if (state.kind === 'loading') {
    return (
      <p class="loading" role="status">
        Loading…
      </p>
    );
  }
  if (state.kind === 'unreachable') {
    return (
      <main class="centered">
        <h1>Rollcall admin</h1>
        <p role="alert" class="error">
          {state.message}
        </p>
      </main>
    );
  }
  if (state.kind === 'signed-out') return <SignInPage notice={state.notice} />;

  const { session } = state;
  return (
    <Shell session={session} path={path} onSignedOut={() => signOut('You are signed out.')}>
      {pageFor(path, session)}
    </Shell>
  );
}

import { usePageTitle } from '../page-title';
import { BASE } from '../router';

/** Where a sign-in of someone who is not an admin lands (/admin/#/denied). */
export function DeniedPage() {
  const heading = usePageTitle('No access');
  return (
    <main class="centered" id="main">
      <h1 ref={heading} tabIndex={-1}>
        This account cannot open the admin portal
      </h1>
      <p>
        You are signed in, but only admins and group admins of an organization can use the admin
        portal. Ask an admin of your organization for access.
      </p>
      <p>
        <a href={`${BASE}/sign-in`}>Sign in with another account</a>
      </p>
    </main>
  );
}

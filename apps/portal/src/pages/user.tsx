import type { SessionView } from '../api';
import { usePageTitle } from '../page-title';

/** One user's page (being built; see docs/portal.md). */
export function UserPage(_props: { session: SessionView; id: string }) {
  const heading = usePageTitle('User');
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        User
      </h1>
    </section>
  );
}

import type { SessionView } from '../api';
import { usePageTitle } from '../page-title';

/** Activity (being built; see docs/portal.md). */
export function ActivityPage(_props: { session: SessionView }) {
  const heading = usePageTitle('Activity');
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        Activity
      </h1>
    </section>
  );
}

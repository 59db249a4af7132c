import type { SessionView } from '../api';
import { usePageTitle } from '../page-title';

/** Webhooks (being built; see docs/portal.md). */
export function WebhooksPage(_props: { session: SessionView }) {
  const heading = usePageTitle('Webhooks');
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        Webhooks
      </h1>
    </section>
  );
}

import type { SessionView } from '../api';
import { usePageTitle } from '../page-title';

/** Connect your identity provider (being built; see docs/portal.md). */
export function ConnectPage(_props: { session: SessionView }) {
  const heading = usePageTitle('Connect your identity provider');
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        Connect your identity provider
      </h1>
    </section>
  );
}

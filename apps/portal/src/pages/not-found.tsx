import { Link } from '../link';
import { usePageTitle } from '../page-title';

export function NotFoundPage() {
  const heading = usePageTitle('Page not found');
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        Page not found
      </h1>
      <p>
        There is no such page in the admin portal. <Link href="/users">See all users</Link>.
      </p>
    </section>
  );
}

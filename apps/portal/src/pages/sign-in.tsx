import { useState } from 'preact/hooks';
import { usePageTitle } from '../page-title';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Sign-in: the organization's slug leads to its SAML sign-in, which comes back to /admin. */
export function SignInPage({ notice }: { notice?: string }) {
  const heading = usePageTitle('Sign in');
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    const value = slug.trim().toLowerCase();
    if (!SLUG.test(value)) {
      setError(
        'Enter your organization’s short name: lower-case letters, digits and hyphens, as in “acme-corp”.',
      );
      return;
    }
    window.location.assign(
      `/sso/saml/${encodeURIComponent(value)}/login?RelayState=${encodeURIComponent('/admin')}`,
    );
  };

  return (
    <main class="centered" id="main">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to Rollcall admin
      </h1>
      {notice ? (
        <p role="status" class="notice">
          {notice}
        </p>
      ) : null}
      <form class="card" onSubmit={submit} noValidate>
        <label for="slug">Organization</label>
        <p class="hint" id="slug-hint">
          Your organization’s short name in Rollcall, as in “acme-corp”.
        </p>
        <input
          id="slug"
          name="slug"
          autoComplete="organization"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={slug}
          aria-describedby={error ? 'slug-hint slug-error' : 'slug-hint'}
          aria-invalid={error ? true : undefined}
          onInput={(event) => setSlug(event.currentTarget.value)}
        />
        {error ? (
          <p id="slug-error" class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit">Continue with single sign-on</button>
      </form>
      <p class="hint">
        Setting up a new organization? Open the setup link your operator gave you in this browser.
      </p>
    </main>
  );
}

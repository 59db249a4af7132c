import { escapeHtml, htmlPage } from '@rollcall/common';
import type { Organization, User } from '@rollcall/identity';

const STATUS_LABELS: Record<User['status'], string> = {
  provisioned: 'No license yet',
  pending: 'Waiting for a free seat',
  active: 'Licensed',
  deactivated: 'Deactivated',
  anonymized: 'Anonymized',
};

/** The signed-in person's page: who they are, their pool, license status and tier. */
export function homePage(user: User, organization: Organization): string {
  const name =
    user.displayName ??
    ([user.givenName, user.familyName].filter(Boolean).join(' ') || user.userName);
  const email = user.emails.find((e) => e.primary)?.value ?? user.emails[0]?.value ?? user.userName;
  const rows: [string, string, string][] = [
    ['Organization', 'organization', organization.name],
    ['Email', 'email', String(email)],
    ['License pool', 'pool', user.licensePool.name],
    ['License status', 'status', STATUS_LABELS[user.status]],
    ['License tier', 'tier', user.licenseTier === 'pro' ? 'Pro' : 'Enterprise'],
  ];
  return htmlPage(
    'Home',
    `<h1>Welcome, <span data-field="name">${escapeHtml(name)}</span></h1>
<dl>
${rows.map(([label, field, value]) => `<dt>${label}</dt><dd data-field="${field}">${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<form method="post" action="/sso/logout"><button type="submit">Sign out</button></form>`,
  );
}

export function signedOutPage(): string {
  return htmlPage(
    'Signed out',
    '<h1>You have signed out</h1><p>Sign in again through your organization’s identity provider.</p>',
  );
}

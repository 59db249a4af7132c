import type { NormalizedError } from '../errors/error-response';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Paths people open in a browser (SSO sign-in and its pages): errors there are HTML pages. */
export function isBrowserPath(path: string): boolean {
  return (
    path === '/home' || path === '/sso/logout' || /^\/sso\/saml\/[^/]+\/(login|acs)$/.test(path)
  );
}

/**
 * A complete, self-contained HTML page (no script, styles inline in a <style> element allowed by
 * the CSP's style-src 'self' 'unsafe-inline'). `body` must already be escaped HTML.
 */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Rollcall</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
dt { font-weight: 600; }
.reason { padding: .75rem 1rem; border-left: 4px solid #cf222e; background: #fff5f5; }
.muted { color: #656d76; font-size: .875rem; }
button { font: inherit; padding: .4rem 1rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page a refused or failed browser request gets: what went wrong, in words a person can act on. */
export function errorPage(error: NormalizedError, requestId?: string): string {
  const heading =
    error.code === 'sign_in_refused' ||
    error.code === 'saml_rejected' ||
    error.code === 'sso_not_configured'
      ? 'You could not be signed in'
      : error.title;
  return htmlPage(
    error.title,
    `<h1>${escapeHtml(heading)}</h1>
<p class="reason" role="alert" data-code="${escapeHtml(error.code)}">${escapeHtml(error.detail)}</p>
<p class="muted">${escapeHtml(error.title)} (HTTP ${error.status}${requestId ? `, request ${escapeHtml(requestId)}` : ''}). If this keeps happening, contact your organization's administrator.</p>`,
  );
}

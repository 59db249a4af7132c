import type { HelmetOptions } from 'helmet';

/** Whether a request path is the admin portal's (its pages and assets). */
export function isPortalPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/**
 * The portal's Content-Security-Policy: its own origin only, for everything. Scripts and styles come
 * from /admin/assets (no inline script, no inline style element, no eval); the API is same-origin.
 * Without helmet's `upgrade-insecure-requests`, so that the portal also works over plain HTTP at an
 * address other than localhost (Docker Compose on a server), as Swagger UI does.
 */
export const PORTAL_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
};

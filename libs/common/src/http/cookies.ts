import type { Request } from 'express';

/** One cookie's value from the request's Cookie header (no signing: our tokens are random). */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The attributes of a session cookie Rollcall sets: HttpOnly, on the whole site, Secure when the
 * public URL is https. `maxAgeMs` unset: a browser-session cookie.
 */
export function sessionCookieOptions(
  publicUrl: string,
  sameSite: 'lax' | 'strict',
  maxAgeMs?: number,
): { httpOnly: true; sameSite: 'lax' | 'strict'; secure: boolean; path: '/'; maxAge?: number } {
  return {
    httpOnly: true,
    sameSite,
    secure: publicUrl.startsWith('https:'),
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

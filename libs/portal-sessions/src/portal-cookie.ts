import type { Response } from 'express';
import { sessionCookieOptions } from '@rollcall/common';
import { PORTAL_COOKIE } from './portal-sessions.service';

/** Sets the portal's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
export function setPortalCookie(response: Response, cookie: string, publicUrl: string): void {
  response.cookie(PORTAL_COOKIE, cookie, sessionCookieOptions(publicUrl, 'strict'));
}

export function clearPortalCookie(response: Response, publicUrl: string): void {
  response.clearCookie(PORTAL_COOKIE, sessionCookieOptions(publicUrl, 'strict'));
}

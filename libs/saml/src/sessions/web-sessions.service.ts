import { Injectable } from '@nestjs/common';
import { generateSecret, hashSecret } from '@rollcall/common';
import { WebSessionsRepository } from './web-sessions.repository';

/** How long a sign-in lasts before the person must go through the IdP again. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;
export const SESSION_COOKIE = 'rollcall_session';

export interface WebSession {
  organizationId: string;
  userId: string;
  expiresAt: Date;
}

/**
 * Browser sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie (Secure over https);
 * the database keeps only its SHA-256, so sessions work across instances and end when deleted.
 */
@Injectable()
export class WebSessionsService {
  constructor(private readonly sessions: WebSessionsRepository) {}

  /** Opens a session and answers its token (to be put in the cookie, never stored or logged). */
  async open(organizationId: string, userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = generateSecret(32);
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    // With housekeeping: the user's sessions past their end are of no use to anyone.
    await this.sessions.insertAndSweep({
      organizationId,
      userId,
      tokenHash: hashSecret(token),
      expiresAt,
    });
    return { token, expiresAt };
  }

  /** The live session a cookie token names, if any. The hash is the lookup key, so no comparison leaks time. */
  async find(token: string | undefined): Promise<WebSession | null> {
    if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const session = await this.sessions.findLive(hashSecret(token));
    return session
      ? {
          organizationId: session.organizationId,
          userId: session.userId,
          expiresAt: session.expiresAt,
        }
      : null;
  }

  async close(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.sessions.deleteByTokenHash(hashSecret(token));
  }
}

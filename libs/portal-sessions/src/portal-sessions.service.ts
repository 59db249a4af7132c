import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  DomainError,
  generateSecret,
  hashSecret,
  type Principal,
  secretMatchesHash,
  secretsEqual,
} from '@rollcall/common';
import { AdminUserActions, OrganizationsService } from '@rollcall/identity';
import type { PortalRole } from './admin-session.entity';
import { PortalSessionsRepository, type SessionRow } from './portal-sessions.repository';

export const PORTAL_COOKIE = 'rollcall_portal';
export const CSRF_HEADER = 'x-csrf-token';
/** How long a setup link may be used. */
export const SETUP_LINK_TTL_MS = 24 * 60 * 60_000;
/** The idle timer is restarted at most this often by admin API calls (GET session always restarts it). */
const TOUCH_RESOLUTION_MS = 10_000;

const SESSION_FORMAT = /^rcps_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;
const SETUP_TOKEN_FORMAT = /^rcsl_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type PortalPrincipal = Extract<Principal, { kind: 'portal' }>;

/** What the portal shows of its session (GET /api/v1/portal/session). */
export interface PortalSessionView {
  organization: { id: string; name: string; slug: string };
  role: PortalRole;
  user: { id: string; userName: string; displayName: string | null } | null;
  csrfToken: string;
  idleExpiresAt: Date;
  expiresAt: Date;
}

/** An authenticated session: its principal, and what the view and CSRF check need. */
export interface PortalSession {
  principal: PortalPrincipal;
  csrfToken: string;
  idleExpiresAt: Date;
  expiresAt: Date;
}

/** A session just opened: the cookie value (shown to the browser only) and the session. */
export interface OpenedPortalSession {
  cookie: string;
  session: PortalSession;
}

/**
 * The CSRF token of a session: an HMAC of its secret, so it needs no column, and the stored hash
 * (a plain SHA-256 of the secret) does not give it away.
 */
function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('rollcall-portal-csrf').digest('base64url');
}

/**
 * Admin portal sessions (docs/admin-portal.md): opened by a one-time setup link or an admin's SAML
 * sign-in, carried by an HttpOnly cookie, ended by sign-out, idleness or their absolute end.
 */
@Injectable()
export class PortalSessionsService {
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: PortalSessionsRepository,
    private readonly organizations: OrganizationsService,
    private readonly users: AdminUserActions,
  ) {
    this.idleMs = config.portal.idleMinutes * 60_000;
    this.absoluteMs = config.portal.absoluteHours * 60 * 60_000;
  }

  /** A one-time link into the portal for an organization's first admin (the operator's to hand over). */
  async issueSetupLink(organizationId: string): Promise<{ url: string; expiresAt: Date }> {
    await this.organizations.get(organizationId);
    const secret = generateSecret(32);
    const expiresAt = new Date(Date.now() + SETUP_LINK_TTL_MS);
    const link = await this.repository.insertSetupLink(
      organizationId,
      hashSecret(secret),
      expiresAt,
    );
    // In the fragment: a browser never sends it, so it reaches no server's log.
    const token = `rcsl_${link.id}_${secret}`;
    return { url: `${this.config.publicUrl}/admin/setup#token=${token}`, expiresAt };
  }

  /** Consumes a setup link and opens an `admin` session without a user. */
  async openWithSetupToken(token: string): Promise<OpenedPortalSession> {
    const invalid = new DomainError(
      'invalid_setup_link',
      'This setup link is not valid: it was already used, has expired (after 24 hours) or was mistyped. Ask the operator for a new one.',
    );
    const match = SETUP_TOKEN_FORMAT.exec(token);
    if (!match) throw invalid;
    const [, id, secret] = match as unknown as [string, string, string];
    const link = await this.repository.findSetupLink(id);
    if (!link || !secretMatchesHash(secret, link.tokenHash)) throw invalid;
    if (!(await this.repository.consumeSetupLink(link.id))) throw invalid;
    return this.open(link.organizationId, null, 'admin');
  }

  /** Opens a session for an admin or group admin who signed in through SSO. */
  openForUser(
    organizationId: string,
    userId: string,
    role: PortalRole,
  ): Promise<OpenedPortalSession> {
    return this.open(organizationId, userId, role);
  }

  private async open(
    organizationId: string,
    userId: string | null,
    role: PortalRole,
  ): Promise<OpenedPortalSession> {
    const secret = generateSecret(32);
    const row = await this.repository.insertSession({
      organizationId,
      userId,
      role,
      secretHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + this.absoluteMs),
    });
    return { cookie: `rcps_${row.id}_${secret}`, session: this.sessionOf(row, secret) };
  }

  /**
   * The live session a cookie names: 401 `unauthorized` for none or a wrong one, 401
   * `session_expired` (and the row deleted) past its idle or absolute end. Restarts the idle timer
   * (`touch: 'always'`, or when it was last restarted a few seconds ago or more).
   */
  async authenticate(
    cookie: string | undefined,
    touch: 'always' | 'when_due' = 'when_due',
  ): Promise<PortalSession> {
    const match = cookie === undefined ? null : SESSION_FORMAT.exec(cookie);
    if (!match) {
      throw new DomainError(
        'unauthorized',
        'Not signed in to the admin portal: open a setup link or sign in through your organization’s identity provider.',
      );
    }
    const [, id, secret] = match as unknown as [string, string, string];
    const row = await this.repository.findSession(id);
    if (!row || !secretMatchesHash(secret, row.secretHash)) {
      throw new DomainError(
        'unauthorized',
        'This admin portal session does not exist (it was signed out or replaced): sign in again.',
      );
    }
    const now = row.now.getTime();
    if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + this.idleMs <= now) {
      await this.repository.deleteSession(row.id);
      const idle = row.expiresAt.getTime() > now;
      throw new DomainError(
        'session_expired',
        idle
          ? `The admin portal session ended after ${this.config.portal.idleMinutes} minutes without use: sign in again.`
          : `The admin portal session reached its end (${this.config.portal.absoluteHours} hours after sign-in): sign in again.`,
      );
    }
    if (row.userId !== null) row.role = await this.currentRole(row);
    if (touch === 'always' || now - row.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) {
      row.lastSeenAt = (await this.repository.touchSession(row.id)) ?? row.lastSeenAt;
    }
    return this.sessionOf(row, secret);
  }

  /**
   * The role a signed-in user's session acts with: the user's role now, not the one at sign-in, so
   * that an admin demoted, deactivated or anonymized loses the portal at their next request (the
   * session is deleted).
   */
  private async currentRole(row: SessionRow): Promise<PortalRole> {
    const user = await this.users
      .getForAdmin(row.organizationId, row.userId!)
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return null;
        throw error;
      });
    if (user?.status === 'active' && (user.role === 'admin' || user.role === 'group_admin')) {
      return user.role;
    }
    await this.repository.deleteSession(row.id);
    throw new DomainError(
      'unauthorized',
      user?.status === 'active'
        ? 'Your role no longer gives you the admin portal (an admin changed it): this session has ended.'
        : 'Your account is no longer active, so this admin portal session has ended.',
    );
  }

  /**
   * The session of a request that carries the cookie: authenticated, and for an unsafe method with
   * the session's CSRF token in `X-CSRF-Token` (403 `csrf_failed` otherwise).
   */
  async authenticateRequest(
    cookie: string | undefined,
    method: string,
    csrfHeader: string | string[] | undefined,
  ): Promise<PortalSession> {
    const session = await this.authenticate(cookie);
    if (UNSAFE_METHODS.has(method.toUpperCase())) {
      const presented = typeof csrfHeader === 'string' ? csrfHeader : undefined;
      if (!presented || !secretsEqual(presented, session.csrfToken)) {
        throw new DomainError(
          'csrf_failed',
          `A ${method.toUpperCase()} with the portal's session cookie needs the header "X-CSRF-Token" with the session's csrfToken (from GET /api/v1/portal/session).`,
        );
      }
    }
    return session;
  }

  /** Signs out: the session's row is deleted (an unknown cookie is already signed out). */
  async close(cookie: string | undefined): Promise<void> {
    const match = cookie === undefined ? null : SESSION_FORMAT.exec(cookie);
    if (!match) return;
    await this.repository.deleteSession(match[1]);
  }

  async view(session: PortalSession): Promise<PortalSessionView> {
    const { organizationId, userId, role } = session.principal;
    const organization = await this.organizations.get(organizationId);
    const user = userId
      ? await this.users.getForAdmin(organizationId, userId).catch(() => null)
      : null;
    return {
      organization: { id: organization.id, name: organization.name, slug: organization.slug },
      role,
      user: user ? { id: user.id, userName: user.userName, displayName: user.displayName } : null,
      csrfToken: session.csrfToken,
      idleExpiresAt: session.idleExpiresAt,
      expiresAt: session.expiresAt,
    };
  }

  private sessionOf(row: SessionRow, secret: string): PortalSession {
    const idleEnd = row.lastSeenAt.getTime() + this.idleMs;
    return {
      principal: {
        kind: 'portal',
        organizationId: row.organizationId,
        sessionId: row.id,
        userId: row.userId,
        role: row.role,
      },
      csrfToken: csrfTokenOf(secret),
      idleExpiresAt: new Date(Math.min(idleEnd, row.expiresAt.getTime())),
      expiresAt: row.expiresAt,
    };
  }
}

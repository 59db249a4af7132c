import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { type RateLimit, RateLimiter, tooManyRequests } from '@rollcall/operations';

/** Failed setup-link attempts, counted for all callers together (as failed operator tokens are). */
const SETUP_LINK_FAILURES_BUCKET = 'portal-setup-link-failures';

/**
 * The portal session routes' budgets: a session's requests count against the admin limit (the
 * same bucket the admin guard uses for its other requests), and wrong setup links against the
 * operator-token failure limit, after which opening a session with a setup link pauses for the
 * rest of the window.
 */
@Injectable()
export class PortalRateLimits {
  private readonly session: RateLimit;
  private readonly setupFailures: RateLimit;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { windowSeconds } = config.rateLimits;
    this.session = { limit: config.rateLimits.admin, windowSeconds };
    this.setupFailures = { limit: config.rateLimits.operatorAuthFailures, windowSeconds };
  }

  /** The bucket the admin guard counts a portal session's requests in. */
  static sessionBucket(sessionId: string): string {
    return `portal-session:${sessionId}`;
  }

  /** Counts one request of the session: 429 past the admin limit. */
  async countSessionRequest(response: Response, sessionId: string): Promise<void> {
    const decision = await this.limiter.hit(
      PortalRateLimits.sessionBucket(sessionId),
      this.session,
    );
    if (!decision.allowed) {
      throw tooManyRequests(
        response,
        decision,
        `Too many requests with this admin portal session: the limit is ${this.session.limit} per ${this.session.windowSeconds} s.`,
      );
    }
  }

  /** Runs a setup-link sign-in unless wrong links have used up the window; counts a wrong one. */
  async guardSetupLink<T>(response: Response, open: () => Promise<T>): Promise<T> {
    const paused = await this.limiter.exhausted(SETUP_LINK_FAILURES_BUCKET, this.setupFailures);
    if (!paused.allowed) {
      throw tooManyRequests(
        response,
        paused,
        `Too many wrong setup links (${this.setupFailures.limit} per ${this.setupFailures.windowSeconds} s): signing in with a setup link is paused.`,
      );
    }
    try {
      return await open();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_setup_link') {
        await this.limiter.hit(SETUP_LINK_FAILURES_BUCKET, this.setupFailures);
      }
      throw error;
    }
  }
}

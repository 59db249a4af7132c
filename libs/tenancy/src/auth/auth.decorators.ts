import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  APP_CONFIG,
  type AppConfig,
  ApiProblems,
  DomainError,
  readCookie,
  type RollcallRequest,
} from '@rollcall/common';
import { type Actor, adminActor, portalActor, scimActor } from '@rollcall/identity';
import { type RateLimit, RateLimiter, tooManyRequests } from '@rollcall/operations';
import {
  CSRF_HEADER,
  PORTAL_COOKIE,
  type PortalPrincipal,
  PortalRateLimits,
  PortalSessionsService,
} from '@rollcall/portal-sessions';
import { GROUP_ADMIN_ACCESS, type GroupAdminAccess } from './group-admin-access';
import { ADMIN_KEY_STRATEGY, OPERATOR_STRATEGY } from './strategies';

export const ADMIN_API_KEY_SCHEME = 'adminApiKey';
export const OPERATOR_TOKEN_SCHEME = 'operatorToken';
export const PORTAL_SESSION_SCHEME = 'portalSession';

function rejecting(detail: string) {
  return <T>(error: unknown, principal: T | false | undefined): T => {
    if (error) throw error as Error;
    if (!principal) throw new DomainError('unauthorized', detail);
    return principal;
  };
}

/** Bucket of the failed operator-token attempts, counted for all callers together. */
const OPERATOR_FAILURES_BUCKET = 'operator-token-failures';

/**
 * Authenticates the admin API key, or else the admin portal's session cookie (with its CSRF token
 * on unsafe methods, and a `group_admin` session only on routes marked `@GroupAdminMay()`), then
 * counts the request against that key's or session's rate limit. A bearer wins over a cookie.
 */
@Injectable()
export class AdminApiKeyGuard extends AuthGuard(ADMIN_KEY_STRATEGY) {
  private readonly limit: RateLimit;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly portal: PortalSessionsService,
    private readonly portalLimits: PortalRateLimits,
    private readonly reflector: Reflector,
  ) {
    super();
    this.limit = { limit: config.rateLimits.admin, windowSeconds: config.rateLimits.windowSeconds };
  }

  override handleRequest = rejecting(
    'A valid admin API key is required: send "Authorization: Bearer <adminApiKey>" (or sign in to the admin portal).',
  );

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RollcallRequest>();
    const cookie = readCookie(request, PORTAL_COOKIE);
    if (!request.headers.authorization && cookie !== undefined) {
      const { principal } = await this.portal.authenticateRequest(
        cookie,
        request.method,
        request.headers[CSRF_HEADER],
      );
      this.checkRole(context, request, principal);
      request.user = principal;
      await this.portalLimits.countSessionRequest(
        http.getResponse<Response>(),
        principal.sessionId,
      );
      return true;
    }
    await super.canActivate(context);
    const principal = request.user;
    if (principal?.kind !== 'admin') return true;
    const decision = await this.limiter.hit(`admin-key:${principal.apiKeyId}`, this.limit);
    if (!decision.allowed) {
      throw tooManyRequests(
        http.getResponse<Response>(),
        decision,
        `Too many requests with this admin API key: the limit is ${this.limit.limit} per ${this.limit.windowSeconds} s.`,
      );
    }
    return true;
  }

  /** An `admin` session may do what an admin API key may; a `group_admin` one what its routes allow. */
  private checkRole(
    context: ExecutionContext,
    request: RollcallRequest,
    principal: PortalPrincipal,
  ): void {
    if (principal.role === 'admin') return;
    const access = this.reflector.getAllAndOverride<GroupAdminAccess | undefined>(
      GROUP_ADMIN_ACCESS,
      [context.getHandler(), context.getClass()],
    );
    const refused = access ? access.refuse?.(request) : undefined;
    if (!access || refused) {
      throw new DomainError(
        'forbidden',
        refused
          ? `Your role, group_admin, may not ${refused}: that takes an admin.`
          : `Your role, group_admin, may not use ${request.method} ${request.path}: that takes an admin. A group_admin manages users and groups, and reads license pools, the provisioning log and sign-ins.`,
      );
    }
  }
}

/**
 * Authenticates the operator token. Failed attempts that presented a token are counted for all
 * callers together; once they reach the limit, the operator API answers 429 for the rest of the
 * window, even to the right token, so that guessing a weak token is capped at that many tries.
 */
@Injectable()
export class OperatorTokenGuard extends AuthGuard(OPERATOR_STRATEGY) {
  private readonly failures: RateLimit;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.failures = {
      limit: config.rateLimits.operatorAuthFailures,
      windowSeconds: config.rateLimits.windowSeconds,
    };
  }

  override handleRequest = rejecting(
    'The operator token is required: send "Authorization: Bearer <ROLLCALL_OPERATOR_TOKEN>".',
  );

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const paused = await this.limiter.exhausted(OPERATOR_FAILURES_BUCKET, this.failures);
    if (!paused.allowed) {
      throw tooManyRequests(
        http.getResponse<Response>(),
        paused,
        `Too many failed operator-token attempts (${this.failures.limit} per ${this.failures.windowSeconds} s): the operator API is paused.`,
      );
    }
    try {
      await super.canActivate(context);
      return true;
    } catch (error) {
      const presentedToken = Boolean(http.getRequest<RollcallRequest>().headers.authorization);
      if (presentedToken && error instanceof DomainError && error.code === 'unauthorized') {
        await this.limiter.hit(OPERATOR_FAILURES_BUCKET, this.failures);
      }
      throw error;
    }
  }
}

/** The route belongs to an organization's admins, authenticated by an admin API key. */
export function AdminAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    ApiBearerAuth(ADMIN_API_KEY_SCHEME),
    ApiCookieAuth(PORTAL_SESSION_SCHEME),
    ApiProblems('unauthorized', 'session_expired', 'forbidden', 'csrf_failed', 'too_many_requests'),
  );
}

/** The route belongs to whoever runs this installation, authenticated by the operator token. */
export function OperatorAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(OperatorTokenGuard),
    ApiBearerAuth(OPERATOR_TOKEN_SCHEME),
    ApiProblems('unauthorized', 'too_many_requests'),
  );
}

/** The id of the organization whose admin API key (or admin portal session) authenticated the request. */
export const OrganizationId = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
  if (principal?.kind !== 'admin' && principal?.kind !== 'portal') {
    throw new DomainError('unauthorized', 'This endpoint needs an admin API key.');
  }
  return principal.organizationId;
});

/** Who is acting, as the events of the request's changes name it: the admin API key, portal session or operator. */
export const RequestActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
    switch (principal?.kind) {
      case 'admin':
        return adminActor(principal);
      case 'portal':
        return portalActor(principal);
      case 'operator':
        return { type: 'operator' };
      case 'scim':
        return scimActor(principal);
      case undefined:
        throw new DomainError('unauthorized', 'This endpoint needs credentials.');
    }
  },
);

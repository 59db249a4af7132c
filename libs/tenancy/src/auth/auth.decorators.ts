import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  APP_CONFIG,
  type AppConfig,
  ApiProblems,
  DomainError,
  type RollcallRequest,
} from '@rollcall/common';
import { type Actor, adminActor, scimActor } from '@rollcall/identity';
import { type RateLimit, RateLimiter, tooManyRequests } from '@rollcall/operations';
import { ADMIN_KEY_STRATEGY, OPERATOR_STRATEGY } from './strategies';

export const ADMIN_API_KEY_SCHEME = 'adminApiKey';
export const OPERATOR_TOKEN_SCHEME = 'operatorToken';

function rejecting(detail: string) {
  return <T>(error: unknown, principal: T | false | undefined): T => {
    if (error) throw error as Error;
    if (!principal) throw new DomainError('unauthorized', detail);
    return principal;
  };
}

/** Bucket of the failed operator-token attempts, counted for all callers together. */
const OPERATOR_FAILURES_BUCKET = 'operator-token-failures';

/** Authenticates the admin API key, then counts the request against that key's rate limit. */
@Injectable()
export class AdminApiKeyGuard extends AuthGuard(ADMIN_KEY_STRATEGY) {
  private readonly limit: RateLimit;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.limit = { limit: config.rateLimits.admin, windowSeconds: config.rateLimits.windowSeconds };
  }

  override handleRequest = rejecting(
    'A valid admin API key is required: send "Authorization: Bearer <adminApiKey>".',
  );

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const http = context.switchToHttp();
    const principal = http.getRequest<RollcallRequest>().user;
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
    ApiProblems('unauthorized', 'too_many_requests'),
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

/** The id of the organization whose admin API key authenticated the request. */
export const OrganizationId = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
  if (principal?.kind !== 'admin') {
    throw new DomainError('unauthorized', 'This endpoint needs an admin API key.');
  }
  return principal.organizationId;
});

/** Who is acting, as the events of the request's changes name it: the admin API key or the operator. */
export const RequestActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
    switch (principal?.kind) {
      case 'admin':
        return adminActor(principal);
      case 'operator':
        return { type: 'operator' };
      case 'scim':
        return scimActor(principal);
      case undefined:
        throw new DomainError('unauthorized', 'This endpoint needs credentials.');
    }
  },
);

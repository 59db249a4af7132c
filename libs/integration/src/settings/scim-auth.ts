import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBasicAuth } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig, DomainError, type RollcallRequest } from '@rollcall/common';
import { type RateLimit, RateLimiter, tooManyRequests } from '@rollcall/operations';
import { missingScimCredentials, type ScimGate } from '@rollcall/scim';
import { type ScimCredentialsPresented, ScimIntegrationService } from './scim-integration.service';

export const SCIM_BEARER_SCHEME = 'scimBearer';
export const SCIM_BASIC_SCHEME = 'scimBasic';
/** `Authorization: Bearer <token>` (RFC 6750 §2.1) and `Authorization: Basic <base64>` (RFC 7617). */
const BEARER = /^Bearer +(\S+) *$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
/** Where a request keeps its rate-limit decision, so that it is counted once. */
const COUNTED = Symbol('rollcall.scimRateDecision');
type RateDecision = Awaited<ReturnType<RateLimiter['hit']>>;

/**
 * SCIM requests authenticate with the organization's SCIM credentials, a bearer token or HTTP
 * Basic, as the admin chose; the credentials select the tenant. Each accepted request then counts
 * against the rate limit of those credentials.
 *
 * The credentials are read from the Authorization header only, where RFC 7644 §2 puts them and
 * where every IdP sends them: never from the query string or the body (RFC 6750 §2.2–2.3 allow
 * that for bearer tokens, but a token in a URL ends up in proxies' and browsers' logs). Parsed here
 * rather than through passport, as the SCIM Basic credentials always were: this runs on every
 * SCIM request, and passport's per-request machinery cost more than the check itself.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate, ScimGate {
  private readonly limit: RateLimit;

  constructor(
    private readonly integration: ScimIntegrationService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = { limit: config.rateLimits.scim, windowSeconds: config.rateLimits.windowSeconds };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await this.admit(http.getRequest<RollcallRequest>(), http.getResponse<Response>());
    return true;
  }

  /** Authenticates the request and counts it against its credentials' rate limit; throws a refusal. */
  async admit(request: RollcallRequest, response: Response): Promise<void> {
    await this.authenticate(request);
    const principal = request.user;
    if (principal?.kind !== 'scim') throw missingScimCredentials();
    // A request the server's read listener handed on to Express was counted there already.
    const counted = request as RollcallRequest & { [COUNTED]?: RateDecision };
    const decision = (counted[COUNTED] ??= await this.limiter.hit(
      `scim:${principal.integrationId}`,
      this.limit,
    ));
    if (!decision.allowed) {
      throw tooManyRequests(
        response,
        decision,
        `Too many SCIM requests with these credentials: the limit is ${this.limit.limit} per ${this.limit.windowSeconds} s.`,
      );
    }
  }

  private async authenticate(request: RollcallRequest): Promise<void> {
    const header = request.headers.authorization ?? '';
    const result = await this.integration.authenticate(readCredentials(header));
    if (!result.ok) throw new DomainError('unauthorized', result.reason);
    request.user = result.principal;
  }
}

function readCredentials(header: string): ScimCredentialsPresented {
  const bearer = BEARER.exec(header);
  if (bearer?.[1]) return { scheme: 'bearer', token: bearer[1] };
  const basic = BASIC.exec(header);
  if (!basic?.[1]) throw missingScimCredentials();
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw missingScimCredentials();
  return {
    scheme: 'basic',
    username: decoded.slice(0, separator),
    password: decoded.slice(separator + 1),
  };
}

/** The route is a SCIM endpoint, authenticated by the organization's SCIM credentials. */
export function ScimAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ScimAuthGuard),
    ApiBearerAuth(SCIM_BEARER_SCHEME),
    ApiBasicAuth(SCIM_BASIC_SCHEME),
  );
}

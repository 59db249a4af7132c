import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ApiBearerAuth, ApiBasicAuth } from '@nestjs/swagger';
import type { Response } from 'express';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { APP_CONFIG, type AppConfig, DomainError, type RollcallRequest } from '@rollcall/common';
import { type RateLimit, RateLimiter, tooManyRequests } from '@rollcall/operations';
import { type ScimPrincipal, ScimIntegrationService } from './scim-integration.service';

export const SCIM_BEARER_SCHEME = 'scimBearer';
export const SCIM_BASIC_SCHEME = 'scimBasic';
const SCIM_BEARER_STRATEGY = 'scim-bearer';

@Injectable()
export class ScimBearerStrategy extends PassportStrategy(BearerStrategy, SCIM_BEARER_STRATEGY) {
  constructor(private readonly integration: ScimIntegrationService) {
    super();
  }

  async validate(token: string): Promise<ScimPrincipal> {
    const result = await this.integration.authenticate({ scheme: 'bearer', token });
    if (!result.ok) throw new DomainError('unauthorized', result.reason);
    return result.principal;
  }
}

@Injectable()
class ScimBearerGuard extends AuthGuard(SCIM_BEARER_STRATEGY) {
  override handleRequest = <T>(error: unknown, principal: T | false | undefined): T => {
    if (error) throw error as Error;
    if (!principal) throw missingCredentials();
    return principal;
  };
}

/**
 * SCIM requests authenticate with the organization's SCIM credentials, a bearer token
 * (passport-http-bearer) or HTTP Basic, as the admin chose; the credentials select the tenant.
 * Each accepted request then counts against the rate limit of those credentials.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  private readonly bearer = new ScimBearerGuard();
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
    const request = http.getRequest<RollcallRequest>();
    await this.authenticate(context, request);
    const principal = request.user;
    if (principal?.kind !== 'scim') throw missingCredentials();
    const decision = await this.limiter.hit(`scim:${principal.integrationId}`, this.limit);
    if (!decision.allowed) {
      throw tooManyRequests(
        http.getResponse<Response>(),
        decision,
        `Too many SCIM requests with these credentials: the limit is ${this.limit.limit} per ${this.limit.windowSeconds} s.`,
      );
    }
    return true;
  }

  private async authenticate(context: ExecutionContext, request: RollcallRequest): Promise<void> {
    const header = request.headers.authorization ?? '';
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!basic?.[1]) {
      await this.bearer.canActivate(context);
      return;
    }
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) throw missingCredentials();
    const result = await this.integration.authenticate({
      scheme: 'basic',
      username: decoded.slice(0, separator),
      password: decoded.slice(separator + 1),
    });
    if (!result.ok) throw new DomainError('unauthorized', result.reason);
    request.user = result.principal;
  }
}

function missingCredentials(): DomainError {
  return new DomainError(
    'unauthorized',
    'SCIM requests need the organization’s SCIM credentials: "Authorization: Bearer <token>" or HTTP Basic.',
  );
}

/** The route is a SCIM endpoint, authenticated by the organization's SCIM credentials. */
export function ScimAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ScimAuthGuard),
    ApiBearerAuth(SCIM_BEARER_SCHEME),
    ApiBasicAuth(SCIM_BASIC_SCHEME),
  );
}

/** The organization whose SCIM credentials authenticated the request. */
export const ScimOrganizationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
    if (principal?.kind !== 'scim') throw missingCredentials();
    return principal.organizationId;
  },
);

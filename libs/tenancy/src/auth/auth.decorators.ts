import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems, DomainError, type RollcallRequest } from '@rollcall/common';
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

@Injectable()
export class AdminApiKeyGuard extends AuthGuard(ADMIN_KEY_STRATEGY) {
  override handleRequest = rejecting(
    'A valid admin API key is required: send "Authorization: Bearer <adminApiKey>".',
  );
}

@Injectable()
export class OperatorTokenGuard extends AuthGuard(OPERATOR_STRATEGY) {
  override handleRequest = rejecting(
    'The operator token is required: send "Authorization: Bearer <ROLLCALL_OPERATOR_TOKEN>".',
  );
}

/** The route belongs to an organization's admins, authenticated by an admin API key. */
export function AdminAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    ApiBearerAuth(ADMIN_API_KEY_SCHEME),
    ApiProblems('unauthorized'),
  );
}

/** The route belongs to whoever runs this installation, authenticated by the operator token. */
export function OperatorAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(OperatorTokenGuard),
    ApiBearerAuth(OPERATOR_TOKEN_SCHEME),
    ApiProblems('unauthorized'),
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

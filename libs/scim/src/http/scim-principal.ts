import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, type RollcallRequest } from '@rollcall/common';

/** The error for a SCIM request without (usable) SCIM credentials. */
export function missingScimCredentials(): DomainError {
  return new DomainError(
    'unauthorized',
    'SCIM requests need the organization’s SCIM credentials: "Authorization: Bearer <token>" or HTTP Basic.',
  );
}

/**
 * The organization whose SCIM credentials authenticated the request: the `scim` principal that the
 * authentication decorator given to `ScimResourceController` put on the request.
 */
export const ScimOrganizationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
    if (principal?.kind !== 'scim') throw missingScimCredentials();
    return principal.organizationId;
  },
);

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

/** Who sent a SCIM request: the organization, and the SCIM integration whose credentials it used. */
export interface ScimCaller {
  organizationId: string;
  integrationId: string;
}

/** The caller of a SCIM request (for writes, which name who acted in their events). */
export const ScimRequestCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ScimCaller => {
    const principal = context.switchToHttp().getRequest<RollcallRequest>().user;
    if (principal?.kind !== 'scim') throw missingScimCredentials();
    return { organizationId: principal.organizationId, integrationId: principal.integrationId };
  },
);

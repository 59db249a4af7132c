import { Header } from '@nestjs/common';
import { SCIM_JSON } from '@rollcall/common';

/**
 * The route answers `application/scim+json` (RFC 7644 §3.1). A static response header, which Nest
 * sets once the guards have passed: no interceptor, so no observable pipeline on every request.
 * Errors get the same type from the error filter.
 */
export const ScimJson = (): MethodDecorator => Header('Content-Type', SCIM_JSON);

import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { normalizeError, type NormalizedError } from '../errors/error-response';
import { errorPage, isBrowserPath } from './html';
import {
  ERROR_OUTCOME,
  type ErrorOutcome,
  isScimPath,
  type RollcallRequest,
} from './request-context';

export const PROBLEM_JSON = 'application/problem+json';
export const SCIM_JSON = 'application/scim+json';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The one place where thrown values become responses: RFC 9457 problem+json on the admin API, the
 * RFC 7644 §3.12 envelope under /scim/v2. Never a stack trace; unexpected errors are logged with the
 * request id that the response carries.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RollcallRequest>();
    const response = http.getResponse<Response>();
    const path = request.path ?? request.url ?? '';
    const error = normalizeError(exception, request.method, path);
    const requestId = typeof request.id === 'string' ? request.id : undefined;

    if (error.unexpected) {
      this.logger.error({ err: exception, requestId, code: error.code }, 'request failed');
    }
    const outcome: ErrorOutcome = {
      code: error.code,
      detail: error.detail,
      ...(error.scimType ? { scimType: error.scimType } : {}),
      ...(error.reason ? { reason: error.reason } : {}),
    };
    response.locals[ERROR_OUTCOME] = outcome;
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error.status === 401 && !response.getHeader('WWW-Authenticate')) {
      response.setHeader(
        'WWW-Authenticate',
        isScimPath(path)
          ? ['Bearer realm="rollcall-scim"', 'Basic realm="rollcall-scim", charset="UTF-8"']
          : 'Bearer realm="rollcall"',
      );
    }
    if (error.status === 503 || error.status === 429) {
      if (!response.getHeader('Retry-After')) response.setHeader('Retry-After', '5');
    }
    const { type, body } = renderError(error, path, requestId);
    response.status(error.status).type(type).send(body);
  }
}

/**
 * An error as the caller of `path` reads it: an HTML page where people browse (SSO), the RFC 7644
 * envelope under /scim/v2, problem+json everywhere else.
 */
export function renderError(
  error: NormalizedError,
  path: string,
  requestId?: string,
): { type: string; body: string } {
  if (isBrowserPath(path)) return { type: 'text/html', body: errorPage(error, requestId) };
  if (isScimPath(path)) return { type: SCIM_JSON, body: JSON.stringify(scimBody(error)) };
  return { type: PROBLEM_JSON, body: JSON.stringify(problemBody(error, requestId)) };
}

export function problemBody(error: NormalizedError, requestId?: string): Record<string, unknown> {
  return {
    type: `urn:rollcall:error:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.fieldErrors.length > 0 ? { errors: error.fieldErrors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export function scimBody(error: NormalizedError): Record<string, unknown> {
  const detail =
    error.fieldErrors.length > 0
      ? `${error.detail} ${error.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')}`
      : error.detail;
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail,
  };
}

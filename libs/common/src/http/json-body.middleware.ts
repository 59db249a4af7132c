import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware of all: every request (even one whose body fails to parse) gets an id, taken from
 * a well-formed X-Request-Id or freshly made, echoed in the response and written in every log line.
 */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

/**
 * The admin API and SCIM speak JSON (`application/json`, `application/scim+json`). A body in any other
 * type would otherwise be ignored silently and reported as missing fields; answer 415 instead.
 */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number.parseInt(req.headers['content-length'] ?? '0', 10) > 0;
  const type = req.headers['content-type'];
  if (hasBody && (type === undefined || !JSON_TYPE.test(type))) {
    next(
      new DomainError(
        'unsupported_media_type',
        'Send the request body as JSON with Content-Type application/json or application/scim+json.',
      ),
    );
    return;
  }
  next();
}

interface BodyParserError {
  type: string;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    error instanceof Error &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/** Turns body-parser's errors into domain errors, so the global filter answers them like any other. */
export function bodyParserErrors(
  error: unknown,
  _req: Request,
  _res: Response,
  next: NextFunction,
): void {
  if (!isBodyParserError(error)) {
    next(error);
    return;
  }
  switch (error.type) {
    case 'entity.parse.failed':
      next(
        new DomainError(
          'malformed_request',
          `The request body is not valid JSON (${error.message}).`,
        ),
      );
      return;
    case 'entity.too.large':
      next(new DomainError('payload_too_large', 'The request body exceeds the 1 MB limit.'));
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      next(
        new DomainError('unsupported_media_type', 'The request body must be UTF-8 encoded JSON.'),
      );
      return;
    default:
      next(new DomainError('malformed_request', 'The request body could not be read.'));
  }
}

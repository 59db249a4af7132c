import { isUtf8 } from 'node:buffer';
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

/** A 4xx error raised while reading the body that names no body-parser type (e.g. bad gzip data). */
function isClientReadError(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof DomainError) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * `verify` for the JSON parser: JSON is UTF-8 (RFC 8259 §8.1). Invalid bytes are refused rather than
 * silently replaced with U+FFFD and stored.
 */
export function requireUtf8(_req: Request, _res: Response, body: Buffer): void {
  if (!isUtf8(body)) {
    throw Object.assign(new Error('The request body is not valid UTF-8.'), {
      type: 'entity.verify.failed',
    });
  }
}

/** Turns body-parser's errors into domain errors, so the global filter answers them like any other. */
export function bodyParserErrors(
  error: unknown,
  _req: Request,
  _res: Response,
  next: NextFunction,
): void {
  if (!isBodyParserError(error)) {
    next(
      isClientReadError(error)
        ? new DomainError('malformed_request', 'The request body could not be read.')
        : error,
    );
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
    case 'entity.verify.failed':
      next(new DomainError('malformed_request', error.message));
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

/**
 * Deepest nesting of objects and arrays a JSON body may have. Real SCIM and admin bodies stay under
 * ten; much deeper ones would overflow the stack of code that walks them recursively (the validation
 * pipe, class-transformer, JSON.stringify) and turn into 500s.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Most members one JSON object may have (arrays may be longer). Real bodies have a few dozen; the
 * validation pipe takes time quadratic in the number of unknown keys, so a 1 MB body of 90,000 keys
 * would block the event loop for seconds.
 */
export const MAX_JSON_OBJECT_MEMBERS = 1000;

const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** NUL, which PostgreSQL text cannot hold, or an unpaired UTF-16 surrogate, which jsonb refuses. */
function unstorable(text: string): boolean {
  return text.includes('\0') || UNPAIRED_SURROGATE.test(text);
}

/** A value met while walking a body; its path is spelled out only when it is refused. */
interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

function pathOf(visit: Visit): string {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  let path = '$';
  for (const key of keys.reverse()) {
    if (typeof key === 'number') path += `[${key}]`;
    else path += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return path.slice(0, 200);
}

/** Why a parsed JSON body cannot be accepted, or undefined. Iterative, so any depth is safe. */
export function hostileJsonProblem(body: unknown): string | undefined {
  const pending: Visit[] = [{ value: body, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, depth } = item;
    if (typeof value === 'string') {
      if (unstorable(value)) {
        return `${pathOf(item)} contains a NUL character or an unpaired surrogate.`;
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`;
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        pending.push({
          value: value[index] as unknown,
          depth: depth + 1,
          parent: item,
          key: index,
        });
      }
      continue;
    }
    const members = Object.entries(value);
    if (members.length > MAX_JSON_OBJECT_MEMBERS) {
      return `${pathOf(item)} has more than ${MAX_JSON_OBJECT_MEMBERS} members.`;
    }
    for (const [key, element] of members) {
      const child: Visit = { value: element, depth: depth + 1, parent: item, key };
      if (key === '__proto__') return `${pathOf(child)} is not an acceptable key.`;
      if (
        key === 'constructor' &&
        typeof element === 'object' &&
        element !== null &&
        Object.prototype.hasOwnProperty.call(element, 'prototype')
      ) {
        return `${pathOf(child)} is not an acceptable key.`;
      }
      if (unstorable(key)) {
        return `A key in ${pathOf(item)} contains a NUL character or an unpaired surrogate.`;
      }
      pending.push(child);
    }
  }
  return undefined;
}

/**
 * Runs after the JSON parser: refuses bodies that no handler can process safely (too deep, objects
 * with too many members, prototype-pollution keys, text PostgreSQL cannot store) with a 400 that
 * says where.
 */
export function rejectHostileJson(req: Request, _res: Response, next: NextFunction): void {
  const problem = hostileJsonProblem(req.body);
  next(
    problem
      ? new DomainError('malformed_request', `The request body is refused: ${problem}`)
      : undefined,
  );
}

/** Admin API query parameters with a NUL character (which PostgreSQL text cannot hold): 400. */
export function rejectNulInQuery(req: Request, _res: Response, next: NextFunction): void {
  const bad = Object.entries(req.query as Record<string, unknown>).find(([key, value]) =>
    [key, ...(Array.isArray(value) ? (value as unknown[]) : [value])].some(
      (text) => typeof text === 'string' && text.includes('\0'),
    ),
  );
  next(
    bad
      ? new DomainError('validation_failed', `The request has invalid fields: ${bad[0]}.`, [
          { field: bad[0], message: `${bad[0]} must not contain NUL characters` },
        ])
      : undefined,
  );
}

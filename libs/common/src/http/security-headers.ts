import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** What a helmet configuration does to every response: the headers it sets and the ones it removes. */
export interface SecurityHeaders {
  set: readonly (readonly [string, string])[];
  removed: readonly string[];
}

/**
 * Runs helmet once, on a response that only records, and returns what it did. helmet's headers
 * depend on its options alone (no nonces here, nothing read from the request), so replaying them
 * is the same as running it: one loop instead of thirteen middleware calls and a Content-Security-
 * Policy built again for every request.
 */
export function recordHelmet(options?: Readonly<HelmetOptions>): SecurityHeaders {
  if (holdsFunction(options)) {
    throw new Error(
      'helmet options with functions (nonces) compute headers per request: run helmet',
    );
  }
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let error: unknown;
  let done = false;
  helmet(options)(
    { method: 'GET', url: '/', headers: {} } as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      error = err;
      done = true;
    },
  );
  // helmet calls next synchronously; anything else would mean per-request work after all.
  if (!done || error !== undefined) {
    throw new Error(`helmet did not finish synchronously: ${String(error)}`);
  }
  return { set, removed };
}

/** Express middleware replaying recorded {@link SecurityHeaders}. */
export function applySecurityHeaders(headers: SecurityHeaders) {
  const { set, removed } = headers;
  return (_request: Request, response: Response, next: NextFunction): void => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of set) response.setHeader(name, value);
    next();
  };
}

function holdsFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(holdsFunction);
}

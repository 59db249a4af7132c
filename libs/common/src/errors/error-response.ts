import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorCode, type FieldError } from './domain-error';
import { codeForStatus, describeError, type ScimType } from './error-catalog';

/** What any thrown value becomes before it is written to the wire. */
export interface NormalizedError {
  code: ErrorCode;
  status: number;
  title: string;
  detail: string;
  scimType?: ScimType;
  fieldErrors: FieldError[];
  /** A DomainError's finer reason within the code (`pool_full` for `invalid_value`). */
  reason?: string;
  /** True when the cause is ours, not the caller's: log it loudly. */
  unexpected: boolean;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure (retry is safe)
  '40P01', // deadlock_detected (retry is safe)
]);

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const withCode = error as { code?: unknown; driverError?: { code?: unknown } };
  if (typeof withCode.driverError?.code === 'string') return withCode.driverError.code;
  return typeof withCode.code === 'string' ? withCode.code : undefined;
}

function isDatabaseUnavailable(error: unknown): boolean {
  // TypeORM releases a transaction's connection the moment the server drops it (restart, failover),
  // so the transaction's next statement meets a released query runner: the same outage.
  if (
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  )
    return true;
  const code = errorCodeOf(error);
  if (code !== undefined && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08')))
    return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection is not established/i.test(
    message,
  );
}

function fromCode(
  code: ErrorCode,
  detail: string,
  fieldErrors: FieldError[] = [],
  unexpected = false,
): NormalizedError {
  const description = describeError(code);
  return { code, ...description, detail, fieldErrors, unexpected };
}

export function normalizeError(error: unknown, method: string, path: string): NormalizedError {
  if (error instanceof DomainError) {
    const normalized = fromCode(error.code, error.detail, error.fieldErrors);
    return error.reason ? { ...normalized, reason: error.reason } : normalized;
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeForStatus(status);
    if (code === 'route_not_found')
      return fromCode(code, `There is no endpoint ${method} ${path}.`);
    if (code === 'internal') return fromCode(code, 'An unexpected error occurred.', [], true);
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? response.message
        : error.message;
    return fromCode(code, typeof message === 'string' ? message : error.message);
  }

  if (isDatabaseUnavailable(error)) {
    return fromCode(
      'service_unavailable',
      'The database is unavailable or busy; retry the request shortly.',
      [],
      true,
    );
  }

  if (error instanceof QueryFailedError && errorCodeOf(error) === '23505') {
    return fromCode('conflict', 'A resource with the same unique value already exists.');
  }

  return fromCode('internal', 'An unexpected error occurred.', [], true);
}

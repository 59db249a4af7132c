import { DomainError } from '@rollcall/common';
import { LIST_RESPONSE } from '../schema/definitions';
import { MAX_PAGE_SIZE } from '../schema/discovery';

/** Paging of a list or search request, after RFC 7644 §3.4.2.4's rules. */
export interface Paging {
  /** 1-based. */
  startIndex: number;
  count: number;
}

function integerParameter(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
  // Beyond 2^53 a number is no longer exact (and 1e20 is no bigint PostgreSQL accepts as OFFSET).
  if (!Number.isSafeInteger(value)) {
    throw new DomainError(
      'invalid_value',
      `${name} must be an integer (got ${JSON.stringify(raw)}).`,
    );
  }
  return value;
}

/**
 * startIndex below 1 means 1; a negative count means 0; count above the maximum is capped at
 * MAX_PAGE_SIZE (advertised as filter.maxResults); no count means the maximum.
 */
export function parsePaging(startIndex: unknown, count: unknown): Paging {
  const start = integerParameter('startIndex', startIndex) ?? 1;
  const size = integerParameter('count', count) ?? MAX_PAGE_SIZE;
  return { startIndex: Math.max(1, start), count: Math.min(MAX_PAGE_SIZE, Math.max(0, size)) };
}

export interface ListResponse<T> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export function listResponse<T>(total: number, paging: Paging, resources: T[]): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex: paging.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

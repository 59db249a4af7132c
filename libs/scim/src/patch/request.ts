/**
 * Reads a SCIM PATCH request body (RFC 7644 §3.5.2): `{"schemas": [PatchOp URN], "Operations": [...]}`.
 *
 * Liberal where identity providers deviate: `schemas` may be missing (or a single string); the
 * `Operations`, `op`, `path` and `value` keys may be in any case; `op` may be in any case
 * (`Replace`, `ADD`); an empty or null `path` means no path. Strict: at most 1000 operations, `op`
 * must be add, replace or remove, add and replace need a `value` — all → DomainError('invalid_syntax').
 */
import { DomainError } from '@rollcall/common';
import { getKey, isRecord } from './document';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/** A checked operation: `op` lowercased, `path` trimmed and non-empty when present. */
export interface NormalizedOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

function syntax(detail: string, field: string): DomainError {
  return new DomainError('invalid_syntax', detail, [{ field, message: detail }]);
}

export function parsePatchRequest(body: unknown): NormalizedOperation[] {
  if (!isRecord(body)) {
    throw syntax(
      'The PATCH request body must be a JSON object with "schemas" and "Operations" members.',
      'body',
    );
  }
  checkSchemas(getKey(body, 'schemas'));
  const operations = getKey(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw syntax(
      operations === undefined
        ? 'The PATCH request has no "Operations" list.'
        : 'The "Operations" member of the PATCH request must be a list of operations.',
      'Operations',
    );
  }
  checkCount(operations.length);
  return operations.map((operation: unknown, index) => readOperation(operation, index));
}

function checkSchemas(schemas: unknown): void {
  if (schemas === undefined || schemas === null) return;
  const list: unknown[] = Array.isArray(schemas) ? schemas : [schemas];
  const lower = PATCH_OP_SCHEMA.toLowerCase();
  if (list.some((item) => typeof item === 'string' && item.trim().toLowerCase() === lower)) return;
  throw syntax(`The "schemas" of a PATCH request must list "${PATCH_OP_SCHEMA}".`, 'schemas');
}

export function checkCount(count: number): void {
  if (count > MAX_PATCH_OPERATIONS) {
    throw syntax(
      `The PATCH request has ${count} operations; at most ${MAX_PATCH_OPERATIONS} are accepted ` +
        'in one request.',
      'Operations',
    );
  }
}

/** Checks one operation (from a request body or handed to applyPatch directly). */
export function readOperation(operation: unknown, index: number): NormalizedOperation {
  const field = `Operations[${index}]`;
  if (!isRecord(operation)) {
    throw syntax(
      `PATCH operation ${index + 1} must be an object with "op", "path" and "value".`,
      field,
    );
  }
  const op = readOp(getKey(operation, 'op'), index);
  const rawPath = getKey(operation, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw syntax(`The "path" of PATCH operation ${index + 1} must be text.`, `${field}.path`);
  }
  const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;
  const value = getKey(operation, 'value');
  if (op !== 'remove' && value === undefined) {
    throw syntax(`PATCH operation ${index + 1} (${op}) has no "value".`, `${field}.value`);
  }
  const normalized: NormalizedOperation = { op };
  if (path !== undefined) normalized.path = path;
  if (value !== undefined) normalized.value = value;
  return normalized;
}

function readOp(op: unknown, index: number): PatchOpName {
  const field = `Operations[${index}].op`;
  if (typeof op !== 'string') {
    throw syntax(
      `PATCH operation ${index + 1} has no "op"; use "add", "replace" or "remove".`,
      field,
    );
  }
  const lower = op.trim().toLowerCase();
  if (lower === 'add' || lower === 'replace' || lower === 'remove') return lower;
  throw syntax(
    `The op ${JSON.stringify(op.length > 40 ? `${op.slice(0, 37)}...` : op)} of PATCH operation ` +
      `${index + 1} is not supported; use "add", "replace" or "remove".`,
    field,
  );
}

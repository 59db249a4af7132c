import { DomainError } from '@rollcall/common';

/** Weak entity tag of a resource version (RFC 7644 §3.14). */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an If-Match header demands, or undefined when there is none (or `*`). A header that
 * names no version we could have issued can never match: 412.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match?.[1]) {
    throw new DomainError(
      'precondition_failed',
      `If-Match ${header} does not name a current version.`,
    );
  }
  return Number(match[1]);
}

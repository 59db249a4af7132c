import { ENTERPRISE_USER_SCHEMA, type ResourceColumns, ROLLCALL_USER_SCHEMA } from '@rollcall/scim';
import { catalogEntry } from '@rollcall/common';
import { USER_SEARCH_COLUMNS, USER_SORT_EXPRESSIONS } from '@rollcall/identity';

const ENTERPRISE = `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:`;
const ROLLCALL = `${ROLLCALL_USER_SCHEMA.toLowerCase()}:`;
const META: Readonly<Record<string, string>> = {
  'meta.created': 'created',
  'meta.lastmodified': 'lastmodified',
};

/**
 * The user attribute a lowercased canonical SCIM path names in the users repository's catalog:
 * core attributes by the same path, the enterprise extension as `enterprise.<path>`, Rollcall's
 * extension by its own name, `meta.*` by the timestamps.
 */
function userAttribute(path: string): string {
  if (path.startsWith(ENTERPRISE)) return `enterprise.${path.slice(ENTERPRISE.length)}`;
  if (path.startsWith(ROLLCALL)) return path.slice(ROLLCALL.length);
  return catalogEntry(META, path) ?? path;
}

/** Where /Users filters and sorts find each SCIM attribute: the users repository's catalog. */
export const USER_COLUMNS: ResourceColumns = {
  filter: (path) => catalogEntry(USER_SEARCH_COLUMNS, userAttribute(path)),
  sort: (path) => catalogEntry(USER_SORT_EXPRESSIONS, userAttribute(path)),
};

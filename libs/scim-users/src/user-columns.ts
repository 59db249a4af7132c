import { USER_SEARCH_COLUMNS, USER_SORT_EXPRESSIONS } from '@rollcall/identity';
import { catalogColumns, ENTERPRISE_USER_SCHEMA, ROLLCALL_USER_SCHEMA } from '@rollcall/scim';

const ENTERPRISE = `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:`;
const ROLLCALL = `${ROLLCALL_USER_SCHEMA.toLowerCase()}:`;

/**
 * The user attribute a lowercased canonical SCIM path names in the users repository's catalog:
 * core attributes by the same path, the enterprise extension as `enterprise.<path>`, Rollcall's
 * extension by its own name.
 */
function userAttribute(path: string): string {
  if (path.startsWith(ENTERPRISE)) return `enterprise.${path.slice(ENTERPRISE.length)}`;
  if (path.startsWith(ROLLCALL)) return path.slice(ROLLCALL.length);
  return path;
}

/** Where /Users filters and sorts find each SCIM attribute: the users repository's catalog. */
export const USER_COLUMNS = catalogColumns(
  USER_SEARCH_COLUMNS,
  USER_SORT_EXPRESSIONS,
  userAttribute,
);

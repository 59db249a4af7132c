/** SCIM filters (RFC 7644 §3.4.2.2), PATCH paths (§3.5.2) and attribute lists (§3.4.2.5, §3.10). */
export type { AttributePath, CompareOperator, Filter, FilterValue, PatchPath } from './ast';
export { formatAttributePath, parseAttributePath } from './attribute-path';
export { compileElementMatcher, compileMatcher, matchesFilter, type Matcher } from './evaluate';
export { formatFilter, formatPatchPath } from './format';
export {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseAttributeList,
  parseFilter,
  parsePatchPath,
} from './parser';
export { findAttribute, findSchemaScope, resolveAttribute, type SchemaScope } from './resolve';
export {
  compileFilter,
  SqlParams,
  type RelationSubAttribute,
  type SqlColumn,
  type SqlMapping,
} from './sql';
export { parseDateTime, readBoolean } from './values';

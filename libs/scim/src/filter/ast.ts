/** RFC 7644 §3.4.2.2 filter syntax tree, shared by the SQL compiler, the in-memory evaluator and PATCH. */

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

/** `[URI ":"] ATTRNAME ["." subAttr]` exactly as written (resolution against a schema comes later). */
export interface AttributePath {
  /** Schema URN prefix when the path carried one, e.g. urn:ietf:params:scim:schemas:core:2.0:User */
  uri?: string;
  name: string;
  subAttribute?: string;
}

export type Filter =
  | { kind: 'compare'; path: AttributePath; operator: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /**
   * `emails[type eq "work" and value co "@x.com"]`: `path` names the multi-valued attribute; paths
   * inside `filter` are relative to its elements (their `name` is a sub-attribute name).
   */
  | { kind: 'valuePath'; path: AttributePath; filter: Filter };

/**
 * A PATCH `path` (RFC 7644 §3.5.2): `attrPath`, or `valuePath ["." subAttr]`, e.g. `name.givenName`,
 * `emails[type eq "work"].value`, `members[value eq "2819c223"]`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 */
export interface PatchPath {
  attribute: AttributePath;
  /** Selects elements of a multi-valued attribute. */
  valueFilter?: Filter;
  /** After a value filter: the sub-attribute of the selected elements (`.value`). */
  subAttribute?: string;
}

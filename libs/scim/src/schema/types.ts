/** RFC 7643 §7 attribute characteristics, as served by /Schemas and used by filters and PATCH. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  /** The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User */
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

export interface SchemaExtension {
  schema: SchemaDefinition;
  required: boolean;
  /** Other URNs accepted on input as this extension (e.g. the udemy alias of the Rollcall extension). */
  aliases?: string[];
}

/** A resource type (RFC 7643 §6) with everything needed to interpret paths against it. */
export interface ResourceSchema {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  core: SchemaDefinition;
  extensions: SchemaExtension[];
}

/** An attribute path resolved against a resource schema. */
export interface ResolvedAttribute {
  /** The URN of the schema that defines the attribute (common attributes: the core schema). */
  schemaUrn: string;
  /** The top-level attribute. */
  attribute: AttributeDefinition;
  /** The sub-attribute, when the path names one (name.givenName, emails.value). */
  subAttribute?: AttributeDefinition;
  /**
   * Canonical spelling for lookups and for reporting what a request touched: `name.givenName`,
   * `emails.value`, `active`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`
   * (extension attributes are always prefixed with their canonical URN, never an alias).
   */
  canonicalPath: string;
}

/**
 * Resolves RFC 7644 §3.10 attribute paths against a resource type (RFC 7643 §6): names and URNs are
 * case-insensitive (RFC 7643 §2.1). A path with a URN resolves in that schema (the core schema, an
 * extension or an extension's alias URN). Without a URN, the core schema and the common attributes
 * (RFC 7643 §3.1) come first, then — liberally — extension attributes by their bare name
 * (`licensePoolName`, `department`).
 */
import type {
  AttributeDefinition,
  ResolvedAttribute,
  ResourceSchema,
  SchemaExtension,
} from '../schema/types';
import type { AttributePath } from './ast';

/** Where an attribute lives in a SCIM document: at the top level, or under an extension's URN key. */
export type SchemaScope =
  { kind: 'core'; urn: string } | { kind: 'extension'; urn: string; extension: SchemaExtension };

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function findAttribute(
  attributes: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  return attributes?.find((attribute) => sameName(attribute.name, name));
}

/** The schema a URN names: the core schema, an extension, or an extension alias (case-insensitive). */
export function findSchemaScope(resource: ResourceSchema, urn: string): SchemaScope | undefined {
  if (sameName(resource.core.id, urn)) return { kind: 'core', urn: resource.core.id };
  const extension = resource.extensions.find(
    (candidate) =>
      sameName(candidate.schema.id, urn) ||
      (candidate.aliases ?? []).some((alias) => sameName(alias, urn)),
  );
  return extension ? { kind: 'extension', urn: extension.schema.id, extension } : undefined;
}

export function resolveAttribute(
  resource: ResourceSchema,
  path: AttributePath,
  commonAttributes: AttributeDefinition[],
): ResolvedAttribute | undefined {
  const found = findTopLevel(resource, path, commonAttributes);
  if (!found) return undefined;
  const { scope, attribute } = found;
  const prefix = scope.kind === 'core' ? '' : `${scope.urn}:`;
  if (path.subAttribute === undefined) {
    return { schemaUrn: scope.urn, attribute, canonicalPath: `${prefix}${attribute.name}` };
  }
  const subAttribute = findAttribute(attribute.subAttributes, path.subAttribute);
  if (!subAttribute) return undefined;
  return {
    schemaUrn: scope.urn,
    attribute,
    subAttribute,
    canonicalPath: `${prefix}${attribute.name}.${subAttribute.name}`,
  };
}

function findTopLevel(
  resource: ResourceSchema,
  path: AttributePath,
  common: readonly AttributeDefinition[],
): { scope: SchemaScope; attribute: AttributeDefinition } | undefined {
  const core: SchemaScope = { kind: 'core', urn: resource.core.id };
  if (path.uri !== undefined) {
    const scope = findSchemaScope(resource, path.uri);
    if (!scope) return undefined;
    const attribute =
      scope.kind === 'core'
        ? (findAttribute(resource.core.attributes, path.name) ?? findAttribute(common, path.name))
        : findAttribute(scope.extension.schema.attributes, path.name);
    return attribute ? { scope, attribute } : undefined;
  }
  const coreAttribute =
    findAttribute(resource.core.attributes, path.name) ?? findAttribute(common, path.name);
  if (coreAttribute) return { scope: core, attribute: coreAttribute };
  for (const extension of resource.extensions) {
    const attribute = findAttribute(extension.schema.attributes, path.name);
    if (attribute) {
      return { scope: { kind: 'extension', urn: extension.schema.id, extension }, attribute };
    }
  }
  return undefined;
}

/** The scope a resolved attribute lives in (for reading and writing documents). */
export function scopeOf(resource: ResourceSchema, resolved: ResolvedAttribute): SchemaScope {
  return findSchemaScope(resource, resolved.schemaUrn) ?? { kind: 'core', urn: resource.core.id };
}

/**
 * A filter sent to the root (`POST /scim/v2/.search`, RFC 7644 §3.4.2.1 and §3.4.3) is one filter
 * over every resource type. Each type gets its own part of it, decided node by node:
 *
 * - `meta.resourceType` and `schemas` are known without reading a row (every User has the core
 *   User schema and Rollcall's extension, every Group the core Group schema): they become `true`
 *   or `false` for each type. `schemas` comparisons that depend on a user's data (the enterprise
 *   extension is listed only when the user has enterprise attributes) cannot be decided this way
 *   and are refused as invalidFilter.
 * - An attribute that one type does not define is unassigned on every resource of that type (RFC
 *   7643 §2.5): a comparison with a value is false there (`ne` true), `pr` false, `eq null` true.
 *   So `userName eq "x"` finds the matching users and no group, rather than failing.
 * - An attribute that no type defines is invalidFilter, as on /Users and /Groups.
 *
 * The parts are then simplified: a type whose part is `false` is not searched at all, one whose
 * part is `true` is searched without a filter. The whole filter is checked against both schemas
 * first (values of the right type, operators the attribute allows), so a branch that the
 * simplification drops still answers 400 when it is malformed.
 */
import { DomainError } from '@rollcall/common';
import {
  type AttributeDefinition,
  type AttributePath,
  COMMON_ATTRIBUTES,
  compileMatcher,
  ENTERPRISE_USER_SCHEMA,
  type Filter,
  formatAttributePath,
  formatFilter,
  GROUP_RESOURCE,
  GROUP_SCHEMA,
  resolveAttribute,
  type ResourceSchema,
  ROLLCALL_USER_SCHEMA,
  USER_RESOURCE,
  USER_SCHEMA,
} from '@rollcall/scim';

/** What one resource type is asked: nothing (`false`), everything (`true`), or a filter. */
export type RootFilterPart = boolean | Filter;

const COMMON = [...COMMON_ATTRIBUTES];

/** The `schemas` attribute (RFC 7643 §3), which no schema document lists: URIs, any case. */
const SCHEMAS_ATTRIBUTE: AttributeDefinition = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  description: 'The schema URIs of the resource.',
  required: true,
  caseExact: false,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'none',
  referenceTypes: ['uri'],
};

const META_ATTRIBUTES = COMMON.filter((attribute) => attribute.name === 'meta');

/** A resource type as the root sees it: its schema, and what every resource of it says. */
export interface RootType {
  resource: ResourceSchema;
  /**
   * The documents the type-wide attributes (`schemas`, `meta.resourceType`) can make up: a filter
   * on them is decided only when it says the same of each.
   */
  variants: Record<string, unknown>[];
}

export const ROOT_TYPES: readonly RootType[] = [
  {
    resource: USER_RESOURCE,
    variants: [
      { schemas: [USER_SCHEMA, ROLLCALL_USER_SCHEMA], meta: { resourceType: 'User' } },
      {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ROLLCALL_USER_SCHEMA],
        meta: { resourceType: 'User' },
      },
    ],
  },
  {
    resource: GROUP_RESOURCE,
    variants: [{ schemas: [GROUP_SCHEMA], meta: { resourceType: 'Group' } }],
  },
];

type Leaf = Filter & { kind: 'compare' | 'present' | 'valuePath' };

const fail = (detail: string) =>
  new DomainError('invalid_filter', `The filter cannot be used: ${detail}.`);

/** The schema the type-wide attributes are read with: `schemas` and `meta`, nothing else. */
function typeWideSchema(resource: ResourceSchema): ResourceSchema {
  return {
    ...resource,
    core: { ...resource.core, attributes: [SCHEMAS_ATTRIBUTE] },
    extensions: [],
  };
}

/** The leaf's path if it names a type-wide attribute for this type (canonical, without a URN). */
function typeWidePath(leaf: Leaf, resource: ResourceSchema): AttributePath | undefined {
  const { path } = leaf;
  if (path.uri === undefined && path.subAttribute === undefined) {
    if (path.name.toLowerCase() === 'schemas') return { name: 'schemas' };
  }
  if (leaf.kind === 'valuePath') return undefined;
  const resolved = resolveAttribute(resource, path, COMMON);
  if (resolved?.attribute.name === 'meta' && resolved.subAttribute?.name === 'resourceType') {
    return { name: 'meta', subAttribute: 'resourceType' };
  }
  return undefined;
}

function isTypeWide(leaf: Leaf): boolean {
  return ROOT_TYPES.some(({ resource }) => typeWidePath(leaf, resource) !== undefined);
}

/** The value every resource of the type gives the leaf, or a refusal when it depends on the row. */
function typeWideValue(leaf: Leaf, type: RootType, path: AttributePath): boolean {
  const matcher = compileMatcher({ ...leaf, path }, typeWideSchema(type.resource), META_ATTRIBUTES);
  const [first, ...others] = type.variants.map((variant) => matcher(variant));
  if (others.some((other) => other !== first)) {
    throw fail(
      `"${formatFilter(leaf)}" depends on each ${type.resource.name}'s data; at the root, ` +
        '"schemas" filters select a resource type by its core schema ' +
        `(schemas eq "${USER_SCHEMA}" or "${GROUP_SCHEMA}")`,
    );
  }
  return first ?? false;
}

/** What a leaf on an attribute the type does not define says: the attribute is unassigned. */
function unassigned(leaf: Leaf): boolean {
  if (leaf.kind !== 'compare') return false;
  if (leaf.value === null) return leaf.operator === 'eq';
  return leaf.operator === 'ne';
}

function definedIn(resource: ResourceSchema, path: AttributePath): boolean {
  return resolveAttribute(resource, path, COMMON) !== undefined;
}

function checkKnown(leaf: Leaf): void {
  if (isTypeWide(leaf)) return;
  if (ROOT_TYPES.some(({ resource }) => definedIn(resource, leaf.path))) return;
  const names = ROOT_TYPES.map(({ resource }) => resource.name).join(' or ');
  throw fail(`"${formatAttributePath(leaf.path)}" is not an attribute of ${names} resources`);
}

/** Replaces each leaf with `replace(leaf)` (a constant or the leaf), simplifying as it goes. */
function rewrite(filter: Filter, replace: (leaf: Leaf) => RootFilterPart): RootFilterPart {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = rewrite(filter.left, replace);
      const right = rewrite(filter.right, replace);
      // `or` is true once one side is, `and` false once one side is; the other constant drops out.
      const absorbing = filter.kind === 'or';
      if (left === absorbing || right === absorbing) return absorbing;
      if (typeof left === 'boolean') return right;
      if (typeof right === 'boolean') return left;
      if (left === filter.left && right === filter.right) return filter;
      return { kind: filter.kind, left, right };
    }
    case 'not': {
      const inner = rewrite(filter.filter, replace);
      if (typeof inner === 'boolean') return !inner;
      return inner === filter.filter ? filter : { kind: 'not', filter: inner };
    }
    case 'compare':
    case 'present':
    case 'valuePath':
      return replace(filter);
  }
}

const ID_PRESENT: Filter = { kind: 'present', path: { name: 'id' } };

/** One type's part of the filter. */
function partFor(filter: Filter, type: RootType): RootFilterPart {
  const { resource } = type;
  // The whole filter, checked against the type's schema (what it does not define stands aside).
  const checked = rewrite(filter, (leaf) =>
    typeWidePath(leaf, resource) === undefined && definedIn(resource, leaf.path)
      ? leaf
      : ID_PRESENT,
  );
  if (typeof checked !== 'boolean') compileMatcher(checked, resource, COMMON);
  return rewrite(filter, (leaf) => {
    const typeWide = typeWidePath(leaf, resource);
    if (typeWide) return typeWideValue(leaf, type, typeWide);
    return definedIn(resource, leaf.path) ? leaf : unassigned(leaf);
  });
}

/** Each root type's part of a filter, in ROOT_TYPES order; throws invalidFilter for a bad one. */
export function rootFilterParts(filter: Filter): RootFilterPart[] {
  rewrite(filter, (leaf) => {
    checkKnown(leaf);
    return leaf;
  });
  return ROOT_TYPES.map((type) => partFor(filter, type));
}

/**
 * What a filter's attribute path designates once resolved (shared by the evaluator and the SQL
 * compiler so both read RFC 7644 §3.4.2.2 the same way):
 * - `simple`: a single-valued simple attribute, or a sub-attribute of a single-valued complex one;
 * - `complex`: a single-valued complex attribute named without a sub-attribute (`name`);
 * - `multi`: a multi-valued attribute, with the sub-attribute the path named, if any (`emails`,
 *   `emails.type`); a comparison on `emails` alone compares its `value` sub-attribute.
 */
import type { DomainError } from '@rollcall/common';
import type { AttributeDefinition, ResolvedAttribute, ResourceSchema } from '../schema/types';
import type { AttributePath, Filter } from './ast';
import { formatAttributePath } from './attribute-path';
import { findAttribute, resolveAttribute } from './resolve';

export type Fail = (detail: string) => DomainError;

export type PathTarget =
  | { kind: 'simple'; resolved: ResolvedAttribute; definition: AttributeDefinition }
  | { kind: 'complex'; resolved: ResolvedAttribute; attribute: AttributeDefinition }
  | {
      kind: 'multi';
      resolved: ResolvedAttribute;
      attribute: AttributeDefinition;
      subAttribute?: AttributeDefinition;
    };

export function resolveTarget(
  resource: ResourceSchema,
  common: AttributeDefinition[],
  path: AttributePath,
  fail: Fail,
): PathTarget {
  const resolved = resolveAttribute(resource, path, common);
  if (!resolved) throw fail(unknownAttribute(resource, path));
  const { attribute, subAttribute } = resolved;
  if (attribute.multiValued) return { kind: 'multi', resolved, attribute, subAttribute };
  if (subAttribute) return { kind: 'simple', resolved, definition: subAttribute };
  if (attribute.type === 'complex') return { kind: 'complex', resolved, attribute };
  return { kind: 'simple', resolved, definition: attribute };
}

function unknownAttribute(resource: ResourceSchema, path: AttributePath): string {
  const label = formatAttributePath(path);
  return path.subAttribute === undefined
    ? `"${label}" is not an attribute of ${resource.name} resources`
    : `"${label}" is not an attribute of ${resource.name} resources (check the sub-attribute ` +
        `"${path.subAttribute}")`;
}

/** The sub-attribute a comparison on a whole multi-valued attribute uses (`emails` → `emails.value`). */
export function comparedSubAttribute(
  attribute: AttributeDefinition,
  label: string,
  fail: Fail,
): AttributeDefinition {
  const value = findAttribute(attribute.subAttributes, 'value');
  if (!value) {
    throw fail(
      `"${label}" has no "value" sub-attribute to compare; name a sub-attribute ` +
        `(${label}.<name>) or use a value filter (${label}[...])`,
    );
  }
  return value;
}

/** A sub-attribute named by a path inside a value filter (`type` in `emails[type eq "work"]`). */
export function elementSubAttribute(
  attribute: AttributeDefinition,
  path: AttributePath,
  fail: Fail,
): AttributeDefinition {
  const label = formatAttributePath(path);
  const sub =
    path.uri === undefined && path.subAttribute === undefined
      ? findAttribute(attribute.subAttributes, path.name)
      : undefined;
  if (!sub) {
    throw fail(
      `"${label}" inside "${attribute.name}[...]" is not a sub-attribute of "${attribute.name}"` +
        subAttributeHint(attribute),
    );
  }
  return sub;
}

function subAttributeHint(attribute: AttributeDefinition): string {
  const names = (attribute.subAttributes ?? []).map((sub) => sub.name);
  return names.length > 0 ? ` (it has ${names.join(', ')})` : '';
}

/** Flattens a chain of the same logical operator (iteratively: long chains are deep trees). */
export function flattenChain(filter: Filter & { kind: 'and' | 'or' }): Filter[] {
  const operands: Filter[] = [];
  const stack: Filter[] = [filter];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if ((item.kind === 'and' || item.kind === 'or') && item.kind === filter.kind) {
      stack.push(item.right, item.left);
    } else {
      operands.push(item);
    }
  }
  return operands;
}

/** Checks that a value path names something whose elements can be filtered. */
export function valuePathAttribute(
  target: PathTarget,
  label: string,
  fail: Fail,
): AttributeDefinition {
  if (target.kind === 'multi' && !target.subAttribute && target.attribute.type === 'complex') {
    return target.attribute;
  }
  if (target.kind === 'complex') return target.attribute;
  throw fail(notFilterable(label));
}

export function notFilterable(label: string): string {
  return (
    `"${label}[...]" filters the values of "${label}", which is not a complex attribute; use a ` +
    'value filter on an attribute such as emails[type eq "work"]'
  );
}

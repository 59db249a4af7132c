/**
 * In-memory evaluation of RFC 7644 §3.4.2.2 filters over SCIM JSON documents (RFC 7643): core
 * attributes at the top level, extension attributes under their URN key. Used by PATCH value filters
 * (§3.5.2) and wherever a resource is already in memory.
 *
 * Semantics (the SQL compiler in sql.ts implements the same ones):
 * - case rules from the schema (caseExact false → compared case-folded); gt/ge/lt/le on text compare
 *   code points; dateTime compares instants; booleans allow only eq/ne;
 * - a comparison on a multi-valued attribute matches when any value matches (`emails` alone
 *   compares `emails.value`); an absent single value is unequal to everything (`ne` matches it);
 * - `pr`: present and not null, "", [] or {}; `eq null` ≡ not present, `ne null` ≡ present.
 * The whole filter is checked against the schema before anything is evaluated, so an unknown
 * attribute fails even when another branch would decide the result.
 */
import { DomainError, type ErrorCode } from '@rollcall/common';
import type { AttributeDefinition, AttributeType, ResourceSchema } from '../schema/types';
import type { AttributePath, CompareOperator, Filter } from './ast';
import { formatAttributePath } from './attribute-path';
import { findSchemaScope } from './resolve';
import {
  comparedSubAttribute,
  elementSubAttribute,
  flattenChain,
  resolveTarget,
  notFilterable,
  type Fail,
  type PathTarget,
} from './target';
import {
  categoryOf,
  compareCodePoints,
  getKey,
  isPresentValue,
  isRecord,
  parseDateTime,
  readBoolean,
  readComparison,
  readNumber,
  type Expected,
} from './values';

export type Matcher = (subject: unknown) => boolean;

/** A path bound to a document shape. */
interface BoundPath {
  label: string;
  /** Definition governing comparisons (undefined: the path cannot be compared). */
  compared: AttributeDefinition | undefined;
  /** The values a comparison looks at (an absent single value reads as undefined). */
  values: (subject: unknown) => unknown[];
  present: (subject: unknown) => boolean;
  /** For value paths: the elements to filter and their definition. */
  elements?: { attribute: AttributeDefinition; read: (subject: unknown) => unknown[] };
}

type PathBinder = (path: AttributePath) => BoundPath;

/** Does the SCIM document match the filter? Throws DomainError('invalid_filter') for a bad filter. */
export function matchesFilter(
  resource: Record<string, unknown>,
  filter: Filter,
  schema: ResourceSchema,
  common: AttributeDefinition[],
): boolean {
  return compileMatcher(filter, schema, common)(resource);
}

/** Checks the filter once and returns a predicate over SCIM documents. */
export function compileMatcher(
  filter: Filter,
  schema: ResourceSchema,
  common: AttributeDefinition[],
  code: ErrorCode = 'invalid_filter',
): Matcher {
  const fail: Fail = (detail) => new DomainError(code, `The filter cannot be used: ${detail}.`);
  return bind(filter, resourceBinder(schema, common, fail), fail);
}

/**
 * A predicate over the elements of a multi-valued complex attribute, for value filters such as
 * `emails[type eq "work"]` (paths inside are sub-attribute names). PATCH passes code 'invalid_path'.
 */
export function compileElementMatcher(
  filter: Filter,
  attribute: AttributeDefinition,
  code: ErrorCode = 'invalid_filter',
): Matcher {
  const fail: Fail = (detail) =>
    new DomainError(code, `The value filter cannot be used: ${detail}.`);
  return bind(filter, elementBinder(attribute, fail), fail);
}

function bind(filter: Filter, binder: PathBinder, fail: Fail): Matcher {
  switch (filter.kind) {
    case 'and': {
      const operands = flattenChain(filter).map((operand) => bind(operand, binder, fail));
      return (subject) => operands.every((operand) => operand(subject));
    }
    case 'or': {
      const operands = flattenChain(filter).map((operand) => bind(operand, binder, fail));
      return (subject) => operands.some((operand) => operand(subject));
    }
    case 'not': {
      const inner = bind(filter.filter, binder, fail);
      return (subject) => !inner(subject);
    }
    case 'present': {
      const path = binder(filter.path);
      return (subject) => path.present(subject);
    }
    case 'compare':
      return bindComparison(binder(filter.path), filter.operator, filter, fail);
    case 'valuePath': {
      const path = binder(filter.path);
      if (!path.elements) throw fail(notFilterable(path.label));
      const { attribute, read } = path.elements;
      const inner = bind(filter.filter, elementBinder(attribute, fail), fail);
      return (subject) => read(subject).some((element) => inner(element));
    }
  }
}

function bindComparison(
  path: BoundPath,
  operator: CompareOperator,
  filter: Filter & { kind: 'compare' },
  fail: Fail,
): Matcher {
  const type: AttributeType = path.compared?.type ?? 'complex';
  const expected = readComparison(path.label, type, operator, filter.value, fail);
  if (expected === null) {
    return operator === 'eq'
      ? (subject) => !path.present(subject)
      : (subject) => path.present(subject);
  }
  const caseExact = path.compared?.caseExact ?? true;
  return (subject) =>
    path.values(subject).some((actual) => compareOne(actual, operator, expected, caseExact));
}

/** One comparison; an actual value of the wrong type behaves like an absent one. */
export function compareOne(
  actual: unknown,
  operator: CompareOperator,
  expected: Expected,
  caseExact: boolean,
): boolean {
  switch (expected.category) {
    case 'string': {
      const text = readText(actual);
      const fold = (value: string) => (caseExact ? value : value.toLowerCase());
      return compareText(
        text === undefined ? undefined : fold(text),
        operator,
        fold(expected.value),
      );
    }
    case 'boolean':
      return compareOrdered(readBoolean(actual), operator, expected.value, (a, b) => +a - +b);
    case 'number':
      return compareOrdered(readNumber(actual), operator, expected.value, (a, b) => a - b);
    case 'dateTime': {
      const instant = typeof actual === 'string' ? parseDateTime(actual)?.epochMs : undefined;
      return compareOrdered(instant, operator, expected.value, (a, b) => a - b);
    }
  }
}

function readText(actual: unknown): string | undefined {
  if (typeof actual === 'string') return actual;
  if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual);
  return undefined;
}

function compareText(actual: string | undefined, operator: CompareOperator, expected: string) {
  if (actual === undefined) return operator === 'ne';
  switch (operator) {
    case 'co':
      return actual.includes(expected);
    case 'sw':
      return actual.startsWith(expected);
    case 'ew':
      return actual.endsWith(expected);
    case 'eq':
    case 'ne':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return compareOrdered(actual, operator, expected, compareCodePoints);
  }
}

function compareOrdered<T>(
  actual: T | undefined,
  operator: CompareOperator,
  expected: T,
  order: (a: T, b: T) => number,
): boolean {
  if (actual === undefined) return operator === 'ne';
  const sign = order(actual, expected);
  switch (operator) {
    case 'eq':
      return sign === 0;
    case 'ne':
      return sign !== 0;
    case 'gt':
      return sign > 0;
    case 'ge':
      return sign >= 0;
    case 'lt':
      return sign < 0;
    case 'le':
      return sign <= 0;
    case 'co':
    case 'sw':
    case 'ew':
      return false;
  }
}

function resourceBinder(
  schema: ResourceSchema,
  common: AttributeDefinition[],
  fail: Fail,
): PathBinder {
  return (path) => {
    const target = resolveTarget(schema, common, path, fail);
    const container = containerReader(schema, target.resolved.schemaUrn);
    return bindTarget(target, formatAttributePath(path), container, fail);
  };
}

/** Reads the object holding an attribute: the document, or its extension object. */
function containerReader(schema: ResourceSchema, urn: string): (document: unknown) => unknown {
  const scope = findSchemaScope(schema, urn);
  if (!scope || scope.kind === 'core') return (document) => document;
  return (document) => getKey(document, scope.urn);
}

function bindTarget(
  target: PathTarget,
  label: string,
  container: (document: unknown) => unknown,
  fail: Fail,
): BoundPath {
  const { attribute, subAttribute } = target.resolved;
  const read = (document: unknown) => getKey(container(document), attribute.name);
  switch (target.kind) {
    case 'simple': {
      const get = subAttribute
        ? (document: unknown) => getKey(read(document), subAttribute.name)
        : read;
      return {
        label,
        compared: target.definition,
        values: (document) => [get(document)],
        present: (document) => isPresentValue(get(document)),
      };
    }
    case 'complex':
      return {
        label,
        compared: undefined,
        values: () => [],
        present: (document) => isPresentValue(read(document)),
        elements: { attribute, read: (document) => recordsOf(read(document)) },
      };
    case 'multi':
      return bindMulti(target, label, read, fail);
  }
}

function bindMulti(
  target: PathTarget & { kind: 'multi' },
  label: string,
  read: (document: unknown) => unknown,
  fail: Fail,
): BoundPath {
  const { attribute, subAttribute } = target;
  const elements = (document: unknown) => arrayOf(read(document));
  if (attribute.type !== 'complex') {
    return {
      label,
      compared: { ...attribute, multiValued: false },
      values: elements,
      present: (document) => elements(document).some(isPresentValue),
    };
  }
  if (subAttribute) {
    const values = (document: unknown) =>
      elements(document).map((element) => getKey(element, subAttribute.name));
    return {
      label,
      compared: subAttribute,
      values,
      present: (document) => values(document).some(isPresentValue),
    };
  }
  const value = attribute.subAttributes?.some((sub) => sub.name.toLowerCase() === 'value')
    ? comparedSubAttribute(attribute, label, fail)
    : undefined;
  return {
    label,
    compared: value,
    values: (document) =>
      value ? elements(document).map((element) => getKey(element, value.name)) : [],
    present: (document) => elements(document).length > 0,
    elements: { attribute, read: elements },
  };
}

function elementBinder(attribute: AttributeDefinition, fail: Fail): PathBinder {
  return (path) => {
    const sub = elementSubAttribute(attribute, path, fail);
    const get = (element: unknown) => getKey(element, sub.name);
    const category = categoryOf(sub.type);
    return {
      label: `${attribute.name}.${sub.name}`,
      compared: category === 'complex' ? undefined : sub,
      values: (element) => [get(element)],
      present: (element) => isPresentValue(get(element)),
    };
  };
}

function arrayOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** `name[givenName eq "x"]` reads like `name.givenName eq "x"`: an absent object has absent parts. */
function recordsOf(value: unknown): unknown[] {
  return isRecord(value) ? [value] : [{}];
}

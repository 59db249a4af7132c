/**
 * Applies SCIM PATCH operations (RFC 7644 §3.5.2.1 add, §3.5.2.2 remove, §3.5.2.3 replace) to a SCIM
 * JSON document (RFC 7643: core attributes at the top level, extension attributes under their
 * canonical URN key). Pure: returns a new document; the input is never changed, and the operations
 * apply atomically (any error throws and nothing is applied).
 *
 * What real identity providers send, and how it is read:
 * - no `path` and an object value: each key is an attribute path (`displayName`, `name.givenName`,
 *   `urn:…:enterprise:2.0:User:department`, even `emails[type eq "work"].value`), or a schema URN
 *   (also an alias URN) holding an object of that schema's attributes;
 * - unknown attributes (and unknown sub-attributes) are ignored, as are writes to `schemas`;
 * - `null` or `""` as the value of add/replace clears the attribute;
 * - a value filter that matches nothing for add/replace creates the value from the filter's `eq`
 *   comparisons (`emails[type eq "work"].value` → `{type: "work", value: …}`), else noTarget;
 * - remove of something absent, or of a value filter matching nothing, is a no-op; remove of
 *   `members`-style attributes with a value list removes the listed values;
 * - add to a multi-valued attribute merges a value with the same `value` (and `type`, when given)
 *   into the existing one instead of duplicating it; a new `primary: true` clears the others;
 * - replace of a single-valued complex attribute sets the given sub-attributes and leaves the others
 *   unchanged (RFC 7644 §3.5.2.3), as add does — except that a reference (`manager`: `value` and
 *   `$ref`) whose `value` changes loses the `$ref` and display name of the resource it named before,
 *   unless the request gives new ones;
 * - readOnly attributes → mutability (except `id` set to its current value, a no-op); immutable
 *   ones → mutability only when changing an existing value; removing a required one → invalid_value.
 */
import { DomainError } from '@rollcall/common';
import type { Filter, PatchPath } from '../filter/ast';
import { compileElementMatcher } from '../filter/evaluate';
import { formatFilter } from '../filter/format';
import { parsePatchPath } from '../filter/parser';
import {
  findAttribute,
  findSchemaScope,
  resolveAttribute,
  type SchemaScope,
} from '../filter/resolve';
import { flattenChain } from '../filter/target';
import { isPresentValue } from '../filter/values';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';
import { coerceComplex, coerceMulti, coerceSimple, type ComplexValue } from './coerce';
import { cloneJson, deepEqual, deleteKey, findKey, getKey, isRecord, writeKey } from './document';
import {
  checkCount,
  readOperation,
  type NormalizedOperation,
  type PatchOpName,
  type PatchOperation,
} from './request';

export interface PatchResult {
  resource: Record<string, unknown>;
  /** Canonical paths written or removed (`active`, `name.givenName`, `emails`, `urn:…:licensePoolName`). */
  touched: string[];
  /** False when the result deep-equals the input. */
  changed: boolean;
}

/** An attribute located in the document. */
interface Located {
  scope: SchemaScope;
  attribute: AttributeDefinition;
  /** Canonical path of the attribute itself (no sub-attribute). */
  canonical: string;
}

export function applyPatch(
  resource: Record<string, unknown>,
  operations: PatchOperation[],
  schema: ResourceSchema,
  common: AttributeDefinition[],
): PatchResult {
  if (!Array.isArray(operations)) {
    throw new DomainError('invalid_syntax', 'The PATCH operations must be a list.');
  }
  checkCount(operations.length);
  const original = isRecord(resource) ? resource : {};
  const patcher = new Patcher(cloneJson(original), schema, common);
  operations.forEach((operation: unknown, index) => {
    const normalized = readOperation(operation, index);
    try {
      patcher.apply(normalized);
    } catch (error) {
      throw locate(error, normalized, index);
    }
  });
  const document = patcher.document;
  return {
    resource: document,
    touched: [...patcher.touched],
    changed: !deepEqual(document, original),
  };
}

/** Prefixes an error with the operation it came from. */
function locate(error: unknown, operation: NormalizedOperation, index: number): unknown {
  if (!(error instanceof DomainError)) return error;
  const path = operation.path === undefined ? '' : ` ${JSON.stringify(shorten(operation.path))}`;
  const detail = `PATCH operation ${index + 1} (${operation.op}${path}): ${error.detail}`;
  const field = `Operations[${index}]${operation.path === undefined ? '.value' : '.path'}`;
  const fieldErrors =
    error.fieldErrors.length > 0 ? error.fieldErrors : [{ field, message: error.detail }];
  return new DomainError(error.code, withPeriod(detail), fieldErrors);
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function withPeriod(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function readOnly(label: string): DomainError {
  return new DomainError('mutability', `"${label}" is read-only and cannot be changed`);
}

function assertImmutable(
  definition: AttributeDefinition,
  label: string,
  current: unknown,
  next: unknown,
): void {
  if (
    definition.mutability === 'immutable' &&
    isPresentValue(current) &&
    !deepEqual(current, next)
  ) {
    throw new DomainError(
      'mutability',
      `"${label}" is immutable: it already has a value, which cannot be changed`,
    );
  }
}

function assertRemovable(definition: AttributeDefinition, label: string, current: unknown): void {
  if (definition.required) {
    throw new DomainError(
      'invalid_value',
      `"${label}" is required and cannot be removed or emptied`,
    );
  }
  assertImmutable(definition, label, current, undefined);
}

class Patcher {
  readonly touched = new Set<string>();
  /** Sub-attributes of single-valued complex attributes written so far (lowercase paths). */
  private readonly writtenSubs = new Set<string>();

  constructor(
    readonly document: Record<string, unknown>,
    private readonly schema: ResourceSchema,
    private readonly common: AttributeDefinition[],
  ) {}

  apply({ op, path, value }: NormalizedOperation): void {
    if (path === undefined) {
      if (op === 'remove') {
        throw new DomainError(
          'no_target',
          'a remove operation needs a "path" naming the attribute or values to remove',
        );
      }
      this.applyObject(op, value, undefined);
      return;
    }
    const scope = findSchemaScope(this.schema, path);
    if (scope) this.applySchema(op, scope, value);
    else this.applyPath(op, parsePatchPath(path), value);
  }

  /** A path that is a schema URN: the value holds that schema's attributes. */
  private applySchema(op: PatchOpName, scope: SchemaScope, value: unknown): void {
    if (op !== 'remove') {
      this.applyObject(op, value, scope);
      return;
    }
    if (scope.kind === 'core') {
      throw new DomainError(
        'no_target',
        'the path names the whole resource; name the attribute to remove instead',
      );
    }
    for (const attribute of scope.extension.schema.attributes) {
      this.applyAttribute('remove', this.locate(scope, attribute), undefined);
    }
  }

  /** add/replace without a path: each key of the object is an attribute path or a schema URN. */
  private applyObject(op: PatchOpName, value: unknown, scope: SchemaScope | undefined): void {
    if (!isRecord(value)) {
      throw new DomainError(
        'invalid_value',
        scope
          ? `the value for "${scope.urn}" must be an object of its attributes`
          : 'without a "path", the value must be an object of attributes such as {"active": false}',
      );
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      const keyScope = findSchemaScope(this.schema, key);
      if (keyScope) {
        if (item !== null) this.applyObject(op, item, keyScope);
        continue;
      }
      const text = scope && !key.includes(':') ? `${scope.urn}:${key}` : key;
      const path = tryParsePath(text);
      // A key that is not an attribute path cannot name a known attribute: ignored like one.
      if (path) this.applyPath(op, path, item);
    }
  }

  private applyPath(op: PatchOpName, path: PatchPath, value: unknown): void {
    const resolved = resolveAttribute(this.schema, path.attribute, this.common);
    if (!resolved) return; // Unknown attributes are ignored (SPEC §4, RFC 7644 §3.3 by analogy).
    const scope = findSchemaScope(this.schema, resolved.schemaUrn);
    if (!scope) return;
    const located = this.locate(scope, resolved.attribute);
    if (path.valueFilter) {
      this.applyFiltered(op, located, path.valueFilter, path.subAttribute, value);
    } else if (resolved.subAttribute) {
      if (resolved.attribute.multiValued) {
        this.applyEverySub(op, located, resolved.subAttribute, value);
      } else {
        this.applyComplexSub(op, located, resolved.subAttribute, value);
      }
    } else {
      this.applyAttribute(op, located, value);
    }
  }

  private locate(scope: SchemaScope, attribute: AttributeDefinition): Located {
    const prefix = scope.kind === 'core' ? '' : `${scope.urn}:`;
    return { scope, attribute, canonical: `${prefix}${attribute.name}` };
  }

  // ---- whole attributes -------------------------------------------------------------------

  private applyAttribute(op: PatchOpName, located: Located, value: unknown): void {
    const { attribute, canonical } = located;
    const current = this.read(located);
    if (attribute.mutability === 'readOnly') {
      const sameId = op !== 'remove' && attribute.name.toLowerCase() === 'id' && value === current;
      if (sameId || (op === 'remove' && current === undefined)) return;
      throw readOnly(canonical);
    }
    this.touched.add(canonical);
    if (attribute.multiValued) {
      this.applyMulti(op, located, current, value);
    } else if (op === 'remove') {
      this.remove(located, current);
    } else if (attribute.type === 'complex') {
      this.mergeComplex(located, current, coerceComplex(attribute, value, canonical));
    } else {
      const next = coerceSimple(attribute, value, canonical);
      if (next === undefined) {
        this.remove(located, current);
      } else {
        assertImmutable(attribute, canonical, current, next);
        this.write(located, next);
      }
    }
  }

  private remove(located: Located, current: unknown): void {
    if (current === undefined) return;
    assertRemovable(located.attribute, located.canonical, current);
    this.erase(located);
  }

  private mergeComplex(located: Located, current: unknown, value: ComplexValue | undefined): void {
    if (!value) {
      this.remove(located, current);
      return;
    }
    for (const name of [...Object.keys(value.set), ...value.clear]) this.wrote(located, name);
    const next = this.withoutStaleReference(
      located,
      current,
      mergeRecord(isRecord(current) ? current : {}, value),
    );
    assertImmutable(located.attribute, located.canonical, current, next);
    if (isPresentValue(next)) this.write(located, next);
    else this.remove(located, current);
  }

  private applyMulti(op: PatchOpName, located: Located, current: unknown, value: unknown): void {
    const { attribute, canonical } = located;
    const elements = arrayOf(current);
    if (op === 'remove') {
      if (value === undefined || value === null) {
        this.remove(located, current);
        return;
      }
      const targets = coerceMulti(attribute, value, canonical);
      const kept = elements.filter(
        (element) => !targets.some((t) => contains(element, t, attribute)),
      );
      if (kept.length !== elements.length) this.setElements(located, kept);
      return;
    }
    const items = coerceMulti(attribute, value, canonical);
    if (op === 'replace') {
      if (items.length === 0) this.remove(located, current);
      else this.setElements(located, normalizePrimary(items, items, attribute));
      return;
    }
    if (items.length === 0) return;
    const next = [...elements];
    const written: unknown[] = [];
    for (const item of items) {
      const index = next.findIndex((element) => sameElement(element, item, attribute));
      const merged =
        index >= 0 && isRecord(next[index]) && isRecord(item)
          ? mergeRecord(next[index], { set: item, clear: [] })
          : item;
      if (index >= 0) next[index] = merged;
      else next.push(merged);
      written.push(merged);
    }
    this.setElements(located, normalizePrimary(next, written, attribute));
  }

  // ---- sub-attributes ------------------------------------------------------------------------

  /** `name.givenName`: a sub-attribute of a single-valued complex attribute. */
  private applyComplexSub(
    op: PatchOpName,
    located: Located,
    sub: AttributeDefinition,
    value: unknown,
  ): void {
    const label = `${located.canonical}.${sub.name}`;
    if (located.attribute.mutability === 'readOnly' || sub.mutability === 'readOnly') {
      throw readOnly(label);
    }
    this.touched.add(label);
    const current = this.read(located);
    const object = isRecord(current) ? { ...current } : {};
    const currentSub = getKey(object, sub.name);
    const next = op === 'remove' ? undefined : coerceSimple(sub, value, label);
    if (next === undefined) {
      if (currentSub === undefined) return;
      assertRemovable(sub, label, currentSub);
      deleteKey(object, sub.name);
    } else {
      assertImmutable(sub, label, currentSub, next);
      writeKey(object, sub.name, next);
    }
    this.wrote(located, sub.name);
    const result = this.withoutStaleReference(located, current, object);
    if (isPresentValue(result)) this.write(located, result);
    else this.erase(located);
  }

  private wrote(located: Located, subName: string): void {
    this.writtenSubs.add(`${located.canonical}.${subName}`.toLowerCase());
  }

  /**
   * A single-valued reference (a complex attribute with `value` and `$ref`, such as the enterprise
   * `manager`): its `$ref` and display name describe the resource `value` names. When a write
   * changes `value` to another resource, those of the former one go, unless this request wrote
   * them itself (in any order: `manager.$ref` then `manager.value` keeps the new `$ref`).
   */
  private withoutStaleReference(
    located: Located,
    current: unknown,
    next: Record<string, unknown>,
  ): Record<string, unknown> {
    const subs = located.attribute.subAttributes ?? [];
    const valueSub = findAttribute(subs, 'value');
    if (!valueSub || !findAttribute(subs, '$ref') || !isRecord(current)) return next;
    const before = getKey(current, valueSub.name);
    const after = getKey(next, valueSub.name);
    if (!isPresentValue(before) || sameScalar(valueSub, before, after)) return next;
    const result = { ...next };
    for (const name of REFERENCE_DESCRIPTIONS) {
      const sub = findAttribute(subs, name);
      if (sub && !this.writtenSubs.has(`${located.canonical}.${sub.name}`.toLowerCase())) {
        deleteKey(result, sub.name);
      }
    }
    return result;
  }

  /** `emails.value` (no filter): the sub-attribute of every value. */
  private applyEverySub(
    op: PatchOpName,
    located: Located,
    sub: AttributeDefinition,
    value: unknown,
  ): void {
    const { attribute, canonical } = located;
    const label = `${canonical}.${sub.name}`;
    if (attribute.mutability === 'readOnly' || sub.mutability === 'readOnly') throw readOnly(label);
    this.touched.add(canonical);
    const elements = arrayOf(this.read(located));
    const next = op === 'remove' ? undefined : coerceSimple(sub, value, label);
    if (next === undefined) {
      const all = new Set(elements);
      this.setElements(located, withoutSub(elements, all, sub, attribute));
    } else if (elements.length === 0) {
      this.setElements(located, [{ [sub.name]: next }]);
    } else {
      const updated = elements.map((element) => withSub(element, sub, next));
      this.setElements(located, normalizePrimary(updated, updated, attribute));
    }
  }

  /** `emails[type eq "work"]` and `emails[type eq "work"].value`. */
  private applyFiltered(
    op: PatchOpName,
    located: Located,
    filter: Filter,
    subName: string | undefined,
    value: unknown,
  ): void {
    const { attribute, canonical } = located;
    if (!attribute.multiValued || attribute.type !== 'complex') {
      throw new DomainError(
        'invalid_path',
        `"${canonical}" is not a multi-valued complex attribute, so it cannot take a value filter`,
      );
    }
    const sub = subName === undefined ? undefined : findAttribute(attribute.subAttributes, subName);
    if (subName !== undefined && !sub) return; // Unknown sub-attribute: ignored.
    const label = sub ? `${canonical}.${sub.name}` : canonical;
    if (attribute.mutability === 'readOnly' || sub?.mutability === 'readOnly')
      throw readOnly(label);
    const matches = compileElementMatcher(filter, attribute, 'invalid_path');
    this.touched.add(canonical);
    const elements = arrayOf(this.read(located));
    const matched = new Set(elements.filter((element) => matches(element)));
    if (op === 'remove') {
      this.removeMatched(located, elements, matched, sub);
      return;
    }
    if (sub) {
      const next = coerceSimple(sub, value, label);
      if (next === undefined) this.removeMatched(located, elements, matched, sub);
      else
        this.writeMatched(located, elements, matched, filter, (element) =>
          withSub(element, sub, next),
        );
      return;
    }
    const complex = coerceComplex({ ...attribute, multiValued: false }, value, label);
    if (!complex) {
      this.removeMatched(located, elements, matched, undefined);
      return;
    }
    const base = elementFromFilter(filter, attribute) ?? {};
    this.writeMatched(located, elements, matched, filter, (element) =>
      op === 'replace'
        ? mergeRecord(base, complex)
        : mergeRecord(isRecord(element) ? element : base, complex),
    );
  }

  private removeMatched(
    located: Located,
    elements: unknown[],
    matched: Set<unknown>,
    sub: AttributeDefinition | undefined,
  ): void {
    if (matched.size === 0) return;
    const next = sub
      ? withoutSub(elements, matched, sub, located.attribute)
      : elements.filter((element) => !matched.has(element));
    this.setElements(located, next);
  }

  /** Updates the matched values, or creates one from the filter when none matched. */
  private writeMatched(
    located: Located,
    elements: unknown[],
    matched: Set<unknown>,
    filter: Filter,
    update: (element: unknown) => unknown,
  ): void {
    const { attribute, canonical } = located;
    if (matched.size === 0) {
      const base = elementFromFilter(filter, attribute);
      if (!base) {
        throw new DomainError(
          'no_target',
          `no value of "${canonical}" matches [${formatFilter(filter)}], and only a filter made ` +
            'of "eq" comparisons joined by "and" describes a value that can be added',
        );
      }
      const created = update(base);
      this.setElements(located, normalizePrimary([...elements, created], [created], attribute));
      return;
    }
    const written: unknown[] = [];
    const next = elements.flatMap((element) => {
      if (!matched.has(element)) return [element];
      const updated = update(element);
      if (!isPresentValue(updated)) return [];
      written.push(updated);
      return [updated];
    });
    this.setElements(located, normalizePrimary(next, written, attribute));
  }

  // ---- the document --------------------------------------------------------------------------

  private read(located: Located): unknown {
    return getKey(this.existingContainer(located.scope), located.attribute.name);
  }

  private write(located: Located, value: unknown): void {
    writeKey(this.ensureContainer(located.scope), located.attribute.name, value);
  }

  private setElements(located: Located, elements: unknown[]): void {
    if (elements.length === 0) this.erase(located);
    else this.write(located, elements);
  }

  private erase(located: Located): void {
    const container = this.existingContainer(located.scope);
    if (!container) return;
    deleteKey(container, located.attribute.name);
    if (located.scope.kind === 'extension' && Object.keys(container).length === 0) {
      deleteKey(this.document, located.scope.urn);
      this.updateSchemas(located.scope.urn, false);
    }
  }

  private existingContainer(scope: SchemaScope): Record<string, unknown> | undefined {
    if (scope.kind === 'core') return this.document;
    const container = getKey(this.document, scope.urn);
    return isRecord(container) ? container : undefined;
  }

  private ensureContainer(scope: SchemaScope): Record<string, unknown> {
    const existing = this.existingContainer(scope);
    if (existing) return existing;
    const created: Record<string, unknown> = {};
    writeKey(this.document, scope.urn, created);
    this.updateSchemas(scope.urn, true);
    return created;
  }

  /** Keeps `schemas` (when the document lists them) in step with the extensions present. */
  private updateSchemas(urn: string, present: boolean): void {
    const key = findKey(this.document, 'schemas');
    const value = key === undefined ? undefined : this.document[key];
    if (key === undefined || !Array.isArray(value)) return;
    const schemas: unknown[] = value;
    const lower = urn.toLowerCase();
    const listed = (item: unknown) => typeof item === 'string' && item.toLowerCase() === lower;
    if (present && !schemas.some(listed)) this.document[key] = [...schemas, urn];
    if (!present && schemas.some(listed))
      this.document[key] = schemas.filter((item) => !listed(item));
  }
}

/** Sub-attributes of a reference that describe the resource it names (withoutStaleReference). */
const REFERENCE_DESCRIPTIONS = ['$ref', 'display', 'displayName'];

function tryParsePath(text: string): PatchPath | undefined {
  try {
    return parsePatchPath(text);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

function arrayOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.map((item: unknown) => item);
  return value === undefined || value === null ? [] : [value];
}

function mergeRecord(base: Record<string, unknown>, value: ComplexValue): Record<string, unknown> {
  const merged = { ...base };
  for (const name of value.clear) deleteKey(merged, name);
  for (const [key, item] of Object.entries(value.set)) writeKey(merged, key, item);
  return merged;
}

function withSub(element: unknown, sub: AttributeDefinition, value: unknown): unknown {
  const copy = isRecord(element) ? { ...element } : {};
  writeKey(copy, sub.name, value);
  return copy;
}

/**
 * Removes a sub-attribute from the selected values. A value whose `value` sub-attribute is gone
 * (or that has nothing left) is removed altogether: `emails[type eq "work"].value = ""` clears the
 * work email rather than leaving `{type: "work"}` behind.
 */
function withoutSub(
  elements: unknown[],
  selected: Set<unknown>,
  sub: AttributeDefinition,
  attribute: AttributeDefinition,
): unknown[] {
  const identity = findAttribute(attribute.subAttributes, 'value');
  return elements.flatMap((element) => {
    if (!selected.has(element) || !isRecord(element)) return [element];
    const copy = { ...element };
    deleteKey(copy, sub.name);
    const keep = identity ? isPresentValue(getKey(copy, identity.name)) : isPresentValue(copy);
    return keep ? [copy] : [];
  });
}

/** Two values compare equal under the sub-attribute's case rule. */
function sameScalar(definition: AttributeDefinition | undefined, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && definition && !definition.caseExact) {
    return a.toLowerCase() === b.toLowerCase();
  }
  return deepEqual(a, b);
}

/** Does `element` hold every sub-attribute of `item` (for remove by value list)? */
function contains(element: unknown, item: unknown, attribute: AttributeDefinition): boolean {
  if (!isRecord(item) || !isRecord(element)) return sameScalar(attribute, element, item);
  return Object.entries(item).every(([key, value]) =>
    sameScalar(findAttribute(attribute.subAttributes, key), getKey(element, key), value),
  );
}

/** Is `item` (being added) the same value as `element`: same `value` (and `type` when given)? */
function sameElement(element: unknown, item: unknown, attribute: AttributeDefinition): boolean {
  if (!isRecord(item) || !isRecord(element)) return sameScalar(attribute, element, item);
  const valueSub = findAttribute(attribute.subAttributes, 'value');
  const itemValue = valueSub ? getKey(item, valueSub.name) : undefined;
  if (!valueSub || itemValue === undefined) return contains(element, item, attribute);
  const typeSub = findAttribute(attribute.subAttributes, 'type');
  const itemType = typeSub ? getKey(item, typeSub.name) : undefined;
  return (
    sameScalar(valueSub, getKey(element, valueSub.name), itemValue) &&
    (typeSub === undefined ||
      itemType === undefined ||
      sameScalar(typeSub, getKey(element, typeSub.name), itemType))
  );
}

/**
 * RFC 7643 §2.4: `primary: true` appears at most once. The last value just written with
 * `primary: true` keeps it; every other primary value gets `primary: false`.
 */
function normalizePrimary(
  elements: unknown[],
  written: unknown[],
  attribute: AttributeDefinition,
): unknown[] {
  const primarySub = findAttribute(attribute.subAttributes, 'primary');
  if (!primarySub) return elements;
  const isPrimary = (element: unknown) => getKey(element, primarySub.name) === true;
  if (elements.filter(isPrimary).length <= 1) return elements;
  const keeper = [...written].reverse().find(isPrimary) ?? [...elements].reverse().find(isPrimary);
  return elements.map((element) =>
    element !== keeper && isPrimary(element) ? withSub(element, primarySub, false) : element,
  );
}

/** The value described by a filter of `eq` comparisons joined by `and`; undefined otherwise. */
function elementFromFilter(
  filter: Filter,
  attribute: AttributeDefinition,
): Record<string, unknown> | undefined {
  const operands = filter.kind === 'and' ? flattenChain(filter) : [filter];
  const element: Record<string, unknown> = {};
  for (const operand of operands) {
    if (
      operand.kind !== 'compare' ||
      operand.operator !== 'eq' ||
      operand.value === null ||
      operand.path.uri !== undefined ||
      operand.path.subAttribute !== undefined
    ) {
      return undefined;
    }
    const sub = findAttribute(attribute.subAttributes, operand.path.name);
    if (!sub) return undefined;
    const value = coerceSimple(sub, operand.value, `${attribute.name}.${sub.name}`);
    const existing = getKey(element, sub.name);
    if (value === undefined || (existing !== undefined && !deepEqual(existing, value))) {
      return undefined;
    }
    writeKey(element, sub.name, value);
  }
  return element;
}

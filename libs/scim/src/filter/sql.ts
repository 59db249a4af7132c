/**
 * Compiles RFC 7644 §3.4.2.2 filters to a parameterized PostgreSQL (15+) boolean expression over a
 * repository's search catalog (libs/common's SearchColumns). Input values only ever travel as `$n`
 * parameters; the SQL text is made of the catalog's expressions, the schema's sub-attribute names
 * (quoted as literals) and operators. The compiler names no table: every FROM is the catalog's.
 *
 * Same semantics as the in-memory evaluator (evaluate.ts):
 * - caseExact false → `lower(col) = lower($1::text)`, `lower(col) LIKE lower($2::text) ESCAPE '\'`
 *   (the LIKE pattern is built and escaped in JavaScript), so a btree index on lower(col) serves
 *   eq and sw; caseExact true → the column itself;
 * - gt/ge/lt/le on text compare with COLLATE "C" (code point order, the same on every server);
 * - ne is `IS DISTINCT FROM` (an absent value is unequal); `eq null` → not present;
 * - `pr` → `col IS NOT NULL` (and `<> ''` for text); jsonb arrays → a non-empty array;
 * - multi-valued attributes stored as jsonb arrays → the catalog's `exists(alias, condition)` around
 *   a condition on one element (an EXISTS over `jsonb_array_elements(col)`), plus a GIN-servable
 *   `value_index @> ARRAY[lower($n)]` prefilter when an eq on the case-insensitive `value`
 *   sub-attribute is required for a match;
 * - multi-valued attributes stored as rows of another table (`relation` columns, e.g. group members)
 *   → the catalog's `exists(condition)` around a condition on the related row, typically a
 *   correlated EXISTS over the join table that an index serves; a `uuid` sub-attribute compares
 *   eq/ne as uuid (index-friendly), and a value that is not a UUID matches nothing;
 * - `not X` → `(X) IS NOT TRUE`, so SQL NULLs never turn a negation into "unknown".
 */
import { DomainError, type RelationSubAttribute, type SearchColumn } from '@rollcall/common';
import type {
  AttributeDefinition,
  AttributeType,
  ResolvedAttribute,
  ResourceSchema,
} from '../schema/types';
import type { CompareOperator, Filter, FilterValue } from './ast';
import { formatAttributePath } from './attribute-path';
import {
  comparedSubAttribute,
  elementSubAttribute,
  flattenChain,
  notFilterable,
  resolveTarget,
  type Fail,
} from './target';
import { categoryOf, escapeLike, readComparison, type Expected } from './values';

/** A column of a repository's search catalog (libs/common's SearchColumn). */
export type SqlColumn = SearchColumn;
export type { RelationSubAttribute };

/** Receives a canonical path lowercased ('username', 'name.givenname', 'emails', 'urn:…:department'). */
export type SqlMapping = (canonicalPath: string) => SqlColumn | undefined;

/** Collects parameter values and hands out their `$n` placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly startAt = 1) {}

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.startAt + this.values.length - 1}`;
  }
}

type JsonArrayColumn = SqlColumn & { kind: 'jsonArray' };
type RelationColumn = SqlColumn & { kind: 'relation' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A scalar expression: `sql` is typed for comparisons, `text` is the raw value for `pr`. */
interface Scalar {
  label: string;
  sql: string;
  text: string;
  type: AttributeType;
  caseExact: boolean;
  /** When the value is a uuid column: that column, for eq/ne (`sql` and `text` are its text form). */
  uuid?: string;
}

type Bound =
  | { kind: 'scalar'; scalar: Scalar }
  | {
      kind: 'array';
      label: string;
      column: JsonArrayColumn;
      attribute: AttributeDefinition;
      subAttribute?: AttributeDefinition;
    }
  | {
      kind: 'relation';
      label: string;
      column: RelationColumn;
      attribute: AttributeDefinition;
      subAttribute?: AttributeDefinition;
    }
  | { kind: 'complex'; label: string; attribute: AttributeDefinition; canonical: string };

type Binder = (path: Filter & { kind: 'compare' | 'present' | 'valuePath' }) => Bound;

interface Context {
  resource: ResourceSchema;
  common: AttributeDefinition[];
  mapping: SqlMapping;
  params: SqlParams;
  fail: Fail;
  aliases: number;
}

type OrderOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

const ORDER_OPERATORS: Record<OrderOperator, string> = {
  eq: '=',
  ne: 'IS DISTINCT FROM',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

export function compileFilter(
  filter: Filter,
  resource: ResourceSchema,
  common: AttributeDefinition[],
  mapping: SqlMapping,
  params: SqlParams,
): string {
  const fail: Fail = (detail) =>
    new DomainError('invalid_filter', `The filter cannot be used: ${detail}.`);
  const context: Context = { resource, common, mapping, params, fail, aliases: 0 };
  const before = params.values.length;
  try {
    return compile(filter, context, resourceBinder(context));
  } catch (error) {
    // A filter that fails leaves `params` as it found it.
    params.values.length = before;
    throw error;
  }
}

function compile(filter: Filter, context: Context, bind: Binder): string {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const joiner = filter.kind === 'and' ? ' AND ' : ' OR ';
      const operands = flattenChain(filter).map((operand) => compile(operand, context, bind));
      return `(${operands.join(joiner)})`;
    }
    case 'not':
      return `${wrap(compile(filter.filter, context, bind))} IS NOT TRUE`;
    case 'present':
      return present(bind(filter), context);
    case 'compare':
      return compare(bind(filter), filter.operator, filter.value, context);
    case 'valuePath':
      return valuePath(bind(filter), filter.filter, context);
  }
}

function resourceBinder(context: Context): Binder {
  const { resource, common, mapping, fail } = context;
  return (filter) => {
    const label = formatAttributePath(filter.path);
    const target = resolveTarget(resource, common, filter.path, fail);
    const notMapped = () => fail(`the attribute "${label}" cannot be used in filters`);
    const canonical = attributePath(resource, target.resolved).toLowerCase();
    switch (target.kind) {
      case 'simple': {
        const column = mapping(target.resolved.canonicalPath.toLowerCase());
        if (column?.kind !== 'column') throw notMapped();
        return { kind: 'scalar', scalar: columnScalar(label, column) };
      }
      case 'complex':
        return { kind: 'complex', label, attribute: target.attribute, canonical };
      case 'multi': {
        const column = mapping(canonical);
        if (column?.kind === 'relation' && target.attribute.type === 'complex') {
          return {
            kind: 'relation',
            label,
            column,
            attribute: target.attribute,
            subAttribute: target.subAttribute,
          };
        }
        if (column?.kind !== 'jsonArray' || target.attribute.type !== 'complex') throw notMapped();
        return {
          kind: 'array',
          label,
          column,
          attribute: target.attribute,
          subAttribute: target.subAttribute,
        };
      }
    }
  };
}

/** The attribute's canonical path without any sub-attribute. */
function attributePath(resource: ResourceSchema, resolved: ResolvedAttribute): string {
  const prefix = resolved.schemaUrn === resource.core.id ? '' : `${resolved.schemaUrn}:`;
  return `${prefix}${resolved.attribute.name}`;
}

function columnScalar(label: string, column: SqlColumn & { kind: 'column' }): Scalar {
  return {
    label,
    sql: column.sql,
    text: column.sql,
    type: column.type,
    caseExact: column.caseExact,
  };
}

/** Paths inside `attr[...]` for a jsonb array element aliased `alias`. */
function elementBinder(
  alias: string,
  column: JsonArrayColumn,
  attribute: AttributeDefinition,
  fail: Fail,
): Binder {
  return (filter) => ({
    kind: 'scalar',
    scalar: elementScalar(
      alias,
      column,
      attribute,
      elementSubAttribute(attribute, filter.path, fail),
      fail,
    ),
  });
}

function elementScalar(
  alias: string,
  column: JsonArrayColumn,
  attribute: AttributeDefinition,
  sub: AttributeDefinition,
  fail: Fail,
): Scalar {
  const { type, caseExact } = mappedSub(column, attribute, sub, fail);
  const text = `${alias}->>${literal(sub.name)}`;
  const label = `${attribute.name}.${sub.name}`;
  return { label, sql: typedElement(text, type), text, type, caseExact };
}

/** How the jsonb elements store a sub-attribute (the mapping must list it). */
function mappedSub(
  column: JsonArrayColumn,
  attribute: AttributeDefinition,
  sub: AttributeDefinition,
  fail: Fail,
): { type: AttributeType; caseExact: boolean } {
  const key = sub.name.toLowerCase();
  const mapped = Object.prototype.hasOwnProperty.call(column.subAttributes, key)
    ? column.subAttributes[key]
    : undefined;
  if (!mapped)
    throw fail(`the attribute "${attribute.name}.${sub.name}" cannot be used in filters`);
  return mapped;
}

function typedElement(text: string, type: AttributeType): string {
  switch (categoryOf(type)) {
    case 'string':
    case 'complex':
      return text;
    case 'boolean':
      return `(${text})::boolean`;
    case 'number':
      return `(${text})::numeric`;
    case 'dateTime':
      return `(${text})::timestamptz`;
  }
}

/** Paths inside `members[...]` for the related row of a `relation` column. */
function relationBinder(
  column: RelationColumn,
  attribute: AttributeDefinition,
  fail: Fail,
): Binder {
  return (filter) => ({
    kind: 'scalar',
    scalar: relationScalar(
      column,
      attribute,
      elementSubAttribute(attribute, filter.path, fail),
      fail,
    ),
  });
}

function relationScalar(
  column: RelationColumn,
  attribute: AttributeDefinition,
  sub: AttributeDefinition,
  fail: Fail,
): Scalar {
  const key = sub.name.toLowerCase();
  const mapped = Object.prototype.hasOwnProperty.call(column.subAttributes, key)
    ? column.subAttributes[key]
    : undefined;
  const label = `${attribute.name}.${sub.name}`;
  if (!mapped) throw fail(`the attribute "${label}" cannot be used in filters`);
  const { type, caseExact } = mapped;
  if (!mapped.uuid) return { label, sql: mapped.sql, text: mapped.sql, type, caseExact };
  const text = `(${mapped.sql})::text`;
  return { label, sql: text, text, type, caseExact, uuid: mapped.sql };
}

/** Paths inside `name[...]` for a single-valued complex attribute stored in columns. */
function complexBinder(
  canonical: string,
  attribute: AttributeDefinition,
  context: Context,
): Binder {
  return (filter) => {
    const sub = elementSubAttribute(attribute, filter.path, context.fail);
    return { kind: 'scalar', scalar: complexSubScalar(canonical, attribute, sub, context) };
  };
}

function complexSubScalar(
  canonical: string,
  attribute: AttributeDefinition,
  sub: AttributeDefinition,
  context: Context,
): Scalar {
  const label = `${attribute.name}.${sub.name}`;
  const column = context.mapping(`${canonical}.${sub.name.toLowerCase()}`);
  if (column?.kind !== 'column') {
    throw context.fail(`the attribute "${label}" cannot be used in filters`);
  }
  return columnScalar(label, column);
}

function present(bound: Bound, context: Context): string {
  switch (bound.kind) {
    case 'scalar':
      return presentScalar(bound.scalar);
    case 'array': {
      const { column, attribute, subAttribute } = bound;
      if (!subAttribute)
        return `(${column.sql} IS NOT NULL AND jsonb_array_length(${column.sql}) > 0)`;
      return exists(column, context, (alias) =>
        presentScalar(elementScalar(alias, column, attribute, subAttribute, context.fail)),
      );
    }
    case 'relation': {
      const { column, attribute, subAttribute } = bound;
      return column.exists(
        subAttribute
          ? presentScalar(relationScalar(column, attribute, subAttribute, context.fail))
          : 'TRUE',
      );
    }
    case 'complex': {
      const parts = (bound.attribute.subAttributes ?? []).flatMap((sub) => {
        const column = context.mapping(`${bound.canonical}.${sub.name.toLowerCase()}`);
        return column?.kind === 'column' ? [presentScalar(columnScalar(sub.name, column))] : [];
      });
      if (parts.length === 0) {
        throw context.fail(`the attribute "${bound.label}" cannot be used in filters`);
      }
      return `(${parts.join(' OR ')})`;
    }
  }
}

function presentScalar(scalar: Scalar): string {
  return categoryOf(scalar.type) === 'string'
    ? `(${scalar.text} IS NOT NULL AND ${scalar.text} <> '')`
    : `${scalar.text} IS NOT NULL`;
}

function compare(
  bound: Bound,
  operator: CompareOperator,
  value: FilterValue,
  context: Context,
): string {
  switch (bound.kind) {
    case 'scalar':
      return compareScalar(bound.scalar, operator, value, context);
    case 'complex':
      // Reports that a complex attribute cannot be compared.
      readComparison(bound.label, 'complex', operator, value, context.fail);
      throw context.fail(`the attribute "${bound.label}" cannot be compared`);
    case 'array': {
      const { column, attribute, label } = bound;
      const sub = bound.subAttribute ?? comparedSubAttribute(attribute, label, context.fail);
      if (value === null) {
        const { type } = mappedSub(column, attribute, sub, context.fail);
        readComparison(label, type, operator, value, context.fail);
        const some = present(bound, context);
        return operator === 'eq' ? `NOT ${wrap(some)}` : some;
      }
      const prefilter =
        operator === 'eq' && sub.name.toLowerCase() === 'value'
          ? valueIndexPrefilter(column, [value], context)
          : [];
      const condition = exists(column, context, (alias) => {
        const scalar = elementScalar(alias, column, attribute, sub, context.fail);
        return compareScalar(scalar, operator, value, context);
      });
      return prefilter.length > 0 ? `(${[...prefilter, condition].join(' AND ')})` : condition;
    }
    case 'relation': {
      const { column, attribute, label } = bound;
      const sub = bound.subAttribute ?? comparedSubAttribute(attribute, label, context.fail);
      const scalar = relationScalar(column, attribute, sub, context.fail);
      if (value === null) {
        readComparison(label, scalar.type, operator, value, context.fail);
        const some = present(bound, context);
        return operator === 'eq' ? `NOT ${wrap(some)}` : some;
      }
      return column.exists(compareScalar(scalar, operator, value, context));
    }
  }
}

function compareScalar(
  scalar: Scalar,
  operator: CompareOperator,
  value: FilterValue,
  context: Context,
): string {
  const expected = readComparison(scalar.label, scalar.type, operator, value, context.fail);
  if (expected === null) {
    const whole = presentScalar(scalar);
    return operator === 'eq' ? `NOT ${wrap(whole)}` : whole;
  }
  return comparison(scalar, operator, expected, context);
}

function comparison(
  scalar: Scalar,
  operator: CompareOperator,
  expected: Expected,
  context: Context,
): string {
  const { params } = context;
  if (expected.category === 'string') {
    return textComparison(scalar, operator, expected.value, params);
  }
  const order = orderOperator(operator, scalar.label, context.fail);
  switch (expected.category) {
    case 'boolean':
      return ordered(scalar.sql, order, `${params.add(expected.value)}::boolean`);
    case 'number': {
      const cast = Number.isSafeInteger(expected.value) ? 'bigint' : 'numeric';
      return ordered(scalar.sql, order, `${params.add(expected.value)}::${cast}`);
    }
    case 'dateTime':
      return ordered(scalar.sql, order, `${params.add(expected.iso)}::timestamptz`);
  }
}

function textComparison(
  scalar: Scalar,
  operator: CompareOperator,
  value: string,
  params: SqlParams,
): string {
  const column = scalar.caseExact ? scalar.sql : `lower(${scalar.sql})`;
  const param = (text: string) =>
    scalar.caseExact ? `${params.add(text)}::text` : `lower(${params.add(text)}::text)`;
  if (scalar.uuid !== undefined && (operator === 'eq' || operator === 'ne')) {
    // Not a UUID: equal to no row (and so distinct from every one).
    if (!UUID.test(value)) return operator === 'eq' ? 'FALSE' : 'TRUE';
    return ordered(scalar.uuid, operator, `${params.add(value.toLowerCase())}::uuid`);
  }
  switch (operator) {
    case 'co':
      return `${column} LIKE ${param(`%${escapeLike(value)}%`)} ESCAPE '\\'`;
    case 'sw':
      return `${column} LIKE ${param(`${escapeLike(value)}%`)} ESCAPE '\\'`;
    case 'ew':
      return `${column} LIKE ${param(`%${escapeLike(value)}`)} ESCAPE '\\'`;
    case 'eq':
    case 'ne':
      return ordered(column, operator, param(value));
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return ordered(`${column} COLLATE "C"`, operator, param(value));
  }
}

function ordered(left: string, operator: OrderOperator, right: string): string {
  return `${left} ${ORDER_OPERATORS[operator]} ${right}`;
}

/** readComparison already refused co/sw/ew for non-text types; this narrows the type. */
function orderOperator(operator: CompareOperator, label: string, fail: Fail): OrderOperator {
  switch (operator) {
    case 'co':
    case 'sw':
    case 'ew':
      throw fail(`the operator "${operator}" cannot be used with "${label}"`);
    case 'eq':
    case 'ne':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return operator;
  }
}

function valuePath(bound: Bound, inner: Filter, context: Context): string {
  switch (bound.kind) {
    case 'array': {
      if (bound.subAttribute) throw context.fail(notFilterable(bound.label));
      const { column, attribute } = bound;
      const prefilter = valueIndexPrefilter(column, requiredValueEqualities(inner), context);
      const condition = exists(column, context, (alias) =>
        compile(inner, context, elementBinder(alias, column, attribute, context.fail)),
      );
      return prefilter.length > 0 ? `(${[...prefilter, condition].join(' AND ')})` : condition;
    }
    case 'relation': {
      if (bound.subAttribute) throw context.fail(notFilterable(bound.label));
      const { column, attribute } = bound;
      return column.exists(
        compile(inner, context, relationBinder(column, attribute, context.fail)),
      );
    }
    case 'complex':
      return compile(inner, context, complexBinder(bound.canonical, bound.attribute, context));
    case 'scalar':
      throw context.fail(notFilterable(bound.scalar.label));
  }
}

function exists(
  column: JsonArrayColumn,
  context: Context,
  where: (alias: string) => string,
): string {
  context.aliases += 1;
  const alias = `e${context.aliases}`;
  return column.exists(alias, where(alias));
}

/** Values of `value eq …` comparisons every match must satisfy (reached through `and` only). */
function requiredValueEqualities(filter: Filter): FilterValue[] {
  const operands = filter.kind === 'and' ? flattenChain(filter) : [filter];
  return operands.flatMap((operand) =>
    operand.kind === 'compare' &&
    operand.operator === 'eq' &&
    operand.path.uri === undefined &&
    operand.path.subAttribute === undefined &&
    operand.path.name.toLowerCase() === 'value'
      ? [operand.value]
      : [],
  );
}

/** `u.email_values @> ARRAY[lower($n::text)]` for each required equality on a case-insensitive value. */
function valueIndexPrefilter(
  column: JsonArrayColumn,
  values: FilterValue[],
  context: Context,
): string[] {
  const mapped = column.subAttributes.value;
  if (!column.valueIndex || !mapped || mapped.caseExact || categoryOf(mapped.type) !== 'string') {
    return [];
  }
  const index = column.valueIndex;
  return values.flatMap((value) =>
    value === null ? [] : [`${index} @> ARRAY[lower(${context.params.add(String(value))}::text)]`],
  );
}

/** Parenthesizes an expression unless one pair of parentheses already encloses all of it. */
function wrap(sql: string): string {
  if (!sql.startsWith('(') || !sql.endsWith(')')) return `(${sql})`;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < sql.length; i += 1) {
    const char = sql[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    if (depth === 0 && i < sql.length - 1) return `(${sql})`;
  }
  return sql;
}

/** A SQL string literal of schema text (never request input). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

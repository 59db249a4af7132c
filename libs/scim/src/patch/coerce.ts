/**
 * Reads PATCH values (RFC 7644 §3.5.2) for the attribute they are written to (RFC 7643 §2.3 types).
 *
 * Liberal where identity providers deviate: "True"/"False" strings for booleans (Entra), numbers
 * and booleans for strings, numeric text for numbers, a bare id for a complex attribute with a
 * `value` sub-attribute (`manager: "26118915"`), a single object for a multi-valued attribute.
 * `null` and `""` mean "no value". Unknown and read-only sub-attributes inside a value are dropped.
 * Anything else that does not fit → DomainError('invalid_value').
 */
import { DomainError } from '@rollcall/common';
import { unstorableCharacter } from '../filter/lexer';
import { findAttribute } from '../filter/resolve';
import { categoryOf, parseDateTime, readBoolean, readNumber } from '../filter/values';
import type { AttributeDefinition } from '../schema/types';
import { isRecord, writeKey } from './document';

/** A complex value: sub-attributes to set, and sub-attributes explicitly cleared (sent as null). */
export interface ComplexValue {
  set: Record<string, unknown>;
  clear: string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'an object';
  if (typeof value === 'string') return `the text ${JSON.stringify(truncate(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(label: string, expected: string, value: unknown): DomainError {
  return new DomainError('invalid_value', `"${label}" must be ${expected}, not ${describe(value)}`);
}

/** True for the values that clear an attribute. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** A simple (non-complex) value; undefined for null/"" (no value). */
export function coerceSimple(
  definition: AttributeDefinition,
  value: unknown,
  label: string,
): unknown {
  if (isEmptyValue(value)) return undefined;
  switch (categoryOf(definition.type)) {
    case 'string': {
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (typeof value !== 'string') throw invalid(label, 'text', value);
      const bad = unstorableCharacter(value);
      if (bad) throw new DomainError('invalid_value', `"${label}" contains ${bad}`);
      return value;
    }
    case 'boolean': {
      const bool = readBoolean(value);
      if (bool === undefined) throw invalid(label, 'true or false', value);
      return bool;
    }
    case 'number': {
      const number = readNumber(value);
      if (number === undefined) throw invalid(label, 'a number', value);
      if (definition.type === 'integer' && !Number.isInteger(number)) {
        throw invalid(label, 'a whole number', value);
      }
      return number;
    }
    case 'dateTime': {
      const instant = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (!instant) throw invalid(label, 'a date and time such as 2024-05-01T12:00:00Z', value);
      return instant.iso;
    }
    case 'complex':
      throw invalid(label, 'an object', value);
  }
}

/** A complex value; undefined for null/"" (no value). */
export function coerceComplex(
  attribute: AttributeDefinition,
  value: unknown,
  label: string,
): ComplexValue | undefined {
  if (isEmptyValue(value)) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const valueSub = findAttribute(attribute.subAttributes, 'value');
    if (!valueSub) throw invalid(label, 'an object', value);
    const coerced = coerceSimple(valueSub, value, `${label}.${valueSub.name}`);
    return { set: coerced === undefined ? {} : { [valueSub.name]: coerced }, clear: [] };
  }
  if (!isRecord(value)) throw invalid(label, 'an object', value);
  const result: ComplexValue = { set: {}, clear: [] };
  for (const [key, item] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const coerced = coerceSimple(sub, item, `${label}.${sub.name}`);
    if (coerced === undefined) result.clear.push(sub.name);
    else writeKey(result.set, sub.name, coerced);
  }
  return result;
}

/** The elements of a multi-valued attribute (a lone element counts as a list of one). */
export function coerceMulti(
  attribute: AttributeDefinition,
  value: unknown,
  label: string,
): unknown[] {
  if (isEmptyValue(value)) return [];
  const items = Array.isArray(value) ? value : [value];
  const element = { ...attribute, multiValued: false };
  return items.flatMap((item: unknown, index) => {
    const itemLabel = Array.isArray(value) ? `${label}[${index}]` : label;
    if (attribute.type !== 'complex') {
      const coerced = coerceSimple(element, item, itemLabel);
      return coerced === undefined ? [] : [coerced];
    }
    const complex = coerceComplex(element, item, itemLabel);
    return complex && Object.keys(complex.set).length > 0 ? [complex.set] : [];
  });
}

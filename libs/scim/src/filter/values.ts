/**
 * Value rules shared by the in-memory evaluator, the SQL compiler and PATCH: how a filter's
 * comparison value is read for an attribute type (RFC 7644 §3.4.2.2), what "present" means, how
 * dateTime text (RFC 7643 §2.3.5, xsd:dateTime) becomes an instant.
 */
import type { DomainError } from '@rollcall/common';
import type { AttributeType } from '../schema/types';
import type { CompareOperator, FilterValue } from './ast';
import { unstorableCharacter } from './lexer';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a property by name, case-insensitively (an exact match wins). */
export function getKey(subject: unknown, name: string): unknown {
  if (!isRecord(subject)) return undefined;
  if (Object.prototype.hasOwnProperty.call(subject, name)) return subject[name];
  const key = findKey(subject, name);
  return key === undefined ? undefined : subject[key];
}

export function findKey(subject: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(subject, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(subject).find((key) => key.toLowerCase() === lower);
}

/** RFC 7644 §3.4.2.2 `pr`: has a value that is not null, an empty string, array or object. */
export function isPresentValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.values(value).some(isPresentValue);
  return true;
}

export type ValueCategory = 'string' | 'boolean' | 'number' | 'dateTime' | 'complex';

export function categoryOf(type: AttributeType): ValueCategory {
  switch (type) {
    case 'string':
    case 'reference':
    case 'binary':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'dateTime':
      return 'dateTime';
    case 'complex':
      return 'complex';
  }
}

/** A comparison value read for the attribute's type. */
export type Expected =
  | { category: 'string'; value: string }
  | { category: 'boolean'; value: boolean }
  | { category: 'number'; value: number }
  | { category: 'dateTime'; value: number; iso: string };

const OPERATORS: Record<Exclude<ValueCategory, 'complex'>, readonly CompareOperator[]> = {
  string: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  boolean: ['eq', 'ne'],
  number: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

/**
 * Checks `label operator value` against the attribute type and reads the value; `null` means the
 * value is null (only eq/ne, meaning "absent"/"present"). Liberal: numbers and booleans compare as
 * text with string attributes, "true"/"false" (any case) with boolean ones, numeric text with numbers.
 */
export function readComparison(
  label: string,
  type: AttributeType,
  operator: CompareOperator,
  value: FilterValue,
  fail: (detail: string) => DomainError,
): Expected | null {
  const category = categoryOf(type);
  if (category === 'complex') {
    throw fail(
      `"${label}" is a complex attribute and cannot be compared; compare one of its ` +
        `sub-attributes instead (for example ${label}.value)`,
    );
  }
  if (!OPERATORS[category].includes(operator)) {
    throw fail(
      `the operator "${operator}" cannot be used with "${label}", which is a ${type}; ` +
        `use ${OPERATORS[category].join(', ')} or pr`,
    );
  }
  if (value === null) {
    if (operator === 'eq' || operator === 'ne') return null;
    throw fail(`"${label} ${operator} null" compares with null; only eq and ne accept null`);
  }
  const bad = typeof value === 'string' ? unstorableCharacter(value) : undefined;
  if (bad) throw fail(`the value compared with "${label}" contains ${bad}`);
  const expected = readValue(category, value);
  if (!expected) {
    throw fail(`${JSON.stringify(value)} is not a valid ${type} value for "${label}"`);
  }
  return expected;
}

function readValue(category: Exclude<ValueCategory, 'complex'>, value: string | number | boolean) {
  switch (category) {
    case 'string':
      return { category, value: String(value) } as const;
    case 'boolean': {
      const bool = readBoolean(value);
      return bool === undefined ? undefined : ({ category, value: bool } as const);
    }
    case 'number': {
      const number = readNumber(value);
      return number === undefined ? undefined : ({ category, value: number } as const);
    }
    case 'dateTime': {
      const instant = typeof value === 'string' ? parseDateTime(value) : undefined;
      return instant
        ? ({ category, value: instant.epochMs, iso: instant.iso } as const)
        : undefined;
    }
  }
}

/** true/false, or the strings "true"/"false" in any case (Entra sends "True"). */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const NUMBER_TEXT = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A finite number, or text holding one. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMBER_TEXT.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads xsd:dateTime text (a date alone means midnight; no offset means UTC) as an instant between
 * years 1 and 9999. Returns the epoch milliseconds and the UTC ISO 8601 text.
 */
export function parseDateTime(text: string): { epochMs: number; iso: string } | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] =
    match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  const daysInMonth = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !leap(y) ? 1 : 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset = normalizeZone(zone);
  const epochMs = Date.parse(
    `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`,
  );
  if (!Number.isFinite(epochMs)) return undefined;
  const utcYear = new Date(epochMs).getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return undefined;
  return { epochMs, iso: new Date(epochMs).toISOString() };
}

function leap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function normalizeZone(zone: string | undefined): string {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

/** Compares by Unicode code point (the order of PostgreSQL's "C" collation on UTF-8 text). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(j) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  const restA = a.length - i;
  const restB = b.length - j;
  return restA === restB ? 0 : restA > restB ? 1 : -1;
}

/** Escapes LIKE wildcards (with `\` as the escape character). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

import fc from 'fast-check';

/** Operators, punctuation and values of the SCIM filter grammar, hostile ones included. */
const FILTER_TOKENS = [
  'eq',
  'ne',
  'co',
  'sw',
  'gt',
  'pr',
  'and',
  'or',
  'not',
  '(',
  ')',
  '[',
  ']',
  '"x"',
  '"a\\"b"',
  '"00000000-0000-4000-8000-000000000000"',
  '"2026-01-01T00:00:00Z"',
  'true',
  '42',
  'null',
  "'; DROP TABLE users; --",
];

/**
 * Filter strings for fuzzing a resource type: grammar-shaped token soup over its attribute names,
 * plus arbitrary and binary strings.
 */
export function filterStrings(attributes: string[]): fc.Arbitrary<string> {
  const parts = fc.constantFrom(...attributes, ...FILTER_TOKENS);
  return fc.oneof(
    fc.array(parts, { minLength: 1, maxLength: 8 }).map((p) => p.join(' ')),
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
}

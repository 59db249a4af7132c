/** fast-check generators for filters: raw text, token soups and syntax trees. */
import fc from 'fast-check';
import type { AttributePath, CompareOperator, Filter, FilterValue } from '../ast';

export const OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

const NAME_HEAD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const NAME_TAIL = `${NAME_HEAD}0123456789-`;

export const attributeName: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...NAME_HEAD),
    fc.string({ unit: fc.constantFrom(...NAME_TAIL), maxLength: 8 }),
    fc.boolean(),
  )
  .map(([head, tail, ref]) => `${ref ? '$' : ''}${head}${tail}`);

const uri: fc.Arbitrary<string> = fc
  .array(fc.string({ unit: fc.constantFrom(...'abcXYZ019.-'), minLength: 1, maxLength: 6 }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((segments) => `urn:${segments.join(':')}`);

export const attributePath: fc.Arbitrary<AttributePath> = fc.record(
  { uri, name: attributeName, subAttribute: attributeName },
  { requiredKeys: ['name'] },
);

/** Text without characters the parser refuses (NUL, unpaired surrogates). */
export const storableString: fc.Arbitrary<string> = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .filter((text) => !text.includes('\u0000'));

export const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  storableString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
  fc.boolean(),
  fc.constant(null),
);

function comparison(path: fc.Arbitrary<AttributePath>): fc.Arbitrary<Filter> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      path,
      operator: fc.constantFrom(...OPERATORS),
      value: filterValue,
    }),
    fc.record({ kind: fc.constant('present' as const), path }),
  );
}

/** Logical combinations of leaves, `depth` levels at most. */
export function logical(leaf: fc.Arbitrary<Filter>, depth: number): fc.Arbitrary<Filter> {
  if (depth <= 0) return leaf;
  const sub = logical(leaf, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('and' as const), left: sub, right: sub }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('or' as const), left: sub, right: sub }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('not' as const), filter: sub }) },
  );
}

const simplePath = attributePath.filter((path) => path.subAttribute === undefined);

/** Any syntax tree the grammar can express (value filters hold no value filters). */
export const filterTree: fc.Arbitrary<Filter> = logical(
  fc.oneof(
    { weight: 4, arbitrary: comparison(attributePath) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('valuePath' as const),
        path: simplePath,
        filter: logical(comparison(fc.record({ name: attributeName })), 2),
      }),
    },
  ),
  4,
);

const SOUP = [
  '(',
  ')',
  '[',
  ']',
  ' ',
  ' and ',
  ' or ',
  'not ',
  ' eq ',
  ' pr',
  ' gt ',
  '"x"',
  '"',
  '\\',
  '\\u00e9',
  'userName',
  'emails',
  'name.givenName',
  '.',
  ':',
  'urn:ietf:params:scim:schemas:core:2.0:User:',
  'true',
  'null',
  '12',
  '-1.5e3',
  'é',
  '\u0000',
  '\ud800',
];

/** Random sequences of filter fragments: mostly invalid, sometimes valid, always near the grammar. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...SOUP), { maxLength: 30 })
  .map((parts) => parts.join(''));

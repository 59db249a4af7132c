import { DomainError } from '@rollcall/common';
import fc from 'fast-check';
import { formatFilter, formatPatchPath } from './format';
import { parseAttributeList, parseFilter, parsePatchPath } from './parser';
import { filterTree, tokenSoup } from './testing/arbitraries';

/** Runs a parser; it may succeed or throw DomainError with the given code, nothing else. */
function succeedsOrRefuses(parse: () => unknown, code: string): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === code && error.detail.length > 0) return true;
    throw error;
  }
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ maxLength: 60 }),
  tokenSoup,
  filterTree.map(formatFilter),
  // Valid filters with one character dropped or duplicated.
  fc.tuple(filterTree.map(formatFilter), fc.nat(), fc.boolean()).map(([text, at, drop]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    return drop ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + text[i] + text.slice(i);
  }),
);

describe('filter parsers (properties)', () => {
  it('parseFilter returns a tree or throws invalid_filter for any text', () => {
    fc.assert(
      fc.property(anyText, (text) => succeedsOrRefuses(() => parseFilter(text), 'invalid_filter')),
      { numRuns: 2_000 },
    );
  });

  it('parsePatchPath returns a path or throws invalid_path for any text', () => {
    fc.assert(
      fc.property(anyText, (text) => succeedsOrRefuses(() => parsePatchPath(text), 'invalid_path')),
      { numRuns: 1_500 },
    );
  });

  it('parseAttributeList returns paths or throws invalid_path for any text', () => {
    fc.assert(
      fc.property(anyText, (text) =>
        succeedsOrRefuses(() => parseAttributeList(text), 'invalid_path'),
      ),
      { numRuns: 1_000 },
    );
  });

  it('parses what formatFilter writes back to the same tree', () => {
    fc.assert(
      fc.property(filterTree, (filter) => {
        expect(parseFilter(formatFilter(filter))).toEqual(filter);
      }),
      { numRuns: 1_500 },
    );
  });

  it('formatFilter is a fixed point after one parse', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let filter;
        try {
          filter = parseFilter(text);
        } catch {
          return;
        }
        const formatted = formatFilter(filter);
        expect(formatFilter(parseFilter(formatted))).toBe(formatted);
      }),
      { numRuns: 1_000 },
    );
  });

  it('round-trips PATCH paths built from value filters', () => {
    fc.assert(
      fc.property(filterTree, (filter) => {
        if (filter.kind !== 'valuePath') return;
        const text = `${formatFilter(filter)}.value`;
        expect(formatPatchPath(parsePatchPath(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

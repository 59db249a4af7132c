/**
 * Parsers for RFC 7644 §3.4.2.2 filters, §3.5.2 PATCH paths and the §3.4.2.5 `attributes` /
 * `excludedAttributes` lists.
 *
 * Grammar (RFC 7644 §3.4.2.2, precedence not > and > or):
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"          ; no nested brackets
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   compValue = false / null / true / number / string
 *
 * Liberal where real identity providers deviate:
 * - keywords (operators, and, or, not) in any case; any amount of any whitespace between tokens;
 * - unquoted values: a bare token is `true`/`false`/`null` (lowercase, as in JSON), a number when it
 *   is a number written canonically (`42`, `-1.5`; `007` or `1.50` stay strings so nothing is lost),
 *   otherwise a string (`externalId eq abc123`, `userName eq alice@x.com`);
 * - `not` may also precede an attribute expression without parentheses (`not title pr`).
 * Limits: at most 10,000 characters and 50 levels of nesting (parentheses, `not`, `[ ]`).
 */
import { DomainError } from '@rollcall/common';
import type { AttributePath, CompareOperator, Filter, FilterValue, PatchPath } from './ast';
import { parseAttributePath } from './attribute-path';
import {
  describeToken,
  tokenize,
  unstorableCharacter,
  type ErrorFactory,
  type Token,
} from './lexer';

export const MAX_FILTER_LENGTH = 10_000;
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPERATORS: readonly CompareOperator[] = [
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
];

function compareOperator(token: Token | undefined): CompareOperator | undefined {
  if (token?.kind !== 'word') return undefined;
  const lower = token.text.toLowerCase();
  return COMPARE_OPERATORS.find((operator) => operator === lower);
}

function isOperatorWord(token: Token | undefined): boolean {
  return compareOperator(token) !== undefined || isKeyword(token, 'pr');
}

function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === 'word' && token.text.toLowerCase() === keyword;
}

/** Shortens long input for an error message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}

function errorFactory(code: 'invalid_filter' | 'invalid_path', what: string, text: string) {
  return (detail: string) => new DomainError(code, `${what} ${quote(text)} is invalid: ${detail}.`);
}

/** Checks length and characters, then tokenizes. */
function prepare(text: unknown, what: string, fail: ErrorFactory): Token[] {
  if (typeof text !== 'string') throw fail(`${what} must be a string`);
  if (text.length > MAX_FILTER_LENGTH) {
    throw fail(`it is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted`);
  }
  const bad = unstorableCharacter(text);
  if (bad) throw fail(`it contains ${bad}`);
  const tokens = tokenize(text, fail);
  if (tokens.length === 0) throw fail(`it is empty`);
  return tokens;
}

/** Parses a filter such as `userName eq "bjensen" and not (emails[type eq "work"] pr)`. */
export function parseFilter(text: string): Filter {
  const fail = errorFactory('invalid_filter', 'The filter', String(text));
  const parser = new Parser(prepare(text, 'a filter', fail), fail);
  const filter = parser.parseOr(false);
  parser.expectEnd('"and", "or" or the end of the filter');
  return filter;
}

/** Parses a PATCH path: `attrPath` or `valuePath ["." subAttr]` (RFC 7644 §3.5.2). */
export function parsePatchPath(text: string): PatchPath {
  const fail = errorFactory('invalid_path', 'The PATCH path', String(text));
  const parser = new Parser(prepare(text, 'a PATCH path', fail), fail);
  const path = parser.parsePatchPath();
  parser.expectEnd('the end of the path');
  return path;
}

/**
 * Parses the comma-separated `attributes` / `excludedAttributes` query parameter. Empty items are
 * skipped; a malformed item → DomainError('invalid_path').
 */
export function parseAttributeList(text: string): AttributePath[] {
  const fail = errorFactory('invalid_path', 'The attribute list', String(text));
  if (typeof text !== 'string') throw fail('the attribute list must be a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw fail(`it is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted`);
  }
  const paths: AttributePath[] = [];
  let offset = 0;
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    const position = offset + item.indexOf(trimmed) + 1;
    offset += item.length + 1;
    if (trimmed.length === 0) continue;
    if (/[\s()[\]"]/.test(trimmed)) {
      throw fail(`"${trimmed}" at character ${position} is not an attribute name`);
    }
    paths.push(parseAttributePath(trimmed, position, fail));
  }
  return paths;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fail: ErrorFactory,
  ) {}

  parseOr(inValuePath: boolean): Filter {
    let left = this.parseAnd(inValuePath);
    while (isKeyword(this.peek(), 'or')) {
      this.index += 1;
      left = { kind: 'or', left, right: this.parseAnd(inValuePath) };
    }
    return left;
  }

  parsePatchPath(): PatchPath {
    const attribute = this.parseAttributeToken();
    if (this.peek()?.kind !== 'openBracket') return { attribute };
    const valueFilter = this.parseValueFilter(attribute);
    const sub = this.parseSubAttributeAfterFilter();
    return sub ? { attribute, valueFilter, subAttribute: sub.name } : { attribute, valueFilter };
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token) throw this.unexpected(token, expected);
  }

  private parseAnd(inValuePath: boolean): Filter {
    let left = this.parseUnary(inValuePath);
    while (isKeyword(this.peek(), 'and')) {
      this.index += 1;
      left = { kind: 'and', left, right: this.parseUnary(inValuePath) };
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): Filter {
    const token = this.peek();
    const next = this.peek(1);
    if (isKeyword(token, 'not') && next !== undefined && !isOperatorWord(next)) {
      this.index += 1;
      return this.nested(() => ({ kind: 'not', filter: this.parseUnary(inValuePath) }));
    }
    return this.parsePrimary(inValuePath);
  }

  private parsePrimary(inValuePath: boolean): Filter {
    const token = this.peek();
    if (token?.kind === 'open') {
      this.index += 1;
      const filter = this.nested(() => this.parseOr(inValuePath));
      this.expect('close', `")" to close the "(" at character ${token.position}`);
      return filter;
    }
    const path = this.parseAttributeToken();
    if (this.peek()?.kind === 'openBracket') {
      if (inValuePath) {
        throw this.fail(
          `"[" at character ${this.peek()?.position} opens a value filter inside another ` +
            'one; value filters cannot be nested',
        );
      }
      const filter = this.parseValueFilter(path);
      const sub = this.parseSubAttributeAfterFilter();
      if (!sub) return { kind: 'valuePath', path, filter };
      // Liberal: `emails[type eq "work"].value co "@x"` ≡ `emails[type eq "work" and value co "@x"]`.
      return {
        kind: 'valuePath',
        path,
        filter: { kind: 'and', left: filter, right: this.parseComparison(sub) },
      };
    }
    return this.parseComparison(path);
  }

  /** `.sub` right after `]`, as in `emails[type eq "work"].value` (PATCH paths, liberal filters). */
  private parseSubAttributeAfterFilter(): AttributePath | undefined {
    const next = this.peek();
    if (next?.kind !== 'word' || !next.text.startsWith('.')) return undefined;
    this.index += 1;
    const sub = parseAttributePath(next.text.slice(1), next.position + 1, this.fail);
    if (sub.uri !== undefined || sub.subAttribute !== undefined) {
      throw this.fail(`"${next.text}" at character ${next.position} is not a sub-attribute name`);
    }
    return sub;
  }

  private parseValueFilter(path: AttributePath): Filter {
    const open = this.next();
    if (path.subAttribute !== undefined) {
      throw this.fail(
        `the value filter at character ${open?.position} follows a sub-attribute; write it ` +
          `after the multi-valued attribute (${path.name}[...])`,
      );
    }
    const filter = this.nested(() => this.parseOr(true));
    const close = this.peek();
    if (close?.kind === 'openBracket') {
      throw this.fail(
        `"[" at character ${close.position} opens a value filter inside another one; value ` +
          'filters cannot be nested',
      );
    }
    this.expect('closeBracket', `"]" to close the "[" at character ${open?.position}`);
    return filter;
  }

  private parseComparison(path: AttributePath): Filter {
    const operatorToken = this.peek();
    if (isKeyword(operatorToken, 'pr')) {
      this.index += 1;
      return { kind: 'present', path };
    }
    const operator = compareOperator(operatorToken);
    if (!operator) {
      throw this.unexpected(
        operatorToken,
        'an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)',
      );
    }
    this.index += 1;
    return { kind: 'compare', path, operator, value: this.parseValue(operator) };
  }

  private parseValue(operator: CompareOperator): FilterValue {
    const token = this.next();
    if (token?.kind === 'string') return token.value;
    if (token?.kind === 'word') return bareValue(token.text);
    throw this.unexpected(token, `a value after "${operator}"`);
  }

  private parseAttributeToken(): AttributePath {
    const token = this.peek();
    if (token?.kind !== 'word') throw this.unexpected(token, 'an attribute name');
    this.index += 1;
    return parseAttributePath(token.text, token.position, this.fail);
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw this.fail(
        `it nests parentheses, "not" or value filters more than ${MAX_FILTER_DEPTH} levels deep`,
      );
    }
    const result = parse();
    this.depth -= 1;
    return result;
  }

  private expect(kind: Token['kind'], expected: string): void {
    const token = this.next();
    if (token?.kind !== kind) throw this.unexpected(token, expected);
  }

  private unexpected(token: Token | undefined, expected: string): DomainError {
    const where = token ? ` at character ${token.position}` : '';
    const hint =
      token?.kind === 'word' && !token.text.startsWith('.') && expected.startsWith('"and"')
        ? ' (put values that contain spaces in double quotes)'
        : '';
    return this.fail(`expected ${expected}${where} but found ${describeToken(token)}${hint}`);
  }

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token) this.index += 1;
    return token;
  }
}

/** An unquoted value: JSON literals and canonical numbers keep their type, anything else is text. */
export function bareValue(text: string): FilterValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number) && String(number) === text) return number;
  }
  return text;
}

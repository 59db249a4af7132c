/**
 * Tokens of the RFC 7644 §3.4.2.2 filter grammar (also used for PATCH paths, §3.5.2).
 *
 * Liberal where real identity providers deviate: any whitespace separates tokens, and a "word" is any
 * run of characters other than whitespace, parentheses, brackets and double quotes, so unquoted
 * values such as `alice@x.com` survive as one token.
 */
import { DomainError } from '@rollcall/common';

/** Builds the error for one kind of input (a filter, a PATCH path, an attribute list). */
export type ErrorFactory = (detail: string) => DomainError;

export type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'open' | 'close' | 'openBracket' | 'closeBracket'; position: number };

const PUNCTUATION: Record<string, 'open' | 'close' | 'openBracket' | 'closeBracket'> = {
  '(': 'open',
  ')': 'close',
  '[': 'openBracket',
  ']': 'closeBracket',
};

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const WHITESPACE = /\s/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL cannot store (NUL) or that is not valid Unicode (an unpaired surrogate). */
export function unstorableCharacter(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate';
  return undefined;
}

/** How a token reads in an error message. */
export function describeToken(token: Token | undefined): string {
  if (!token) return 'the end of the text';
  switch (token.kind) {
    case 'word':
      return `"${token.text}"`;
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'openBracket':
      return '"["';
    case 'closeBracket':
      return '"]"';
  }
}

export function tokenize(text: string, fail: ErrorFactory): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (WHITESPACE.test(char)) {
      index += 1;
    } else if (Object.hasOwn(PUNCTUATION, char)) {
      tokens.push({ kind: PUNCTUATION[char], position: index + 1 });
      index += 1;
    } else if (char === '"') {
      const { value, end } = readString(text, index, fail);
      tokens.push({ kind: 'string', value, position: index + 1 });
      index = end;
    } else {
      const start = index;
      while (index < text.length && isWordChar(text[index])) index += 1;
      tokens.push({ kind: 'word', text: text.slice(start, index), position: start + 1 });
    }
  }
  return tokens;
}

function isWordChar(char: string): boolean {
  return !WHITESPACE.test(char) && !Object.hasOwn(PUNCTUATION, char) && char !== '"';
}

/** Reads a JSON string literal starting at the opening quote; returns its value and the index after it. */
function readString(
  text: string,
  start: number,
  fail: ErrorFactory,
): { value: string; end: number } {
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      const bad = unstorableCharacter(value);
      if (bad) throw fail(`the string starting at character ${start + 1} contains ${bad}`);
      return { value, end: index + 1 };
    }
    if (char !== '\\') {
      value += char;
      index += 1;
      continue;
    }
    const escape = text[index + 1] ?? '';
    if (Object.hasOwn(SIMPLE_ESCAPES, escape)) {
      value += SIMPLE_ESCAPES[escape];
      index += 2;
    } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
      value += String.fromCharCode(parseInt(text.slice(index + 2, index + 6), 16));
      index += 6;
    } else {
      throw fail(
        `the string starting at character ${start + 1} has an invalid escape "\\${escape}" at ` +
          `character ${index + 1} (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)`,
      );
    }
  }
  throw fail(`the string starting at character ${start + 1} has no closing double quote`);
}

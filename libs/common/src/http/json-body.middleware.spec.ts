import fc from 'fast-check';
import {
  hostileJsonProblem,
  MAX_JSON_DEPTH,
  MAX_JSON_OBJECT_MEMBERS,
} from './json-body.middleware';
import { decodeCursor, encodeCursor, isStorableDate } from './pagination';

describe('hostileJsonProblem', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('accepts ordinary bodies, however unusual their text', () => {
    expect(
      hostileJsonProblem({ userName: 'bjensen', emails: [{ value: 'a@b.c' }] }),
    ).toBeUndefined();
    expect(
      hostileJsonProblem({ text: '👩‍👩‍👧 \ufeff \ud83d\ude00', constructor: 'x' }),
    ).toBeUndefined();
    expect(hostileJsonProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(hostileJsonProblem([...Array(100_000).keys()])).toBeUndefined();
    expect(hostileJsonProblem(undefined)).toBeUndefined();
  });

  it('names what it refuses and where', () => {
    expect(hostileJsonProblem(nested(MAX_JSON_DEPTH + 1))).toMatch(/deeper than 32/);
    expect(hostileJsonProblem(nested(200_000))).toMatch(/deeper than 32/);
    expect(hostileJsonProblem({ name: { givenName: 'a\u0000b' } })).toBe(
      '$.name.givenName contains a NUL character or an unpaired surrogate.',
    );
    expect(hostileJsonProblem({ emails: [{ value: 'x\ud800' }] })).toMatch(
      /^\$\.emails\[0\]\.value/,
    );
    expect(hostileJsonProblem({ 'a\udc00': 1 })).toMatch(/A key in \$ contains/);
    expect(hostileJsonProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toMatch(
      /^\$\.a\.__proto__ is not an acceptable key/,
    );
    expect(hostileJsonProblem({ constructor: { prototype: { x: 1 } } })).toMatch(/constructor/);
    const wide = Object.fromEntries(
      [...Array(MAX_JSON_OBJECT_MEMBERS + 1).keys()].map((i) => [`k${i}`, i]),
    );
    expect(hostileJsonProblem({ wide })).toBe(
      `$.wide has more than ${MAX_JSON_OBJECT_MEMBERS} members.`,
    );
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problem = hostileJsonProblem(value);
        expect(problem === undefined || typeof problem === 'string').toBe(true);
      }),
    );
  });
});

describe('cursors and dates PostgreSQL can compare', () => {
  it('keeps dates within the years 1 to 9999', () => {
    expect(isStorableDate(new Date('2026-11-23T00:00:00Z'))).toBe(true);
    expect(isStorableDate(new Date('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isStorableDate(new Date('-271821-04-20T00:00:00Z'))).toBe(false);
    expect(isStorableDate(new Date('+275760-09-13T00:00:00Z'))).toBe(false);
    expect(isStorableDate(new Date('nonsense'))).toBe(false);
  });

  it('decodes only the cursors it encodes', () => {
    const cursor = {
      createdAt: new Date('2026-11-23T03:00:00.000Z'),
      id: '2819c223-7f76-453a-919d-413861904646',
    };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const text of [
      `-271821-04-20T00:00:00.000Z|${cursor.id}`,
      `' OR '1'='1|${cursor.id}`,
      `$1|${cursor.id}`,
      `2026-11-23|${cursor.id}`,
      '2026-11-23T03:00:00.000Z|not-a-uuid',
    ]) {
      expect(() => decodeCursor(forged(text))).toThrow('cursor');
    }
  });
});

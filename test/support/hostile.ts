import fc from 'fast-check';
import { maxHeaderSize } from 'node:http';
import { connect } from 'node:net';
import type { Response } from 'supertest';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

/** SQL injection attempts, in the shapes they take in filters, sort keys, search text and cursors. */
export const SQL_INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR 1=1 --',
  "'; DROP TABLE users; --",
  '"; DROP TABLE users; --',
  "x'); DELETE FROM license_pools; --",
  "admin'--",
  "' UNION SELECT id, secret_hash FROM admin_api_keys --",
  "'||pg_sleep(20)||'",
  '1; SELECT pg_sleep(20)',
  '$1',
  '$$ OR 1=1 $$',
  '\\',
  "\\'",
  '%',
  '_',
  '%_%',
  "') OR ('a'='a",
  'userName) OR (1=1',
  'u.user_name',
  'lower(user_name)',
  '1 DESC; --',
  "E'\\x27'",
  'ʼ OR 1=1 --',
  "' OR organization_id IS NOT NULL --",
  '*/ OR /*',
  'NULL',
];

/** Text that breaks naive handling: control characters, odd Unicode, very long values. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t\r\n',
  'a'.repeat(10_000),
  '\u202e\u2066evil',
  '\ufeffbom',
  'e\u0301\u0301\u0301',
  '𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦',
  '\uffff\ufffe',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '../../etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '=cmd|" /C calc"!A0',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e309',
];

/** A hostile string: one of the corpora, or arbitrary Unicode or ASCII. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SQL_INJECTIONS, ...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  );
}

/** JSON nested `depth` levels deep, as text (too deep for JSON.stringify to build recursively). */
export function deepJson(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** Starts the app's HTTP server on a loopback port (for raw requests) and returns the port. */
export async function listen(app: TestApp): Promise<number> {
  await app.app.listen(0, '127.0.0.1');
  const address = (app.app.getHttpServer() as { address(): AddressInfo | string | null }).address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}

/** What came back on a raw connection: status 0 when the server closed it without answering. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends raw bytes (a whole HTTP/1.1 request, malformed as the test likes), in as many writes as
 * `parts` has, 50 ms apart, and reads the answer until the server closes the connection.
 */
export function rawExchange(port: number, parts: Buffer[], timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // Written without closing our side: a half-closed connection may be dropped before the answer.
    // `Connection: close` (or the malformed request) makes the server close it once it answered.
    const socket = connect(port, '127.0.0.1', () => {
      void (async () => {
        for (const [index, part] of parts.entries()) {
          if (index > 0) await new Promise((r) => setTimeout(r, 50));
          if (!socket.destroyed) socket.write(part);
        }
      })();
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      const start = Buffer.concat(parts).toString('latin1', 0, 80);
      reject(new Error(`no answer within ${timeoutMs} ms to ${start}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = (split < 0 ? text : text.slice(0, split)).split(
        '\r\n',
      );
      const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: status?.[1] ? Number(status[1]) : 0,
        headers,
        body: split < 0 ? '' : text.slice(split + 4),
      });
    });
  });
}

/** The status of the answer to raw bytes sent in one write (0: closed without answering). */
export async function rawRequest(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<number> {
  return (await rawExchange(port, [bytes], timeoutMs)).status;
}

/** An HTTP/1.1 request as bytes: `target` may hold any bytes; the body is sent as given. */
export function httpRequest(
  method: string,
  target: Buffer | string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body);
  const lines = Object.entries({
    Host: 'rollcall.test',
    Connection: 'close',
    ...(payload ? { 'Content-Length': String(payload.length) } : {}),
    ...headers,
  }).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.concat([
    Buffer.from(`${method} `),
    Buffer.from(target),
    Buffer.from(` HTTP/1.1\r\n${lines.join('')}\r\n`, 'latin1'),
    ...(payload ? [payload] : []),
  ]);
}

/**
 * Node's HTTP parser refuses a request whose request line and headers exceed `http.maxHeaderSize`
 * (16 KB) with 431 before the routes see it (the body in the path's error format comes from
 * answerClientErrors). A query string of hostile strings (some are 10,000 characters) can run into
 * that limit; nothing else may answer 431.
 */
export function refusedByHeaderLimit(response: Response): boolean {
  const path = (response as unknown as { req?: { path?: unknown } }).req?.path;
  return (
    response.status === 431 &&
    typeof path === 'string' &&
    Buffer.byteLength(path) > maxHeaderSize - 1024
  );
}

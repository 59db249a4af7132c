import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from '@rollcall/common';

/**
 * Every app the e2e suites boot logs at debug into a file of its jest worker here, and the global
 * teardown scans them all for secrets: whatever a suite does (issuing keys, SCIM over bearer and
 * basic, SAML sign-ins and sessions, failures), no secret may reach a log line.
 */
export const SUITE_LOG_DIR_ENV = 'ROLLCALL_TEST_LOG_DIR';

let stream: WriteStream | undefined;

/** This worker's sink, or undefined when the run does not collect logs. */
export function suiteLogSink(): LogSink | undefined {
  const dir = process.env[SUITE_LOG_DIR_ENV];
  if (!dir) return undefined;
  stream ??= createWriteStream(join(dir, `worker-${process.pid}.ndjson`), { flags: 'a' });
  const target = stream;
  return { write: (line: string) => void target.write(line) };
}

/** What a secret looks like in a log line, by the shapes Rollcall issues and accepts. */
const SECRET_SHAPES: [string, RegExp][] = [
  ['admin API key', /rcak_[A-Za-z0-9]+_[A-Za-z0-9_-]{16,}/],
  ['SCIM bearer token', /rcscim_[A-Za-z0-9]+_[A-Za-z0-9_-]{16,}/],
  ['operator token', /rcop_[A-Za-z0-9_-]{16,}/],
  ['session cookie', /rollcall_session=[A-Za-z0-9_-]{16,}/],
  [
    'admin portal session',
    /rcps_[0-9a-f-]{36}_[A-Za-z0-9_-]{16,}|rollcall_portal=[A-Za-z0-9_-]{16,}/,
  ],
  ['admin portal setup link', /rcsl_[0-9a-f-]{36}_[A-Za-z0-9_-]{16,}/],
  ['Authorization credentials', /\b(?:Bearer|Basic)\s+[A-Za-z0-9+/=._-]{16,}/],
  ['a logged credential header', /"(?:authorization|cookie|set-cookie)"\s*:\s*"[^"[]/i],
  ['a SAML response', /PHNhbWxwOlJlc3BvbnNl|<samlp:Response/],
];

export interface LogScan {
  lines: number;
  findings: string[];
}

/** Scans every collected log file; findings name the shape and the file, never the secret. */
export function scanSuiteLogs(dir: string): LogScan {
  let lines = 0;
  const findings: string[] = [];
  for (const file of readdirSync(dir)) {
    const content = readFileSync(join(dir, file), 'utf8');
    content.split('\n').forEach((line, index) => {
      if (line === '') return;
      lines += 1;
      for (const [what, shape] of SECRET_SHAPES) {
        if (shape.test(line)) findings.push(`${what} in ${file}:${index + 1}`);
      }
    });
  }
  return { lines, findings };
}

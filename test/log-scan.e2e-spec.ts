import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanSuiteLogs } from './support/suite-logs';

/** The teardown's secret scan over every e2e suite's logs must see each shape of secret we issue. */
describe('the suite-wide log scan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollcall-log-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every kind of secret and nothing in ordinary lines', () => {
    const secret = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
    const leaks = [
      `{"msg":"key rcak_AbCdEfGhIjKl_${secret}"}`,
      `{"msg":"token rcscim_AbCdEfGhIjKl_${secret}"}`,
      '{"msg":"operator rcop_test-operator-token-with-enough-length-0123456789"}',
      `{"msg":"cookie rollcall_session=${secret}"}`,
      `{"msg":"Authorization: Basic ${Buffer.from(`scim-abc:${secret}`).toString('base64')}"}`,
      `{"req":{"headers":{"authorization":"Bearer x"}}}`,
      '{"msg":"SAMLResponse PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm4i"}',
    ];
    const ordinary = [
      '{"level":30,"req":{"id":"3b2f1d0c-9e8a-4f3e-8a4b-0f8fad5bd9cb","method":"POST","url":"/scim/v2/Users"},"res":{"statusCode":201},"msg":"request completed"}',
      '{"level":30,"msg":"next cursor MjAyNi0xMS0yM1QwMzowMDowMC4wMDBafDNmYzQ5YjJl"}',
      '{"level":40,"req":{"headers":{"authorization":"[Redacted]"}},"msg":"unauthorized"}',
    ];
    writeFileSync(join(dir, 'worker-1.ndjson'), [...ordinary, ...leaks].join('\n') + '\n');
    const scan = scanSuiteLogs(dir);
    expect(scan.lines).toBe(ordinary.length + leaks.length);
    expect(scan.findings).toHaveLength(leaks.length);
    expect(scan.findings.join('\n')).not.toContain(secret);
  });
});

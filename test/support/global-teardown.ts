import { rmSync } from 'node:fs';
import { scanSuiteLogs, SUITE_LOG_DIR_ENV } from './suite-logs';
import { SNAPSHOT_ENV, adminQuery, serverUrl, templateDatabaseName } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const snapshotFile = process.env[SNAPSHOT_ENV];
  if (snapshotFile) rmSync(snapshotFile, { force: true });
  const url = serverUrl();
  if (url)
    await adminQuery(url, `DROP DATABASE IF EXISTS "${templateDatabaseName(url)}" WITH (FORCE)`);
  const logDir = process.env[SUITE_LOG_DIR_ENV];
  if (!logDir) return;
  const scan = scanSuiteLogs(logDir);
  if (scan.findings.length > 0) {
    // Keep the logs to look at; the message names where, not what.
    throw new Error(
      `Secrets reached the log (${scan.findings.length} finding(s) in ${scan.lines} lines under ${logDir}):\n  ${scan.findings.slice(0, 20).join('\n  ')}`,
    );
  }
  process.stdout.write(
    `\nLog scan: ${scan.lines} log lines from the e2e suites, no secret found.\n`,
  );
  rmSync(logDir, { recursive: true, force: true });
}

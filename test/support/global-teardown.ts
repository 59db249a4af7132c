import { rmSync } from 'node:fs';
import { SNAPSHOT_ENV, adminQuery, serverUrl, templateDatabaseName } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const snapshotFile = process.env[SNAPSHOT_ENV];
  if (snapshotFile) rmSync(snapshotFile, { force: true });
  const url = serverUrl();
  if (url)
    await adminQuery(url, `DROP DATABASE IF EXISTS "${templateDatabaseName(url)}" WITH (FORCE)`);
}

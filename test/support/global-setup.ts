import './register-paths';
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpEmbedded, openDatabase } from '../../libs/database/src';
import { SUITE_LOG_DIR_ENV } from './suite-logs';
import {
  SNAPSHOT_ENV,
  adminQuery,
  serverUrl,
  templateDatabaseName,
  withDatabase,
} from './test-database';

/** Migrates one database for the whole run; each test file then starts from a copy of it. */
export default async function globalSetup(): Promise<void> {
  process.env[SUITE_LOG_DIR_ENV] ??= mkdtempSync(join(tmpdir(), 'rollcall-test-logs-'));
  const url = serverUrl();
  if (url) {
    const template = templateDatabaseName(url);
    await adminQuery(url, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await adminQuery(url, `CREATE DATABASE "${template}"`);
    const dataSource = await openDatabase({
      kind: 'postgres',
      url: withDatabase(url, template),
      poolSize: 2,
    });
    await dataSource.destroy();
    return;
  }
  const dataSource = await openDatabase({ kind: 'embedded', dataDir: 'memory://' });
  const snapshotFile = join(tmpdir(), `rollcall-test-snapshot-${process.pid}.tar`);
  writeFileSync(snapshotFile, await dumpEmbedded(dataSource));
  process.env[SNAPSHOT_ENV] = snapshotFile;
  await dataSource.destroy();
}

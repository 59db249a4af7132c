import './register-paths';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
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

/**
 * The admin portal's bundle (dist/portal), which the app serves at /admin: built once for the run
 * when it is missing or older than its sources, so that a fresh clone's `npm test` has it.
 */
function buildPortalIfStale(): void {
  const script = join(__dirname, '..', '..', 'scripts', 'build-portal.js');
  const build = spawnSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`building the admin portal failed (${build.status})`);
}

/** Migrates one database for the whole run; each test file then starts from a copy of it. */
export default async function globalSetup(): Promise<void> {
  buildPortalIfStale();
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

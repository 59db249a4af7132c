import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirectoryLockedError, EmbeddedPostgres } from './embedded-postgres';

describe('EmbeddedPostgres on a data folder', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rollcall-embedded-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a nested folder, keeps data across restarts and releases its lock on close', async () => {
    const dataDir = join(root, 'deeply', 'nested', 'data');
    const first = EmbeddedPostgres.openSync({ dataDir });
    await first.pglite.exec('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$hello$$);');
    await first.close();

    const second = EmbeddedPostgres.openSync({ dataDir });
    const result = await second.pglite.query<{ v: string }>('SELECT v FROM kept');
    expect(result.rows).toEqual([{ v: 'hello' }]);
    await second.close();
  });

  it('refuses a second opener of the same folder with a message that says what to do', async () => {
    const dataDir = join(root, 'data');
    const holder = EmbeddedPostgres.openSync({ dataDir });
    try {
      expect(() => EmbeddedPostgres.openSync({ dataDir })).toThrow(DataDirectoryLockedError);
      expect(() => EmbeddedPostgres.openSync({ dataDir })).toThrow(
        /in use by another process.*ROLLCALL_DATA_DIR.*DATABASE_URL/s,
      );
    } finally {
      await holder.close();
    }
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max, so never a live process
    writeFileSync(
      join(dataDir, 'rollcall.lock'),
      JSON.stringify({ pid: deadPid, host: hostname() }),
    );
    const reopened = EmbeddedPostgres.openSync({ dataDir });
    await reopened.pglite.query('SELECT 1');
    await reopened.close();
  });
});

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export class DataDirectoryLockedError extends Error {
  constructor(dataDir: string, holder: string) {
    super(
      `The embedded database in ${dataDir} is in use by another process (${holder}). ` +
        'Only one process may open a data folder: stop the other one, point ROLLCALL_DATA_DIR at ' +
        'another folder, or set DATABASE_URL to share a PostgreSQL server between processes.',
    );
    this.name = 'DataDirectoryLockedError';
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive, crash-tolerant lock on a data folder: a file holding the owner's pid. */
class DataDirectoryLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(private readonly path: string) {
    process.once('exit', this.onExit);
  }

  static acquire(dataDir: string): DataDirectoryLock {
    const path = join(dataDir, 'rollcall.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date() }));
        closeSync(fd);
        return new DataDirectoryLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = DataDirectoryLock.readHolder(path);
        if (holder && holder.host === hostname() && !processIsAlive(holder.pid)) {
          unlinkSync(path); // left behind by a process that died; take it over
          continue;
        }
        const who = holder ? `pid ${holder.pid} on ${holder.host}` : 'unknown process';
        throw new DataDirectoryLockedError(dataDir, `${who}; lock file ${path}`);
      }
    }
    throw new DataDirectoryLockedError(dataDir, `lock file ${path}`);
  }

  private static readHolder(path: string): { pid: number; host: string } | undefined {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown };
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
        return { pid: parsed.pid, host: parsed.host };
      }
    } catch {
      // an unreadable lock file is treated as held by an unknown process
    }
    return undefined;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

export interface EmbeddedPostgresOptions {
  /** A folder, or `memory://` for a database that lives only in this process. */
  dataDir: string;
  /** A tarball from {@link EmbeddedPostgres.dump} to start from (only with `memory://`). */
  snapshotFile?: string;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), running inside this process so that a newcomer needs
 * nothing but Node. It is single-connection: everything goes through one session, so code inside a
 * transaction must query through the transaction's EntityManager.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly pglite: PGlite,
    private readonly lock: DataDirectoryLock | undefined,
  ) {}

  /**
   * Opens the database; PGlite finishes starting in the background and `pglite.waitReady` (which
   * the node-postgres adapter awaits on connect) resolves when it can take queries.
   */
  static openSync(options: EmbeddedPostgresOptions): EmbeddedPostgres {
    const inMemory = options.dataDir.startsWith('memory://');
    let lock: DataDirectoryLock | undefined;
    let dataDir = options.dataDir;
    if (!inMemory) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = DataDirectoryLock.acquire(options.dataDir);
      dataDir = join(options.dataDir, 'pgdata');
    }
    try {
      const loadDataDir = options.snapshotFile
        ? new Blob([readFileSync(options.snapshotFile)])
        : undefined;
      const pglite = new PGlite({ dataDir, ...(loadDataDir ? { loadDataDir } : {}) });
      return new EmbeddedPostgres(pglite, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** The whole database as an uncompressed tarball, to start other in-memory instances from. */
  async dump(): Promise<Buffer> {
    const blob = await this.pglite.dumpDataDir('none');
    return Buffer.from(await blob.arrayBuffer());
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock?.release();
    }
  }
}

import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A PostgreSQL cluster of the test's own: `initdb` into a temporary folder, served on its own port
 * on 127.0.0.1, so that a test can stop, restart or break it without touching anything else.
 *
 * initdb refuses to run as root; as root the binaries run as the `postgres` OS user (runuser), who
 * owns the folder. The binaries come from ROLLCALL_PG_BIN, else from where initdb is installed
 * (/usr/local/bin, Debian's /usr/lib/postgresql/<version>/bin, or the PATH).
 */
export interface PrivatePostgres {
  port: number;
  /** A connection string for `database` on this cluster. */
  url(database?: string): string;
  running(): boolean;
  /** Starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (`fast`: running transactions are rolled back, clients disconnected). */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
  /** The end of the server's log, for failure messages. */
  logTail(lines?: number): string;
}

export class PostgresBinariesMissingError extends Error {}

function findBinDir(): string {
  const candidates = [
    process.env.ROLLCALL_PG_BIN,
    '/usr/local/bin',
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
    ...(process.env.PATH ?? '').split(':'),
  ];
  for (const dir of candidates) {
    if (dir && ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)))) return dir;
  }
  throw new PostgresBinariesMissingError(
    'No PostgreSQL server binaries (initdb, pg_ctl, postgres) found: install the PostgreSQL server or set ROLLCALL_PG_BIN to the folder that holds them.',
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], asUser: string | undefined): Promise<string> {
  const [file, argv] = asUser
    ? ['runuser', ['-u', asUser, '--', command, ...args]]
    : [command, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Creates (initdb) and starts a private cluster. Call destroy() when done. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBinDir();
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const root = mkdtempSync(join(tmpdir(), 'rollcall-pg-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  if (asUser) {
    const uid = Number(execFileSync('id', ['-u', asUser]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', asUser]).toString().trim());
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  let isRunning = false;
  let destroyed = false;
  const pgCtl = (args: string[]) => run(join(bin, 'pg_ctl'), ['-D', dataDir, ...args], asUser);

  // Never leave a server behind, even when the test process dies on a failed assertion.
  const stopOnExit = () => {
    if (!isRunning) return;
    try {
      execFileSync(
        asUser ? 'runuser' : join(bin, 'pg_ctl'),
        asUser
          ? ['-u', asUser, '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop']
          : ['-D', dataDir, '-m', 'immediate', 'stop'],
        { stdio: 'ignore', timeout: 10_000 },
      );
    } catch {
      // best effort
    }
  };
  process.once('exit', stopOnExit);

  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    asUser,
  );

  const cluster: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    running: () => isRunning,
    async start() {
      const options = [
        `-p ${port}`,
        `-k ${root}`,
        '-c listen_addresses=127.0.0.1',
        '-c max_connections=120',
        // Nothing here must survive a machine crash; a clean stop still writes everything.
        '-c fsync=off',
      ].join(' ');
      await pgCtl(['-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
      isRunning = true;
    },
    async stop(mode = 'fast') {
      await pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
      isRunning = false;
    },
    async createDatabase(name) {
      const client = new Client({ connectionString: cluster.url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return cluster.url(name);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (isRunning) await cluster.stop('immediate').catch(() => undefined);
      process.removeListener('exit', stopOnExit);
      rmSync(root, { recursive: true, force: true });
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

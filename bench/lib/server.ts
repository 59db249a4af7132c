/**
 * The server under test: the built app (`node dist/apps/api/main.js`) on a free port, or BENCH_URL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
/** BENCH_ENTRY: another build of the app (e.g. a copy, while dist/ is being rebuilt). */
const CUSTOM_ENTRY = process.env.BENCH_ENTRY;
const ENTRY = CUSTOM_ENTRY ?? join(ROOT, 'dist', 'apps', 'api', 'main.js');

export interface Server {
  url: string;
  operatorToken: string;
  /** The server's process id when the bench started it (its RSS is sampled). */
  pid?: number;
  /** Last lines the server printed (to explain a crash). */
  output(): string;
  stop(): Promise<void>;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds like `npm start` does: when dist/ is missing or older than the sources. */
export function ensureBuilt(build: boolean): void {
  if (!build || CUSTOM_ENTRY) {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
    return;
  }
  const stale =
    !existsSync(ENTRY) ||
    Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs'))) >
      statSync(ENTRY).mtimeMs;
  if (!stale) return;
  process.stderr.write('Building Rollcall (npm run build)…\n');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/**
 * A server process the bench started: the last lines it printed (to explain a crash), and a stop
 * that sends SIGTERM and, after 10 s, SIGKILL.
 */
export function watchChild(child: ChildProcess): {
  output: () => string;
  stop: () => Promise<void>;
} {
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    output: () => tail.join('').slice(-8_000),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitReady(url: string, child: ChildProcess | undefined, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`the server exited with code ${child.exitCode}:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the server at ${url} did not become ready within 60 s:\n${output()}`);
}

export interface StartOptions {
  databaseUrl: string;
  logLevel: string;
  operatorToken?: string;
  /** Extra environment (e.g. the capture hook's file). */
  env?: Record<string, string>;
  /** Modules to preload with `node -r` (the capture hook). */
  preload?: string[];
  /** Run the email worker (off for the statement capture, so it issues no queries). */
  outboxWorker?: boolean;
}

/** Starts the built app and waits for /health/ready. */
export async function startServer(options: StartOptions): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const operatorToken = options.operatorToken ?? `bench-${randomBytes(24).toString('hex')}`;
  const args = [
    // Profiling and diagnostics of the server under test, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== ''),
    ...(options.preload ?? []).flatMap((module) => ['-r', module]),
    // As the Dockerfile and `npm start` run it (the heap cap is the server's memory budget).
    '--enable-source-maps',
    '--max-old-space-size=192',
    ENTRY,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(CUSTOM_ENTRY ? { NODE_PATH: join(ROOT, 'node_modules') } : {}),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ROLLCALL_PUBLIC_URL: url,
      DATABASE_URL: options.databaseUrl,
      ROLLCALL_OPERATOR_TOKEN: operatorToken,
      // Production requires the key that encrypts webhook secrets; the bench's own.
      ROLLCALL_WEBHOOK_SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
      ROLLCALL_SEED_DEMO: 'false',
      ROLLCALL_OUTBOX_WORKER: options.outboxWorker === false ? 'false' : 'true',
      LOG_LEVEL: options.logLevel,
      // The bench measures capacity: the rate limiter still counts every request (its statement is
      // part of each request's cost) but never refuses one.
      ROLLCALL_RATE_LIMIT_SCIM: '10000000',
      ROLLCALL_RATE_LIMIT_ADMIN: '10000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, stop } = watchChild(child);
  try {
    await waitReady(url, child, output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    operatorToken,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    output,
    stop,
  };
}

/** A server someone else runs (BENCH_URL); its RSS is not sampled. */
export async function externalServer(url: string, operatorToken: string | undefined) {
  if (!operatorToken) {
    throw new Error('BENCH_URL needs ROLLCALL_OPERATOR_TOKEN: the operator token of that server');
  }
  const base = url.replace(/\/+$/, '');
  await waitReady(base, undefined, () => '');
  const server: Server = {
    url: base,
    operatorToken,
    output: () => '',
    stop: () => Promise.resolve(),
  };
  return server;
}

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireMachineLock } from './machine-lock';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'apps', 'api', 'main.js');
const BUILD_TIMEOUT_MS = 300_000;

/** The built application a test runs: a private copy, so a rebuild cannot remove it mid-test. */
export interface BuiltApp {
  /** `node <main>` */
  main: string;
  /** NODE_PATH that lets the copy find the checkout's node_modules. */
  nodePath: string;
  remove(): void;
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

/** The same rule as `npm start` (scripts/start.js): any source newer than the bundle. */
function needsBuild(): boolean {
  if (!existsSync(ENTRY)) return true;
  const sources = Math.max(
    newestSource(join(ROOT, 'apps')),
    newestSource(join(ROOT, 'libs')),
    statSync(join(ROOT, 'package-lock.json')).mtimeMs,
  );
  return sources > statSync(ENTRY).mtimeMs;
}

function build(): void {
  const nest = join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  const result = spawnSync(process.execPath, [nest, 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.status === 0) return;
  // Type errors fail the build, yet webpack still emits the bundle (type checking is CI's
  // `npm run typecheck` and `npm run build`); only a missing or stale bundle stops the test.
  if (needsBuild()) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  process.stderr.write(
    `npm run build reported errors; testing the bundle it emitted:\n${result.stdout}\n`,
  );
}

/**
 * The application as `npm start` serves it (dist/apps/api/main.js), built first when any source is
 * newer than the bundle: CI builds before testing; a fresh clone's `npm test` builds here, once for
 * all jest workers (they take turns on a lock and check again).
 */
export async function builtApp(): Promise<BuiltApp> {
  const release = await acquireMachineLock('build', { timeoutMs: BUILD_TIMEOUT_MS });
  try {
    if (needsBuild()) build();
    const folder = mkdtempSync(join(tmpdir(), 'rollcall-app-'));
    copyFileSync(ENTRY, join(folder, 'main.js'));
    return {
      main: join(folder, 'main.js'),
      nodePath: join(ROOT, 'node_modules'),
      remove: () => rmSync(folder, { recursive: true, force: true }),
    };
  } finally {
    release();
  }
}

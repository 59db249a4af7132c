import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCKS = join(__dirname, '..', '..', 'node_modules', '.cache', 'rollcall-test-locks');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock shared by every test process of this checkout (jest workers included): the process that
 * creates the folder holds it (mkdir is atomic); a lock whose holder died, or that is older than
 * `staleMs`, is taken over. Resolves with the release function.
 */
export async function acquireMachineLock(
  name: string,
  { timeoutMs = 600_000, staleMs = 900_000 } = {},
): Promise<() => void> {
  const folder = join(LOCKS, name);
  mkdirSync(LOCKS, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(folder);
      writeFileSync(join(folder, 'pid'), String(process.pid));
      const release = () => {
        process.removeListener('exit', release);
        rmSync(folder, { recursive: true, force: true });
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(join(folder, 'pid'), 'utf8'));
    } catch {
      // the holder has not written its pid yet
    }
    const age = Date.now() - (statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((Number.isInteger(holder) && holder > 0 && !processAlive(holder)) || age > staleMs) {
      rmSync(folder, { recursive: true, force: true });
    } else if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for the test lock ${folder}`);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

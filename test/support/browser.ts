import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { TestApp } from './test-app';

/** Debian's `chromium` package; `.ci/run` installs it. Never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Why the browser suites cannot run here, or undefined when they can. Outside CI a machine without
 * Chromium skips them (reporting why); with `REQUIRE_BROWSER=1` (which `.ci/run` sets) or `CI` set
 * they always run, so a missing Chromium fails the run.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.REQUIRE_BROWSER === '1' || process.env.CI) {
    return undefined;
  }
  return `${CHROMIUM_PATH} is not installed (apt-get install chromium; REQUIRE_BROWSER=1 makes this an error)`;
}

/**
 * A browser suite's `describe`: `describe.skip` where Chromium cannot run (saying why on stderr),
 * and the note its title ends with then.
 */
export function browserSuite(file: string): {
  describeInBrowser: jest.Describe;
  skipNote: string;
} {
  const reason = browserSkipReason();
  if (reason) process.stderr.write(`${file} skipped: ${reason}\n`);
  return {
    describeInBrowser: reason ? describe.skip : describe,
    skipNote: reason ? ` (${reason})` : '',
  };
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile and no background traffic: this machine's network is
 * closed, and Chromium's own connections (updates, sync, QUIC) would only fail and slow it down.
 * Playwright refuses `--user-data-dir` in `args`, so the fresh profile is a persistent context's.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'rollcall-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout: 60_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...extraArgs,
      ],
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Makes a test app listen on a free loopback port (tests otherwise speak to it in-process through
 * supertest) and returns its base URL. `app.close()` stops the listener as usual.
 */
export async function listenOnLoopback(app: TestApp): Promise<string> {
  await app.app.listen(0, '127.0.0.1');
  const address = (app.app.getHttpServer() as { address(): AddressInfo | string | null }).address();
  if (address === null || typeof address === 'string') {
    throw new Error(`the test app is not listening on a TCP port: ${String(address)}`);
  }
  return `http://127.0.0.1:${address.port}`;
}

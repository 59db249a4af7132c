import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtApp, type BuiltApp } from './support/built-app';
import { freePort } from './support/private-postgres';
import { waitFor } from './support/wait-for';

/**
 * What `npm start` prints, from the built application (dist/apps/api/main.js) on a fresh embedded
 * data folder, its stdout a pipe (not a terminal): the start-up log lines, then the banner last,
 * then the request lines. The banner is complete once its closing blank line is out; a request sent
 * after that proves that no start-up line was still queued behind the banner (pino writes in order,
 * so the request's line comes after every line logged before it).
 */

const BANNER_START = '\nRollcall is ready on ';
/** The banner's last line ("Try it: curl ...") and the blank line that closes it. */
const BANNER_END = /\n {2}Try it: curl [^\n]*\n\n/;
const REQUEST_ID = 'start-up-output-test-request';

interface Started {
  child: ChildProcess;
  port: number;
  dataDir: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
}

const running: Started[] = [];

async function start(app: BuiltApp, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-start-up-'));
  const child = spawn(process.execPath, [app.main], {
    env: {
      PATH: process.env.PATH,
      NODE_PATH: app.nodePath,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      ROLLCALL_DATA_DIR: join(dataDir, 'data'),
      ...env,
    },
    // Pipes, as in CI, Docker and tests: stdout is not a TTY.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const started: Started = { child, port, dataDir, stdout: () => out, stderr: () => err };
  running.push(started);
  return started;
}

async function stop(started: Started): Promise<void> {
  const { child } = started;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(started.dataDir, { recursive: true, force: true });
}

/** Waits for the whole banner; returns the output split around it. */
async function waitForBanner(started: Started) {
  const output = await waitFor(
    () => {
      const text = started.stdout();
      return BANNER_END.test(text) ? text : undefined;
    },
    {
      timeoutMs: 120_000,
      what: () => `the banner (stdout:\n${started.stdout()}\nstderr:\n${started.stderr()})`,
    },
  );
  const bannerStart = output.indexOf(BANNER_START);
  const end = BANNER_END.exec(output)!;
  expect(bannerStart).toBeGreaterThanOrEqual(0);
  const bannerEnd = end.index + end[0].length;
  const key = /Demo admin API key (rcak_\S+)/.exec(output.slice(bannerStart, bannerEnd))?.[1];
  expect(key).toBeDefined();
  return {
    before: output.slice(0, bannerStart),
    banner: output.slice(bannerStart, bannerEnd),
    bannerEnd,
    key: key!,
  };
}

/** One logged request (the current organization, as the demo admin), and the output after the banner. */
async function requestAfterBanner(started: Started, key: string, bannerEnd: number) {
  const response = await fetch(`http://127.0.0.1:${started.port}/api/v1/organization`, {
    headers: { Authorization: `Bearer ${key}`, 'X-Request-Id': REQUEST_ID },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe(REQUEST_ID);
  return waitFor(
    () => {
      const after = started.stdout().slice(bannerEnd);
      return after.includes(REQUEST_ID) && after.endsWith('\n') ? after : undefined;
    },
    { what: () => `the request's log line (stdout:\n${started.stdout()})` },
  );
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

function parse(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`not a JSON log line: ${line}`);
  }
}

describe('start-up output of the built server', () => {
  let app: BuiltApp;

  beforeAll(async () => {
    app = await builtApp();
  }, 320_000);

  afterAll(async () => {
    await Promise.all(running.map(stop));
    app?.remove();
  });

  it('prints JSON log lines, no route mapping at the default level, and the banner last', async () => {
    const server = await start(app, {});
    const { before, banner, bannerEnd, key } = await waitForBanner(server);
    expect(banner).toContain('Demo admin API key rcak_');
    expect(banner).toMatch(/Admin portal {3}http:\/\/\S+\/admin\/setup#token=rcsl_\S+\n/);

    const startUp = lines(before).map(parse);
    expect(startUp.length).toBeGreaterThan(0);
    expect(startUp.every((line) => typeof line.level === 'number' && line.level >= 30)).toBe(true);
    expect(startUp.map((line) => line.msg)).toContainEqual('created the demo organization');
    expect(server.stdout()).not.toContain('Mapped {');
    expect(server.stdout()).not.toContain('dependencies initialized');
    expect(server.stdout()).not.toContain('Starting Nest application');
    expect(server.stdout()).not.toContain('successfully started');

    // Nothing of start-up came after the banner: the next line is the request's.
    const after = lines(await requestAfterBanner(server, key, bannerEnd)).map(parse);
    expect(after).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        req: expect.objectContaining({ id: REQUEST_ID, path: '/api/v1/organization' }),
        res: { statusCode: 200 },
      }),
    ]);
  }, 180_000);

  it('pretty-prints with LOG_FORMAT=pretty, shows start-up chatter at debug, still banner last', async () => {
    const server = await start(app, { LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' });
    const { before, banner, bannerEnd, key } = await waitForBanner(server);
    expect(banner).toContain('Demo admin API key rcak_');

    const startUp = lines(before);
    for (const line of startUp) expect(() => JSON.parse(line)).toThrow();
    // At debug, Nest's chatter is there, at debug level, before the banner.
    expect(startUp).toContainEqual(
      expect.stringMatching(/DEBUG.*\[RouterExplorer\] Mapped \{\/api\/v1\/organization, GET\}/),
    );
    expect(startUp).toContainEqual(
      expect.stringMatching(/DEBUG.*\[NestApplication\] Nest application successfully started/),
    );
    expect(startUp).toContainEqual(
      expect.stringMatching(/INFO.*\[DemoTenantSeeder\] created the demo organization/),
    );

    const after = lines(await requestAfterBanner(server, key, bannerEnd));
    expect(after).toEqual([
      expect.stringMatching(
        new RegExp(
          `INFO.*request completed: GET /api/v1/organization 200 in \\d+ ms \\(request ${REQUEST_ID}\\)`,
        ),
      ),
    ]);
    expect(() => JSON.parse(after[0])).toThrow();
  }, 180_000);
});

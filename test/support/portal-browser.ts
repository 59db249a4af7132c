import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './browser';
import { portalSetupLink } from './factories';
import { freePort } from './private-postgres';
import type { AppConfig } from '@rollcall/common';
import { startTestApp, type TestApp } from './test-app';

/** How long a browser step may take on this two-core machine (Chromium shares it with jest). */
export const BROWSER_STEP_MS = 60_000;

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A real server listening on a loopback port (its public URL that port, so cookies, redirects and
 * the CSP fit) and headless Chromium on a fresh profile, with everything the browser reports as
 * wrong collected: script errors, console errors, requests that failed on the network, and every
 * answer of 400 or more (which `expectNothingWrong` accepts only where a step said it expected it).
 */
export interface PortalBrowser {
  app: TestApp;
  baseUrl: string;
  page: Page;
  browser: LaunchedBrowser;
  /** "console: …", "page error: …", "request failed: GET /x (net::…)", "answer: 409 PATCH /api/…". */
  readonly problems: string[];
  /** Opens a fresh setup link for the organization and waits for the page it lands on. */
  signInWithSetupLink(organizationId: string, landsOn?: string): Promise<void>;
  /**
   * Fails with every problem the browser reported, except answers matching one of `expected`
   * (e.g. /^answer: 409 PATCH \/api\/v1\/license-pools\//), then forgets them.
   */
  expectNothingWrong(expected?: RegExp[]): void;
  close(): Promise<void>;
}

export async function startPortalBrowser(
  overrides: Partial<AppConfig> = {},
): Promise<PortalBrowser> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await startTestApp({ publicUrl: baseUrl, ...overrides });
  let browser: LaunchedBrowser | undefined;
  try {
    await app.app.listen(port, '127.0.0.1');
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(BROWSER_STEP_MS);
    page.setDefaultNavigationTimeout(BROWSER_STEP_MS);
    const problems: string[] = [];
    const pathOf = (url: string) => (url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs every answer >= 400 as "Failed to load resource": the answers themselves
      // are recorded below, with their method and path, for the steps to say which they expected.
      if (message.type() !== 'error') return;
      if (/^Failed to load resource: the server responded with a status of/.test(message.text())) {
        return;
      }
      problems.push(`console: ${message.text()}`);
    });
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? 'unknown';
      // A read the page gave up (a list closed while its refresh was on the way) is no failure;
      // Chromium says ERR_ABORTED for such reads, and at times for finished ones too
      // (microsoft/playwright#32752). A write that never arrived, or any other failure, is one.
      if (request.method() === 'GET' && reason === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${request.method()} ${pathOf(request.url())} (${reason})`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(
          `answer: ${response.status()} ${response.request().method()} ${pathOf(response.url())}`,
        );
      }
    });
    const launched = browser;
    return {
      app,
      baseUrl,
      page,
      browser: launched,
      problems,
      async signInWithSetupLink(organizationId, landsOn = '/admin/users') {
        await page.goto(await portalSetupLink(app, organizationId));
        await page.waitForURL(`${baseUrl}${landsOn}`);
      },
      expectNothingWrong(expected = []) {
        const unexpected = problems.filter(
          (problem) => !(problem.startsWith('answer: ') && expected.some((e) => e.test(problem))),
        );
        problems.length = 0;
        expect(unexpected).toEqual([]);
      },
      async close() {
        await launched.close();
        await app.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await app.close();
    throw error;
  }
}

/**
 * Runs axe-core (WCAG 2.1 A and AA, colour contrast included) on the page as it is now and fails
 * with each violation: its rule, impact, what it asks and the elements. axe is evaluated through
 * the DevTools protocol, so the portal's Content-Security-Policy stays as strict as it is.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(
      (v) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes
          .slice(0, 5)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    );
  });
  expect({ where, violations }).toEqual({ where, violations: [] });
}

/** Phone width (a 390 × 844 screen): the page must not scroll sideways. */
export async function expectFitsPhone(page: Page): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

import { writeFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import {
  browserSuite,
  launchChromium,
  listenOnLoopback,
  type LaunchedBrowser,
} from './support/browser';
import { aTenant, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Swagger UI as an admin uses it: the page renders under the app's security headers, lists every
 * operation, takes an admin API key through Authorize and runs a request from the page.
 * Set ROLLCALL_SWAGGER_SCREENSHOT=/some/file.png to keep a screenshot of the page after the request.
 */
const { describeInBrowser, skipNote } = browserSuite('swagger-ui.e2e-spec.ts');

// Two cores shared with another jest worker: Chromium's start and Swagger UI's first render are slow.
const SLOW = 60_000;

const PLAIN_HTTP_HOST = 'rollcall.test';
const OPENAPI_METHODS = new Set([
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]);

interface OpenApiDocument {
  paths: Record<string, Record<string, { tags?: string[] }>>;
}

describeInBrowser(`Swagger UI in headless Chromium${skipNote}`, () => {
  jest.setTimeout(3 * SLOW);

  let app: TestApp | undefined;
  let browser: LaunchedBrowser | undefined;
  let baseUrl: string;
  let tenant: Tenant;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    baseUrl = await listenOnLoopback(app);
    tenant = await aTenant(app);
    // A name that is not localhost for the same server, without DNS: see the last test.
    browser = await launchChromium([`--host-resolver-rules=MAP ${PLAIN_HTTP_HOST} 127.0.0.1`]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(SLOW);
    page.setDefaultNavigationTimeout(SLOW);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 3 * SLOW);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await app?.close();
    }
  }, SLOW);

  const operation = (method: string, path: string): Locator =>
    page.locator(`.opblock.opblock-${method}`).filter({
      has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
    });

  it('renders /docs with every tag and operation, and nothing blocked by the CSP', async () => {
    const response = await page.goto(`${baseUrl}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.locator('.swagger-ui .information-container .title').waitFor();
    await expect(
      page.locator('.swagger-ui .information-container .title').innerText(),
    ).resolves.toContain('Rollcall');
    await page.locator('.opblock-tag-section .opblock').first().waitFor();

    for (const tag of ['Organizations (operator)', 'Admin API keys', 'SCIM 2.0', 'License pools']) {
      await expect(page.locator(`h3.opblock-tag[data-tag="${tag}"]`).count()).resolves.toBe(1);
    }
    for (const [method, path] of [
      ['post', '/api/v1/organizations'],
      ['get', '/api/v1/organization'],
      ['get', '/api/v1/admin-api-keys'],
      ['get', '/api/v1/license-pools'],
      ['get', '/scim/v2/Users'],
    ] as const) {
      await expect(operation(method, path).count()).resolves.toBe(1);
    }

    // Every operation of the OpenAPI document is on the page (all tags are expanded by default).
    // Swagger UI shows only OpenAPI 3.0's methods: the SEARCH that Nest lists for an @All route is not one.
    const document = (await app!.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    const documented = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.keys(byMethod)
        .filter((method) => OPENAPI_METHODS.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const shown: string[] = [];
    for (const block of await page.locator('.opblock-tag-section .opblock').all()) {
      const method = await block.locator('.opblock-summary-method').innerText();
      const path = await block.locator('.opblock-summary-path').getAttribute('data-path');
      shown.push(`${method.trim().toUpperCase()} ${path}`);
    }
    expect(new Set(shown)).toEqual(new Set(documented));
    const tags = new Set(
      Object.values(document.paths).flatMap((byMethod) =>
        Object.values(byMethod).flatMap((op) => op.tags ?? []),
      ),
    );
    await expect(page.locator('h3.opblock-tag').count()).resolves.toBe(tags.size);

    expect(consoleErrors.filter((text) => /Content[- ]Security[- ]Policy/i.test(text))).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('authorizes with an admin API key under adminApiKey', async () => {
    await page.locator('.auth-wrapper button.authorize').click();
    const modal = page.locator('.dialog-ux .modal-ux');
    await modal.waitFor();
    const scheme = modal
      .locator('.auth-container')
      .filter({ has: page.locator('h4', { hasText: 'adminApiKey' }) });
    await expect(scheme.count()).resolves.toBe(1);
    await scheme.locator('input[aria-label="auth-bearer-value"]').fill(tenant.adminApiKey);
    await scheme.locator('button.modal-btn.authorize').click();
    // Once authorized, the scheme offers Logout instead of its value field.
    await scheme.locator('button.modal-btn', { hasText: 'Logout' }).waitFor();
    await modal.locator('button.btn-done').first().click();
    await modal.waitFor({ state: 'detached' });
    // The top button shows a closed lock once a scheme is authorized.
    await page.locator('.auth-wrapper button.authorize.locked').waitFor();
  });

  it('runs GET /api/v1/organization from the page and shows the 200 with the organization', async () => {
    const block = operation('get', '/api/v1/organization');
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();

    const live = block.locator('.responses-wrapper .live-responses-table');
    const status = live.locator('.response .response-col_status').first();
    await status.waitFor();
    await expect(status.innerText()).resolves.toMatch(/^\s*200\b/);
    const body = live.locator('.response .response-col_description .highlight-code').first();
    await expect(body.innerText()).resolves.toContain(`"slug": "${tenant.slug}"`);
    await expect(body.innerText()).resolves.toContain(`"id": "${tenant.id}"`);
    // The request really carried the key that Authorize took.
    await expect(block.locator('.curl-command').innerText()).resolves.toContain(
      `Authorization: Bearer ${tenant.adminApiKey}`,
    );

    await live.scrollIntoViewIfNeeded();
    const screenshot = await page.screenshot({ fullPage: false });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
    const keep = process.env.ROLLCALL_SWAGGER_SCREENSHOT;
    if (keep) writeFileSync(keep, screenshot);

    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('runs "list license pools" from the page and shows the 200 with the default pool', async () => {
    const block = operation('get', '/api/v1/license-pools');
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();

    const live = block.locator('.responses-wrapper .live-responses-table');
    const status = live.locator('.response .response-col_status').first();
    await status.waitFor();
    await expect(status.innerText()).resolves.toMatch(/^\s*200\b/);
    const body = live.locator('.response .response-col_description .highlight-code').first();
    await expect(body.innerText()).resolves.toContain('"name": "Default license pool"');
    await expect(body.innerText()).resolves.toContain('"isDefault": true');
    expect(consoleErrors).toEqual([]);
  });

  it('renders over plain HTTP at an address that is not localhost (no upgrade to HTTPS)', async () => {
    // Browsers trust http://127.0.0.1 and http://localhost like HTTPS; any other plain-HTTP origin
    // (Compose on a server, a VM) is where a CSP `upgrade-insecure-requests` would break the page.
    const other = await browser!.context.newPage();
    const problems: string[] = [];
    other.on('console', (message) => {
      // Chromium notes that it ignores helmet's Cross-Origin-Opener-Policy on a plain-HTTP origin.
      if (message.type() === 'error' && !/Cross-Origin-Opener-Policy/.test(message.text())) {
        problems.push(message.text());
      }
    });
    other.on('pageerror', (error) => problems.push(error.message));
    other.on('requestfailed', (request) =>
      problems.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    try {
      const url = baseUrl.replace('127.0.0.1', PLAIN_HTTP_HOST);
      const response = await other.goto(`${url}/docs`, { waitUntil: 'load', timeout: SLOW });
      expect(response?.status()).toBe(200);
      // Scripts and styles have been fetched by 'load': a refused or upgraded one shows up here.
      expect(problems).toEqual([]);
      await other.locator('.opblock-tag-section .opblock').first().waitFor({ timeout: SLOW });
      expect(problems).toEqual([]);
    } finally {
      await other.close();
    }

    // Only Swagger UI goes without the directive; the rest of helmet's CSP stays, on /docs too.
    const docs = await app!.http().get('/docs/').expect(200);
    const docsCsp = String(docs.headers['content-security-policy']);
    expect(docsCsp).toContain("script-src 'self'");
    expect(docsCsp).not.toContain('upgrade-insecure-requests');
    const api = await app!.http().get('/health/live').expect(200);
    expect(String(api.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});

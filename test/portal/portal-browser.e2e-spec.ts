import type { Page } from 'playwright-core';
import { browserSuite, type LaunchedBrowser } from '../support/browser';
import { aScimTenant, portalSetupLink, type ScimTenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import { provisionPerson } from '../support/scim-client';
import type { TestApp } from '../support/test-app';

/**
 * The admin portal as an admin uses it, in headless Chromium against a real server: the operator's
 * one-time setup link opens a session and lands on All users, which shows a user the IdP
 * provisioned over SCIM (with its SCIM flag and "No license") and filters by search; on License
 * pools the admin creates and resizes a pool, sees the seat bar, and is told in plain words why a
 * resize is refused; the navigation works with the keyboard alone; a phone-width screen shows the
 * users list without sideways scrolling; sign-out leads to the sign-in page. Nothing the page loads
 * breaks the portal's Content-Security-Policy, and axe-core finds no WCAG 2.1 AA violation on the
 * pages it reaches.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-browser.e2e-spec.ts');
const SLOW = BROWSER_STEP_MS;

describeInBrowser(`Admin portal in headless Chromium${skipNote}`, () => {
  jest.setTimeout(3 * SLOW);

  let portal: PortalBrowser | undefined;
  let app: TestApp | undefined;
  let browser: LaunchedBrowser | undefined;
  let baseUrl: string;
  let tenant: ScimTenant;
  let page: Page;
  let setupUrl: string;

  const provision = (userName: string, givenName: string, familyName: string) =>
    provisionPerson(app!, tenant, { userName, givenName, familyName });

  beforeAll(async () => {
    portal = await startPortalBrowser();
    ({ app, browser, baseUrl, page } = portal);
    tenant = await aScimTenant(app);
    await provision('bjensen@example.com', 'Barbara', 'Jensen');
    await provision('kim.lee@example.com', 'Kim', 'Lee');
  });

  afterAll(async () => {
    await portal?.close();
  });

  const userRow = (name: string) => page.locator('table.users tbody tr', { hasText: name });

  it('opens the operator’s setup link and lands on All users, the token gone from the address', async () => {
    setupUrl = await portalSetupLink(app!, tenant.id);
    expect(setupUrl).toMatch(new RegExp(`^${baseUrl}/admin/setup#token=.+`));
    await page.goto(setupUrl);
    await page.waitForURL(`${baseUrl}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'All users' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.title()).toBe('All users · Rollcall admin');
    const cookies = await browser!.context.cookies(baseUrl);
    expect(cookies).toContainEqual(
      expect.objectContaining({ name: 'rollcall_portal', httpOnly: true, sameSite: 'Strict' }),
    );
  });

  it('shows the user provisioned over SCIM with its SCIM flag and "No license"', async () => {
    const row = userRow('Barbara Jensen');
    await row.waitFor();
    expect(await row.locator('.flag').textContent()).toBe('SCIM');
    expect(await row.locator('td[data-label=Status] .status').textContent()).toBe('No license');
    expect(await row.locator('td[data-label="License pool"]').textContent()).toBe(
      'Default license pool',
    );
    expect(await row.locator('td[data-label=Role]').textContent()).toBe('User');
    expect(await row.locator('td[data-label="Last sign-in"]').textContent()).toBe('Never');
    await userRow('Kim Lee').waitFor();
    await expectAccessible(page, 'All users');
  });

  it('filters the list by search', async () => {
    await page.getByLabel('Search').fill('jensen');
    await page.getByLabel('Search').press('Enter');
    await userRow('Kim Lee').waitFor({ state: 'detached' });
    await userRow('Barbara Jensen').waitFor();
    expect(await page.locator('table.users tbody tr').count()).toBe(1);

    await page.getByLabel('Search').fill('nobody-by-this-name');
    await page.getByLabel('Search').press('Enter');
    await page.getByText('No user matches these filters.').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await userRow('Kim Lee').waitFor();
    await page.getByLabel('Status').selectOption('active');
    await page.getByText('No user matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('provisioned');
    await userRow('Kim Lee').waitFor();
  });

  it('creates a pool, resizes it, shows its seat bar, and says why a resize is refused', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'License pools' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/pools`);
    await page.getByRole('heading', { level: 1, name: 'License pools' }).waitFor();

    const create = page.getByRole('form', { name: 'Create a pool' });
    await create.getByLabel('Name').fill('Engineering');
    await create.getByLabel('Capacity').fill('3');
    await create.getByRole('button', { name: 'Create pool' }).click();
    const pool = page.locator('li.pool', {
      has: page.getByRole('heading', { name: 'Engineering' }),
    });
    await pool.getByText('0 of 3 seats used · 3 free').waitFor();
    expect(await pool.locator('.bar-fill').getAttribute('style')).toBe('width: 0%;');
    // The default pool gave up the seats: 10 licenses, 3 of them now Engineering's.
    const defaultPool = page.locator('li.pool', { hasText: 'Default' });
    await defaultPool.getByText('0 of 7 seats used · 7 free').waitFor();

    await pool.getByRole('button', { name: 'Edit Engineering' }).click();
    const edit = page.getByRole('form', { name: 'Edit Engineering' });
    await edit.getByLabel('Capacity').fill('5');
    await edit.getByRole('button', { name: 'Save' }).click();
    await pool.getByText('0 of 5 seats used · 5 free').waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved Engineering: 5 seats.' }).waitFor();

    // More seats than the organization has: the API refuses, and the page says why.
    await pool.getByRole('button', { name: 'Edit Engineering' }).click();
    await edit.getByLabel('Capacity').fill('50');
    await edit.getByRole('button', { name: 'Save' }).click();
    const alert = edit.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'The organization has 10 licenses; custom pools would need 50.',
    );
    const stored = await app!
      .http()
      .get('/api/v1/license-pools')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(stored.body.data.find((p: { name: string }) => p.name === 'Engineering')).toMatchObject({
      capacity: 5,
    });
    await edit.getByRole('button', { name: 'Cancel' }).click();

    // The default pool can be neither renamed nor deleted: the page offers neither.
    expect(await defaultPool.getByRole('button').count()).toBe(0);
    await expectAccessible(page, 'License pools');
  });

  it('names the people provisioned into a full pool as pending, linking to their page', async () => {
    await app!
      .http()
      .post('/api/v1/license-pools')
      .set('Authorization', tenant.auth)
      .send({ name: 'Waiting room', capacity: 0 })
      .expect(201);
    const created = await provisionPerson(app!, tenant, {
      userName: 'wait.ing@example.com',
      displayName: 'Wai Ting',
      pool: 'Waiting room',
    });
    await page.goto(`${baseUrl}/admin/pools`);
    const pool = page.locator('li.pool', {
      has: page.getByRole('heading', { name: 'Waiting room' }),
    });
    await pool.getByRole('heading', { name: 'Pending' }).waitFor();
    const link = pool.getByRole('link', { name: 'Wai Ting' });
    expect(await link.getAttribute('href')).toBe(`/admin/users/${created}`);
    // Pools without pending people show no such list.
    const engineering = page.locator('li.pool', {
      has: page.getByRole('heading', { name: 'Engineering' }),
    });
    expect(await engineering.getByRole('heading', { name: 'Pending' }).count()).toBe(0);
    await expectAccessible(page, 'License pools with pending people');
  });

  it('navigates with the keyboard alone, with the focus visible', async () => {
    await page.goto(`${baseUrl}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'All users' }).waitFor();
    const focused = () =>
      page.evaluate('document.activeElement && document.activeElement.textContent');
    const outline = () =>
      page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    expect(await outline()).not.toBe('none');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('All users');
    expect(await outline()).not.toBe('none');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('License pools');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/admin/pools`);
    // The page's heading takes the focus, so the keyboard goes on from the page's top.
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    expect(await focused()).toBe('License pools');
    expect(
      await page.getByRole('link', { name: 'License pools' }).getAttribute('aria-current'),
    ).toBe('page');

    // The skip link jumps past the navigation.
    await page.goto(`${baseUrl}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'All users' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  });

  it('shows the users list usable on a 390 px wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/admin/users`);
    const row = userRow('Barbara Jensen');
    await row.waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const box = await row.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // Each cell says what it is (the table's header row is off screen at this width).
    expect(await row.locator('td[data-label=Status]').isVisible()).toBe(true);
    expect(await row.getByText('No license').isVisible()).toBe(true);
    expect(await page.getByLabel('Search').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out to the sign-in page, and the setup link does not work twice', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/admin/sign-in`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Rollcall admin' }).waitFor();
    await page.getByText('You are signed out.').waitFor();
    expect(await page.getByLabel('Organization').isVisible()).toBe(true);

    // The session is gone on the server too: the users page sends the browser back to sign-in.
    await page.goto(`${baseUrl}/admin/users`);
    await page.waitForURL(`${baseUrl}/admin/sign-in`);

    await page.goto(setupUrl);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain(
      'already been used or has expired',
    );
  });

  it('leads the sign-in to the organization’s SAML sign-in, coming back to /admin', async () => {
    await page.goto(`${baseUrl}/admin/sign-in`);
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/sso/saml/')),
      (async () => {
        await page.getByLabel('Organization').fill(tenant.slug);
        await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
      })(),
    ]);
    expect(request.url()).toBe(`${baseUrl}/sso/saml/${tenant.slug}/login?RelayState=%2Fadmin`);
  });

  it('broke no Content-Security-Policy rule, threw no script error, and failed no request', () => {
    // Answers the steps expected: the refused resize, the session checks after the sign-out and
    // the used setup link, the SAML sign-in without a connection.
    portal!.expectNothingWrong([
      /^answer: 409 PATCH \/api\/v1\/license-pools\//,
      /^answer: 401 (GET|DELETE) \/api\/v1\/portal\/session$/,
      /^answer: 401 POST \/api\/v1\/portal\/session$/,
      /^answer: 4\d\d GET \/sso\/saml\//,
    ]);
  });
});

import type { Page } from 'playwright-core';
import { browserSuite } from '../support/browser';
import { aPool, aScimTenant, type ScimTenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  expectFitsPhone,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import { postPerson } from '../support/scim-client';
import { base64, configureSaml, postAcs, samlResponseXml, signInAt, spUrls } from '../support/saml';
import type { TestApp } from '../support/test-app';

/**
 * The Activity page in headless Chromium against a real server: real SCIM requests (a create, a
 * duplicate userName answered 409 uniqueness, a bad filter answered 400 invalidFilter) and real
 * SAML sign-ins (one that succeeds, one refused because its license pool is full) appear with the
 * failure explained in plain words, the doc section it comes from, and a link to the portal page
 * where it is fixed; the filters narrow both lists; a SCIM request made while the page is open
 * appears without a reload and is announced; pausing stops that. axe finds nothing on either tab,
 * and a phone-width screen does not scroll sideways.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-activity.e2e-spec.ts');
const SLOW = BROWSER_STEP_MS;

describeInBrowser(`Admin portal: Activity${skipNote}`, () => {
  jest.setTimeout(3 * SLOW);

  let portal: PortalBrowser | undefined;
  let app: TestApp;
  let baseUrl: string;
  let tenant: ScimTenant;
  let page: Page;

  const scimUser = (userName: string, pool?: string) => postPerson(app, tenant, { userName, pool });
  const signIn = (email: string, pool: string) =>
    signInAt(app, tenant.slug, email, { licensePoolName: pool });

  const item = (text: string | RegExp) => page.locator('li.activity-item', { hasText: text });
  /** Waits for the list to have loaded with this many entries (a filter change reloads it). */
  const entries = (count: number) =>
    page.waitForFunction(
      (n) =>
        document.querySelector('.tab-panel .loading') === null &&
        document.querySelectorAll('li.activity-item').length === n,
      count,
    );

  beforeAll(async () => {
    portal = await startPortalBrowser();
    ({ app, baseUrl, page } = portal);
    tenant = await aScimTenant(app);
    await configureSaml(app, tenant.adminApiKey);
    await aPool(app, tenant, 'Sales', 1);

    await scimUser('ann@example.com', 'Sales').expect(201);
    await scimUser('ann@example.com', 'Sales').expect(409);
    await app
      .http()
      .get('/scim/v2/Users')
      .query({ filter: 'shoeSize eq "9"' })
      .set('Authorization', tenant.scimAuth)
      .expect(400);
    await scimUser('bob@example.com', 'Sales').expect(201);
    // Ann takes Sales' only seat; Bob's first sign-in then finds the pool full.
    await signIn('ann@example.com', 'Sales').expect(303);
    await signIn('bob@example.com', 'Sales').expect(403);
  });

  afterAll(async () => {
    await portal?.close();
  });

  it('shows the SCIM requests, each failure explained with its doc section', async () => {
    await portal!.signInWithSetupLink(tenant.id);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Activity' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/activity`);
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    expect(
      await page.getByRole('tab', { name: 'SCIM requests' }).getAttribute('aria-selected'),
    ).toBe('true');

    const duplicate = item('409 uniqueness');
    await duplicate.waitFor();
    expect(await duplicate.textContent()).toContain('POST /scim/v2/Users');
    expect(await duplicate.textContent()).toContain('ann@example.com');
    const why = duplicate.locator('.explanation');
    expect(await why.textContent()).toContain('Already exists.');
    expect(await why.textContent()).toContain('What to do:');
    expect(await why.textContent()).toContain('From docs/scim.md › Errors');

    const badFilter = item('400 invalidFilter');
    await badFilter.waitFor();
    expect(await badFilter.locator('.explanation').textContent()).toContain('Invalid filter.');
    expect(await badFilter.locator('.explanation').textContent()).toContain(
      'docs/scim.md › Queries',
    );
    // Successes carry no explanation.
    const created = item(/Succeeded · 201/).first();
    await created.waitFor();
    expect(await created.locator('.explanation').count()).toBe(0);
    expect(await page.locator('li.activity-item').count()).toBe(4);
    await expectAccessible(page, 'Activity, SCIM requests');
    await expectFitsPhone(page);
  });

  it('filters the SCIM requests by result and method', async () => {
    await page.getByLabel('Result').selectOption('failure');
    await entries(2);
    await item('409 uniqueness').waitFor();
    await item('400 invalidFilter').waitFor();
    await page.getByLabel('Method').selectOption('GET');
    await entries(1);
    await item('400 invalidFilter').waitFor();
    await page.getByLabel('Method').selectOption('DELETE');
    await page.getByText('No SCIM request matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await entries(4);
    await page.getByLabel('Resource').selectOption('Group');
    await page.getByText('No SCIM request matches these filters.').waitFor();
    await page.getByLabel('Resource').selectOption('User');
    await entries(4);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await entries(4);
  });

  it('shows a new SCIM request without a reload, and announces it', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    await scimUser('carol@example.com').expect(201);
    const fresh = item('carol@example.com');
    await fresh.waitFor({ timeout: SLOW });
    expect(await fresh.locator('.flag').textContent()).toBe('New');
    await page
      .locator('[role=status].live-announcement')
      .filter({ hasText: /1 new SCIM request at/ })
      .waitFor();
    // The same document: no navigation happened.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    await page.getByRole('button', { name: 'Pause live updates' }).click();
    await page.getByText('Live updates are paused.').first().waitFor();
    await scimUser('dave@example.com').expect(201);
    await page.waitForTimeout(9_000);
    expect(await item('dave@example.com').count()).toBe(0);
    await page.getByRole('button', { name: 'Resume live updates' }).click();
    await item('dave@example.com').waitFor({ timeout: SLOW });
  });

  it('shows the sign-ins, the refusal explained with a link to where it is fixed', async () => {
    const tab = page.getByRole('tab', { name: 'Sign-ins' });
    await page.getByRole('tab', { name: 'SCIM requests' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign-ins');

    const refused = item('Refused · pool_full');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('bob@example.com');
    expect(await refused.textContent()).toContain(
      "License pool 'Sales' is full (1 of 1 seats used)",
    );
    const why = refused.locator('.explanation');
    expect(await why.textContent()).toContain('License pool full.');
    expect(await why.textContent()).toContain('docs/saml.md › When a sign-in is refused');
    const link = why.getByRole('link', { name: 'Open License pools' });
    expect(await link.getAttribute('href')).toBe('/admin/pools');

    const success = item('Signed in');
    await success.waitFor();
    expect(await success.locator('.explanation').count()).toBe(0);
    expect(
      await success.getByRole('link', { name: 'ann@example.com' }).getAttribute('href'),
    ).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
    await expectAccessible(page, 'Activity, sign-ins');
    await expectFitsPhone(page);

    await page.getByLabel('Outcome').selectOption('success');
    await refused.waitFor({ state: 'detached' });
    await success.waitFor();
    await page.getByLabel('Outcome').selectOption('rejected');
    await page.getByText('No sign-in has this outcome.').waitFor();
    await page.getByLabel('Outcome').selectOption('refused');
    await entries(1);
    await refused.waitFor();
    // A time range: until an hour ago there was none; from an hour ago, this one.
    const local = (ms: number) => {
      const at = new Date(Date.now() + ms);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    };
    const signIns = page.getByRole('form', { name: 'Filter sign-ins' });
    await signIns.getByLabel('Until').fill(local(-3_600_000));
    await page.getByText('No sign-in matches these filters.').waitFor();
    await signIns.getByLabel('Until').fill('');
    await signIns.getByLabel('From').fill(local(-3_600_000));
    await refused.waitFor();
    await entries(1);
    await signIns.getByRole('button', { name: 'Clear filters' }).click();
    await success.waitFor();
    await page.getByLabel('Outcome').selectOption('refused');
    await entries(1);

    // A sign-in refused while the page is open appears on its own.
    await signIn('carol@example.com', 'Nowhere').expect(403);
    const unknown = item('Refused · unknown_pool');
    await unknown.waitFor({ timeout: SLOW });
    expect(await unknown.locator('.explanation').textContent()).toContain('Unknown license pool.');

    await link.click();
    await page.waitForURL(`${baseUrl}/admin/pools`);
    await page.getByRole('heading', { level: 1, name: 'License pools' }).waitFor();
    portal!.expectNothingWrong();
  });
  it('shows an admin the event stream, filtered, from the oldest kept or live from now', async () => {
    await page.goto(`${baseUrl}/admin/activity`);
    await page.getByRole('tab', { name: 'Events' }).click();
    const created = page.locator('li.activity-item', { hasText: 'user.created' });
    await created.filter({ hasText: 'ann@example.com' }).waitFor();
    await created.filter({ hasText: 'bob@example.com' }).waitFor();
    expect(await created.first().textContent()).toContain('by the IdP over SCIM');
    await page.locator('li.activity-item', { hasText: 'user.seat_taken' }).first().waitFor();
    await expectAccessible(page, 'Activity, events');

    await page.getByLabel('About').selectOption({ label: 'Groups' });
    await page.getByText('No events yet.').waitFor();
    await page.getByLabel('About').selectOption('');
    await page.getByLabel('Start at').selectOption('now');
    await page.getByText('No event since you opened this view.').waitFor();
    await scimUser('dan@example.com', 'Sales').expect(201);
    const dan = page.locator('li.activity-item', { hasText: 'dan@example.com' });
    await dan.filter({ hasText: 'user.created' }).waitFor({ timeout: SLOW });
    expect(await page.locator('li.activity-item', { hasText: 'bob@example.com' }).count()).toBe(0);
    portal!.expectNothingWrong();
  });

  it('offers a group admin no link to the admin-only Connect IdP, but still the pools', async () => {
    const sp = spUrls(app, tenant.slug);
    await postAcs(
      app,
      tenant.slug,
      base64(samlResponseXml({ sp, email: 'ann@example.com', audience: 'https://elsewhere.test' })),
    ).expect(400);
    const users = await app
      .http()
      .get('/api/v1/users?q=ann')
      .set('Authorization', tenant.auth)
      .expect(200);
    await app
      .http()
      .patch(`/api/v1/users/${(users.body.data as { id: string }[])[0].id}`)
      .set('Authorization', tenant.auth)
      .send({ role: 'group_admin' })
      .expect(200);
    const signedIn = await portal!.browser.context.request.post(
      `${baseUrl}/sso/saml/${tenant.slug}/acs`,
      {
        form: {
          SAMLResponse: base64(
            samlResponseXml({
              sp,
              email: 'ann@example.com',
              attributes: { licensePoolName: 'Sales' },
            }),
          ),
          RelayState: '/admin/activity',
        },
        maxRedirects: 0,
      },
    );
    expect(signedIn.status()).toBe(303);
    await page.goto(`${baseUrl}/admin/activity`);
    await page.getByText('(Group admin)').waitFor();
    // The event stream is the admins' (GET /api/v1/events refuses a group admin).
    expect(await page.getByRole('tab', { name: 'Events' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Sign-ins' }).click();
    const rejected = item('wrong_audience');
    await rejected.waitFor();
    const why = rejected.locator('.explanation');
    expect(await why.getByRole('link').count()).toBe(0);
    expect(await why.textContent()).toContain('An admin of the organization can do this');
    const full = item('Refused · pool_full');
    expect(await full.getByRole('link', { name: 'Open License pools' }).count()).toBe(1);
    portal!.expectNothingWrong();
  });
});

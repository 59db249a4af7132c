import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WebhookReceiver } from '../events/webhook-receiver';
import { browserSuite } from '../support/browser';
import { aPool, aScimTenant, type ScimTenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import { provisionPerson } from '../support/scim-client';
import { configureSaml, signInAt } from '../support/saml';
import { testEventsConfig, type TestApp } from '../support/test-app';

/**
 * Every page of the portal at desktop (1280 px) and phone (390 px) width, on an organization with
 * SCIM users, pools (one full), SAML sign-ins (one refused) and a webhook endpoint: each page must
 * draw its heading and content with nothing wrong (no script error, no failed request, axe clean)
 * and without sideways scrolling on the phone. With PORTAL_SCREENSHOTS=<folder> (`npm run
 * docs:screenshots` writes docs/admin-portal/) it saves each as <page>-desktop.png and
 * <page>-phone.png for docs/admin-portal.md.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-screenshots.e2e-spec.ts');
const OUT = process.env.PORTAL_SCREENSHOTS;

const PEOPLE: [string, string, string, string | undefined][] = [
  ['barbara.jensen@example.com', 'Barbara', 'Jensen', 'Sales'],
  ['kim.lee@example.com', 'Kim', 'Lee', 'Sales'],
  ['omar.haddad@example.com', 'Omar', 'Haddad', 'Support'],
  ['ana.silva@example.com', 'Ana', 'Silva', 'Support'],
  ['li.wei@example.com', 'Li', 'Wei', 'Support'],
  ['sam.taylor@example.com', 'Sam', 'Taylor', undefined],
];

describeInBrowser(`Admin portal: every page at desktop and phone width${skipNote}`, () => {
  jest.setTimeout(4 * BROWSER_STEP_MS);

  let portal: PortalBrowser | undefined;
  let receiver: WebhookReceiver | undefined;
  let app: TestApp;
  let baseUrl: string;
  let tenant: ScimTenant;
  let page: Page;
  let barbara: string;

  const provision = ([userName, givenName, familyName, pool]: (typeof PEOPLE)[number]) =>
    provisionPerson(app, tenant, { userName, givenName, familyName, pool });
  const signIn = (email: string, pool: string) =>
    signInAt(app, tenant.slug, email, { licensePoolName: pool });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const events = testEventsConfig();
    portal = await startPortalBrowser({
      events: {
        ...events,
        workers: true,
        webhooks: { ...events.webhooks, allowPrivateUrls: true },
      },
    });
    ({ app, baseUrl, page } = portal);
    tenant = await aScimTenant(app);
    await configureSaml(app, tenant.adminApiKey);
    await aPool(app, tenant, 'Sales', 5);
    await aPool(app, tenant, 'Support', 2);
    const ids = [];
    for (const person of PEOPLE) ids.push(await provision(person));
    barbara = ids[0]!;
    // An IdP that sends a user twice: Activity explains the 409.
    await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', tenant.scimAuth)
      .send({ userName: 'kim.lee@example.com' })
      .expect(409);
    await signIn('barbara.jensen@example.com', 'Sales').expect(303);
    await signIn('kim.lee@example.com', 'Sales').expect(303);
    await signIn('omar.haddad@example.com', 'Support').expect(303);
    await signIn('ana.silva@example.com', 'Support').expect(303);
    // Support's two seats are taken: Li's first sign-in is refused.
    await signIn('li.wei@example.com', 'Support').expect(403);
    await app
      .http()
      .post('/api/v1/webhooks')
      .set('Authorization', tenant.auth)
      .send({ url: receiver.url, description: 'Learning platform' })
      .expect(201);
    if (OUT) mkdirSync(OUT, { recursive: true });
  });

  afterAll(async () => {
    await portal?.close();
    await receiver?.close();
  });

  /** Opens `path`, waits for `ready`, checks it at both widths and saves it when asked. */
  async function shoot(
    name: string,
    path: string,
    ready: (page: Page) => Promise<unknown>,
    expected: RegExp[] = [],
  ) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${baseUrl}/admin${path}`);
    await ready(page);
    // Everything the page reads has arrived.
    await page.waitForFunction(() => document.querySelector('.loading') === null);
    await expectAccessible(page, name);
    if (OUT) await page.screenshot({ path: join(OUT, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await ready(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect([name, overflow <= 0]).toEqual([name, true]);
    if (OUT) await page.screenshot({ path: join(OUT, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    portal!.expectNothingWrong(expected);
  }

  it('draws the sign-in page', async () => {
    // Not signed in: the page asks for the session first and is told there is none.
    await shoot(
      'sign-in',
      '/sign-in',
      (p) => p.getByRole('button', { name: /single sign-on/i }).waitFor(),
      [/^answer: 401 GET \/api\/v1\/portal\/session$/],
    );
  });

  it('draws every signed-in page', async () => {
    await portal!.signInWithSetupLink(tenant.id);
    await shoot('users', '/users', (p) =>
      p.locator('table.users tbody tr', { hasText: 'Sam Taylor' }).waitFor(),
    );
    await shoot('user', `/users/${barbara}`, (p) =>
      p.locator('ol.history-list.sign-ins li').first().waitFor(),
    );
    await shoot('pools', '/pools', (p) =>
      p.getByRole('heading', { level: 2, name: 'Support' }).waitFor(),
    );
    await shoot('connect', '/connect', (p) =>
      p.getByRole('heading', { level: 1, name: 'Connect your identity provider' }).waitFor(),
    );
    await shoot('activity', '/activity', (p) => p.locator('li.activity-item').first().waitFor());
    await shoot('webhooks', '/webhooks', (p) =>
      p.locator('li.endpoint', { hasText: receiver!.url }).waitFor(),
    );
  });
});

import type { Page } from 'playwright-core';
import { browserSuite } from '../support/browser';
import { aTenant, setRoleOf, type Tenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import type { TestApp } from '../support/test-app';
import { startTestIdp, type TestIdp } from '../support/test-idp';

/**
 * Signing in to the portal through the organization's IdP, in headless Chromium, the whole way:
 * the portal's sign-in page, the SP-initiated redirect to a real (test) IdP on another site, its
 * signed SAML response POSTed to the ACS, and back into the portal. A person whose role is `user`
 * lands on the "no access" page with no portal session; once an admin, the same person lands in the
 * portal, named, with every admin page offered; a group admin is offered their three
 * pages only. The portal cookie (SameSite=Strict) is set by the IdP's cross-site POST and then
 * sent by the portal's own requests.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-sso.e2e-spec.ts');

describeInBrowser(`Admin portal: sign-in through the IdP${skipNote}`, () => {
  jest.setTimeout(3 * BROWSER_STEP_MS);

  let portal: PortalBrowser | undefined;
  let idp: TestIdp | undefined;
  let app: TestApp;
  let baseUrl: string;
  let tenant: Tenant;
  let page: Page;

  beforeAll(async () => {
    portal = await startPortalBrowser();
    ({ app, baseUrl, page } = portal);
    tenant = await aTenant(app, { totalLicenses: 10 });
    // Rollcall at 127.0.0.1, the IdP at localhost: two sites, as in production.
    idp = await startTestIdp(`${baseUrl}/sso/saml/${tenant.slug}/metadata`, 'localhost');
    await app
      .http()
      .put('/api/v1/sso/saml')
      .set('Authorization', tenant.auth)
      .send({ idpMetadataUrl: idp.metadataUrl, jitProvisioning: true })
      .expect(200);
  });

  afterAll(async () => {
    await portal?.close();
    await idp?.close();
  });

  /** The portal's sign-in page, the IdP's form, back at Rollcall. */
  async function signInThroughIdp(email: string) {
    await page.goto(`${baseUrl}/admin/sign-in`);
    await page.getByLabel('Organization').fill(tenant.slug);
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await page.waitForURL((url) => url.host === new URL(idp!.url).host);
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
  }

  const setRole = (email: string, role: string) => setRoleOf(app, tenant, email, role);

  const nav = () => page.getByRole('navigation', { name: 'Main' });

  it('turns away a person who is not an admin, with no portal session', async () => {
    await signInThroughIdp('grace@example.com');
    await page
      .getByRole('heading', { level: 1, name: 'This account cannot open the admin portal' })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/denied');
    const cookies = await portal!.browser.context.cookies(baseUrl);
    expect(cookies.map((c) => c.name)).not.toContain('rollcall_portal');
    await expectAccessible(page, 'No access');
    portal!.expectNothingWrong([/^answer: 401 GET \/api\/v1\/portal\/session$/]);
  });

  it('lets the same person in once an admin, named, with every page', async () => {
    await setRole('grace@example.com', 'admin');
    await signInThroughIdp('grace@example.com');
    await page.waitForURL(`${baseUrl}/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'All users' }).waitFor();
    await page.locator('.who', { hasText: 'grace@example.com' }).waitFor();
    for (const name of ['All users', 'License pools', 'Activity', 'Connect IdP', 'Webhooks']) {
      await nav().getByRole('link', { name }).waitFor();
    }
    // The portal's own request carries the session: the user and role it names.
    const session = await page.evaluate(async () => {
      const response = await fetch('/api/v1/portal/session', { credentials: 'same-origin' });
      return (await response.json()) as { role: string; user: { userName: string } };
    });
    expect(session).toMatchObject({ role: 'admin', user: { userName: 'grace@example.com' } });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Continue with single sign-on' }).waitFor();
    portal!.expectNothingWrong([/^answer: 401 GET \/api\/v1\/portal\/session$/]);
  });

  it('offers a group admin their pages only', async () => {
    await signInThroughIdp('lead@example.com'); // created just in time, role user
    await page.getByRole('heading', { level: 1, name: /cannot open the admin portal/ }).waitFor();
    await setRole('lead@example.com', 'group_admin');
    await signInThroughIdp('lead@example.com');
    await page.waitForURL(`${baseUrl}/admin/users`);
    await page.locator('.who', { hasText: 'lead@example.com' }).waitFor();
    const links = await nav().getByRole('link').allTextContents();
    expect(links).toEqual(['All users', 'License pools', 'Activity']);
    portal!.expectNothingWrong([/^answer: 401 GET \/api\/v1\/portal\/session$/]);
  });
});

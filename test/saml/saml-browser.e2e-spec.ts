import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchChromium, type LaunchedBrowser } from '../support/browser';
import { aTenant, type Tenant } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { startTestIdp, type TestIdp } from '../support/test-idp';

/**
 * A person signs in the way they would in production: headless Chromium opens Rollcall's SP-initiated
 * login URL, is redirected to a real SAML IdP (samlify, running in this test on another site),
 * signs in there, and the IdP's auto-submitted form posts the signed response to the ACS, which
 * opens a session and lands on the home page showing the person and their license pool.
 */
const skipReason = browserSkipReason();
if (skipReason) process.stderr.write(`saml-browser.e2e-spec.ts skipped: ${skipReason}\n`);
const describeInBrowser = skipReason ? describe.skip : describe;
const SLOW = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeInBrowser(
  `SAML sign-in in headless Chromium${skipReason ? ` (${skipReason})` : ''}`,
  () => {
    jest.setTimeout(3 * SLOW);

    let app: TestApp | undefined;
    let idp: TestIdp | undefined;
    let browser: LaunchedBrowser | undefined;
    let baseUrl: string;
    let tenant: Tenant;
    let page: Page;

    beforeAll(async () => {
      const port = await freePort();
      // Rollcall at 127.0.0.1, the IdP at localhost: two different sites, as in production.
      baseUrl = `http://127.0.0.1:${port}`;
      app = await startTestApp({ publicUrl: baseUrl });
      await app.app.listen(port, '127.0.0.1');
      tenant = await aTenant(app, { totalLicenses: 10 });
      await app
        .http()
        .post('/api/v1/license-pools')
        .set('Authorization', tenant.auth)
        .send({ name: 'Engineering', capacity: 3 })
        .expect(201);
      idp = await startTestIdp(`${baseUrl}/sso/saml/${tenant.slug}/metadata`, 'localhost');
      await app
        .http()
        .put('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .send({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificate: idp.certificate })
        .expect(200);
      browser = await launchChromium();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.setDefaultTimeout(SLOW);
      page.setDefaultNavigationTimeout(SLOW);
    });

    afterAll(async () => {
      await browser?.close();
      await idp?.close();
      await app?.close();
    });

    it('signs in SP-initiated through the IdP and shows the person and their pool', async () => {
      idp!.attributesFor.set('ada@example.com', {
        firstName: 'Ada',
        lastName: 'Lovelace',
        licensePoolName: 'Engineering',
      });
      await page.goto(`${baseUrl}/sso/saml/${tenant.slug}/login?RelayState=/home`);
      expect(new URL(page.url()).host).toBe(new URL(idp!.url).host);
      await page.fill('input[name=email]', 'ada@example.com');
      await Promise.all([page.waitForURL(`${baseUrl}/home`), page.click('button[type=submit]')]);
      expect(await page.textContent('[data-field=name]')).toBe('Ada Lovelace');
      expect(await page.textContent('[data-field=email]')).toBe('ada@example.com');
      expect(await page.textContent('[data-field=pool]')).toBe('Engineering');
      expect(await page.textContent('[data-field=status]')).toBe('Licensed');
      expect(idp!.requests).toHaveLength(1);

      const cookies = await browser!.context.cookies(baseUrl);
      expect(cookies).toEqual([
        expect.objectContaining({ name: 'rollcall_session', httpOnly: true, sameSite: 'Lax' }),
      ]);
      const attempts = await app!
        .http()
        .get('/api/v1/sso/sign-ins')
        .set('Authorization', tenant.auth)
        .expect(200);
      expect(attempts.body.data[0]).toMatchObject({
        flow: 'sp',
        outcome: 'success',
        subject: 'ada@example.com',
        licensePoolName: 'Engineering',
      });
    });

    it('signs out', async () => {
      await Promise.all([
        page.waitForURL(`${baseUrl}/sso/logout`),
        page.click('button[type=submit]'),
      ]);
      expect(await page.textContent('h1')).toBe('You have signed out');
      const response = await page.goto(`${baseUrl}/home`);
      expect(response?.status()).toBe(401);
    });

    it('shows a page naming the full pool when there is no seat left', async () => {
      await app!.dataSource.query(
        `UPDATE license_pools SET capacity = used WHERE organization_id = $1 AND name = 'Engineering'`,
        [tenant.id],
      );
      idp!.attributesFor.set('grace@example.com', { licensePoolName: 'Engineering' });
      await page.goto(`${baseUrl}/sso/saml/${tenant.slug}/login`);
      await page.fill('input[name=email]', 'grace@example.com');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/acs')),
        page.click('button[type=submit]'),
      ]);
      expect(response.status()).toBe(403);
      expect(await page.textContent('[role=alert]')).toBe(
        "License pool 'Engineering' is full (1 of 1 seats used)",
      );
    });
  },
);

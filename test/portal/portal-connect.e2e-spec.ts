import type { Page } from 'playwright-core';
import { oktaCreateUser } from '../fixtures/okta';
import { browserSuite } from '../support/browser';
import { aPool, aTenant, type Tenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  expectFitsPhone,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import {
  base64,
  IDP_ENTITY_ID,
  idpMetadataXml,
  postAcs,
  samlResponseXml,
  spUrls,
  startMetadataServer,
} from '../support/saml';
import { describeScimRequest, describeSignIn } from '../../apps/portal/src/pages/connect/describe';
import type { TestApp } from '../support/test-app';

/**
 * The admin portal's guided IdP setup (/admin/connect, docs/admin-portal.md), in headless Chromium
 * against a real server: the admin picks Okta, turns SCIM on and reads the token from the page
 * (shown once, with the warning), a real SCIM create with that token is then described by "Test
 * connection"; SAML is configured by pasting IdP metadata, a real signed SAML response posted to
 * the ACS and a refused one (full pool) are described in words; rotating with an overlap lists both
 * credentials (and both work) until the overlap is ended; SCIM is turned off after a confirmation.
 * Google Workspace's guide says it does not provision. A group admin is offered no Connect IdP and
 * gets "not found" there. axe-core on every state, a phone-width screen, and nothing wrong in the
 * browser at the end.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-connect.e2e-spec.ts');
const SLOW = BROWSER_STEP_MS;

describeInBrowser(`Admin portal: Connect your identity provider${skipNote}`, () => {
  jest.setTimeout(3 * SLOW);

  let portal: PortalBrowser | undefined;
  let app: TestApp;
  let page: Page;
  let baseUrl: string;
  let tenant: Tenant;
  let token: string;
  let scimBase: string;

  const scim = (path: string, credential: string, init: RequestInit = {}) =>
    fetch(`${scimBase}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${credential}`,
        'Content-Type': 'application/scim+json',
        Accept: 'application/scim+json',
      },
    });
  const testConnection = async () => {
    await page.getByRole('button', { name: 'Test connection' }).click();
  };
  const lastScimRequest = () => page.locator('[data-test=last-scim-request]');
  const lastSignIn = () => page.locator('[data-test=last-sign-in]');

  beforeAll(async () => {
    portal = await startPortalBrowser();
    ({ app, page, baseUrl } = portal);
    tenant = await aTenant(app, { plan: 'enterprise' });
  });

  afterAll(async () => {
    await portal?.close();
  });

  it('opens Connect IdP from the navigation and asks for the identity provider', async () => {
    await portal!.signInWithSetupLink(tenant.id);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connect IdP' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/connect`);
    await page.getByRole('heading', { level: 1, name: 'Connect your identity provider' }).waitFor();
    await page.getByText('Choose your identity provider to see its steps.').waitFor();
    const choice = page.getByRole('group', { name: 'Your identity provider' });
    for (const name of [
      'Okta',
      'Microsoft Entra ID',
      'OneLogin',
      'JumpCloud',
      'Google Workspace',
      'Another SCIM 2.0 / SAML 2.0 IdP',
    ]) {
      expect(await choice.getByRole('radio', { name }).isVisible()).toBe(true);
    }
    await expectAccessible(page, 'Connect: no IdP chosen');
    await expectFitsPhone(page);
  });

  it('says that Google Workspace does not provision, and offers SAML with JIT', async () => {
    await page.getByRole('radio', { name: 'Google Workspace' }).check();
    await page.getByText('Google Workspace does not provision users over SCIM.').waitFor();
    expect(await page.getByRole('button', { name: 'Turn SCIM on', exact: true }).count()).toBe(0);
    await page
      .getByRole('button', { name: 'Turn SCIM on anyway, for a provisioning tool of my own' })
      .waitFor();
    // Google's own field names for the SAML side.
    const saml = page.getByRole('region', { name: 'Single sign-on (SAML)' });
    await saml.getByText('Add custom SAML app', { exact: false }).first().waitFor();
    expect(await saml.getByRole('button', { name: 'Copy ACS URL' }).count()).toBeGreaterThan(0);
    await page.getByText('No SCIM request has arrived, as expected', { exact: false }).waitFor();
    await expectAccessible(page, 'Connect: Google Workspace');
    await expectFitsPhone(page);
  });

  it('turns SCIM on for Okta and shows the token once, with Okta’s field names', async () => {
    await page.getByRole('radio', { name: 'Okta' }).check();
    const section = page.getByRole('region', { name: 'Provisioning (SCIM)' });
    await section.getByText('SCIM is off.', { exact: false }).waitFor();
    await section.getByRole('radio', { name: 'Bearer token' }).check();
    await expectAccessible(page, 'Connect: Okta, SCIM off');
    await section.getByRole('button', { name: 'Turn SCIM on' }).click();

    const fresh = page.getByRole('group', { name: 'Your new SCIM credentials' });
    await fresh.waitFor();
    await fresh.getByText('Copy them now: you will not see them again.').waitFor();
    token = (await fresh.locator('code[data-value-of="Token"]').textContent()) ?? '';
    scimBase = (await fresh.locator('code[data-value-of="SCIM base URL"]').textContent()) ?? '';
    expect(token).toMatch(/^rcscim_/);
    expect(scimBase).toBe(`${baseUrl}/scim/v2`);
    await page.getByRole('status').filter({ hasText: 'SCIM is on for Okta.' }).waitFor();

    // Okta's own words for where the values go, with the values filled in.
    await section.getByText('Provisioning tab → Integration → Edit').waitFor();
    const baseRow = section.locator('.field-row', { hasText: 'SCIM connector base URL' });
    expect(await baseRow.locator('code').textContent()).toBe(scimBase);
    await section.getByText('Directory → Profile Editor', { exact: false }).waitFor();
    await section
      .getByText('urn:ietf:params:scim:schemas:extension:rollcall:2.0:User')
      .first()
      .waitFor();

    // A copy button says what happened (copied, or how to copy by hand).
    await fresh.getByRole('button', { name: 'Copy Token' }).click();
    await fresh
      .locator('.copy-said', { hasText: /copied|select the text/ })
      .first()
      .waitFor();

    await expectAccessible(page, 'Connect: SCIM credentials shown once');
    await expectFitsPhone(page);

    // Once dismissed, the token is nowhere on the page (and never comes back from the API).
    await fresh.getByRole('button', { name: 'I have stored them: hide' }).click();
    await fresh.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await section.getByText('SCIM is on', { exact: false }).first().waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await page.getByRole('radio', { name: 'Okta' }).isChecked()).toBe(true);
  });

  it('describes the real SCIM request Okta made with that token', async () => {
    await lastScimRequest()
      .getByText('No SCIM request has arrived yet.', { exact: false })
      .waitFor();
    const created = await scim('/Users', token, {
      method: 'POST',
      body: JSON.stringify(oktaCreateUser('jane@example.com')),
    });
    expect(created.status).toBe(201);
    await testConnection();
    await lastScimRequest()
      .getByText('Okta created user jane@example.com just now — success')
      .waitFor();
    await expectAccessible(page, 'Connect: last SCIM request');
  });

  it('configures SAML from pasted IdP metadata and shows Rollcall’s values', async () => {
    const saml = page.getByRole('region', { name: 'Single sign-on (SAML)' });
    const sp = spUrls(app, tenant.slug);
    expect(await saml.locator('code[data-value-of="ACS URL"]').textContent()).toBe(sp.acsUrl);
    expect(await saml.locator('code[data-value-of="SP entity id"]').textContent()).toBe(
      sp.entityId,
    );
    expect(await saml.locator('code[data-value-of="SP metadata URL"]').textContent()).toBe(
      sp.entityId,
    );
    // Okta's field names, and the attribute mapping with licensePoolName.
    const single = saml.locator('.field-row', { hasText: 'Single sign-on URL' });
    expect(await single.locator('code').textContent()).toBe(sp.acsUrl);
    const mapping = saml.getByRole('table', { name: 'Attribute mapping' });
    await mapping.getByRole('cell', { name: 'licensePoolName' }).waitFor();
    await mapping.getByRole('cell', { name: 'user.email' }).waitFor();
    await saml.getByText('SAML is not set up yet', { exact: false }).waitFor();

    // Nothing pasted: the form says so before sending anything.
    await saml.getByRole('button', { name: 'Save SAML settings' }).click();
    await saml
      .getByRole('alert')
      .filter({ hasText: 'Paste the IdP’s metadata XML first.' })
      .waitFor();
    // Not metadata: the API's reason in words.
    await saml.getByLabel('IdP metadata XML').fill('<not-metadata/>');
    await saml.getByRole('button', { name: 'Save SAML settings' }).click();
    await saml.getByRole('alert').waitFor();
    expect((await saml.getByRole('alert').textContent())?.length).toBeGreaterThan(10);

    await saml.getByLabel('IdP metadata XML').fill(idpMetadataXml());
    await saml.getByRole('button', { name: 'Save SAML settings' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `SAML is set up with the IdP ${IDP_ENTITY_ID}.` })
      .waitFor();
    await saml.getByText('SAML is set up', { exact: false }).waitFor();
    await lastSignIn().getByText('No sign-in attempt yet.', { exact: false }).waitFor();
    await expectAccessible(page, 'Connect: SAML set up');
    await expectFitsPhone(page);

    // The other ways to send the IdP's details are there, each labelled.
    await saml.getByRole('radio', { name: 'Give the metadata URL', exact: false }).check();
    expect(await saml.getByLabel('IdP metadata URL').isVisible()).toBe(true);
    await saml.getByRole('radio', { name: 'Upload the metadata file' }).check();
    expect(await saml.getByLabel('IdP metadata file').isVisible()).toBe(true);
    await saml.getByRole('radio', { name: 'Enter the entity id', exact: false }).check();
    expect(await saml.getByLabel('IdP signing certificate (PEM)').isVisible()).toBe(true);
    await expectAccessible(page, 'Connect: SAML entered by hand');
  });

  it('fetches the IdP metadata from its URL', async () => {
    const server = await startMetadataServer(idpMetadataXml());
    // The test's metadata server is on loopback, which only this setting lets Rollcall fetch.
    app.config.events.webhooks.allowPrivateUrls = true;
    try {
      const saml = page.getByRole('region', { name: 'Single sign-on (SAML)' });
      await saml.getByRole('radio', { name: 'Give the metadata URL', exact: false }).check();
      await saml.getByLabel('IdP metadata URL').fill(server.url);
      await saml.getByRole('button', { name: 'Save SAML settings' }).click();
      await saml.getByText(`Metadata fetched from ${server.url}`, { exact: false }).waitFor();
      expect(server.requests).toBe(1);
      await expectAccessible(page, 'Connect: SAML from a metadata URL');
    } finally {
      app.config.events.webhooks.allowPrivateUrls = false;
      await server.close();
    }
  });

  it('describes the last sign-in, a success and then a refusal, in plain words', async () => {
    const sp = spUrls(app, tenant.slug);
    const ok = await postAcs(
      app,
      tenant.slug,
      base64(samlResponseXml({ sp, email: 'jane@example.com' })),
    );
    expect(ok.status).toBe(303);
    await testConnection();
    await lastSignIn().getByText('jane@example.com signed in just now — success').waitFor();

    await aPool(app, tenant, 'Sales', 0);
    const full = await postAcs(
      app,
      tenant.slug,
      base64(
        samlResponseXml({
          sp,
          email: 'jane@example.com',
          attributes: { licensePoolName: 'Sales' },
        }),
      ),
    );
    expect(full.status).toBe(403);
    await testConnection();
    await lastSignIn()
      .getByText('Sign-in refused just now for jane@example.com: the pool Sales is full')
      .waitFor();
    await expectAccessible(page, 'Connect: last sign-in refused');
  });

  it('rotates with an overlap: both credentials are listed and work, until the overlap ends', async () => {
    const section = page.getByRole('region', { name: 'Provisioning (SCIM)' });
    await section.getByLabel('Overlap (hours the current credentials keep working)').fill('24');
    await section.getByRole('button', { name: 'Rotate credentials' }).click();
    const fresh = page.getByRole('group', { name: 'Your new SCIM credentials' });
    await fresh.waitFor();
    const newToken = (await fresh.locator('code[data-value-of="Token"]').textContent()) ?? '';
    expect(newToken).toMatch(/^rcscim_/);
    expect(newToken).not.toBe(token);
    await page
      .getByRole('status')
      .filter({ hasText: 'the previous ones keep working for 24 hours' })
      .waitFor();

    const table = section.locator('table.credentials tbody tr');
    await section.getByRole('cell', { name: /Previous \(overlap\)/ }).waitFor();
    expect(await table.count()).toBe(2);
    await section.getByRole('cell', { name: /^Current/ }).waitFor();
    expect((await scim('/Users?count=1', token)).status).toBe(200);
    expect((await scim('/Users?count=1', newToken)).status).toBe(200);
    await expectAccessible(page, 'Connect: rotated, overlap');
    await expectFitsPhone(page);

    await section.getByRole('button', { name: 'Stop the previous credentials now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'The previous credentials no longer work.' })
      .waitFor();
    await section
      .getByRole('cell', { name: /Previous \(overlap\)/ })
      .waitFor({ state: 'detached' });
    expect(await table.count()).toBe(1);
    expect((await scim('/Users?count=1', token)).status).toBe(401);
    expect((await scim('/Users?count=1', newToken)).status).toBe(200);
    token = newToken;
  });

  it('turns SCIM off after a confirmation', async () => {
    const section = page.getByRole('region', { name: 'Provisioning (SCIM)' });
    await section.getByRole('button', { name: 'Turn SCIM off…' }).click();
    await section
      .getByText('Every SCIM request is refused from then on', { exact: false })
      .waitFor();
    await expectAccessible(page, 'Connect: confirm SCIM off');
    // Cancel changes nothing.
    await section.getByRole('button', { name: 'Cancel' }).click();
    expect((await scim('/Users?count=1', token)).status).toBe(200);

    await section.getByRole('button', { name: 'Turn SCIM off…' }).click();
    await section.getByRole('button', { name: 'Yes, turn SCIM off' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'SCIM is off: every SCIM request is now refused.' })
      .waitFor();
    await section.getByText('SCIM is off.', { exact: false }).waitFor();
    await section.getByRole('button', { name: 'Turn SCIM on' }).waitFor();
    expect((await scim('/Users?count=1', token)).status).toBe(401);
    await expectAccessible(page, 'Connect: SCIM off again');
    await expectFitsPhone(page);
  });

  it('turns SCIM on with HTTP Basic and shows the username and password once', async () => {
    await page.getByRole('radio', { name: 'Another SCIM 2.0 / SAML 2.0 IdP' }).check();
    const section = page.getByRole('region', { name: 'Provisioning (SCIM)' });
    await section.getByRole('radio', { name: 'HTTP Basic (username and password)' }).check();
    await section.getByRole('button', { name: 'Turn SCIM on', exact: true }).click();
    const fresh = page.getByRole('group', { name: 'Your new SCIM credentials' });
    const username = (await fresh.locator('code[data-value-of="Username"]').textContent()) ?? '';
    const password = (await fresh.locator('code[data-value-of="Password"]').textContent()) ?? '';
    expect(username).toMatch(/^scim-/);
    expect(await fresh.locator('code[data-value-of="Token"]').count()).toBe(0);
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const answer = await fetch(`${scimBase}/Users?count=1`, { headers: { Authorization: basic } });
    expect(answer.status).toBe(200);
    await testConnection();
    await lastScimRequest().getByText('The IdP looked up users just now — success').waitFor();
    await expectAccessible(page, 'Connect: HTTP Basic credentials');
  });

  it('is neither offered to nor opened for a group admin', async () => {
    const users = await app
      .http()
      .get('/api/v1/users?q=jane')
      .set('Authorization', tenant.auth)
      .expect(200);
    const jane = (users.body.data as { id: string }[])[0];
    await app
      .http()
      .patch(`/api/v1/users/${jane.id}`)
      .set('Authorization', tenant.auth)
      .send({ role: 'group_admin' })
      .expect(200);
    // Jane signs in through the IdP into the portal (the browser's own cookies).
    const sp = spUrls(app, tenant.slug);
    const signedIn = await portal!.browser.context.request.post(
      `${baseUrl}/sso/saml/${tenant.slug}/acs`,
      {
        form: {
          SAMLResponse: base64(samlResponseXml({ sp, email: 'jane@example.com' })),
          RelayState: '/admin/users',
        },
        maxRedirects: 0,
      },
    );
    expect(signedIn.status()).toBe(303);
    await page.goto(`${baseUrl}/admin/users`);
    await page.getByText('(Group admin)').waitFor();
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Connect IdP' })
        .count(),
    ).toBe(0);
    await page.goto(`${baseUrl}/admin/connect`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toContain(
      'Connect your identity provider',
    );
    expect(await page.getByRole('radio', { name: 'Okta' }).count()).toBe(0);
  });

  it('broke no Content-Security-Policy rule, threw no script error, and failed no request', () => {
    // Answers the steps expected: the metadata that was not metadata.
    portal!.expectNothingWrong([/^answer: 400 PUT \/api\/v1\/sso\/saml$/]);
  });
});

describe('Connect IdP: the connection test in words', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const entry = {
    id: 'e',
    occurredAt: '2026-12-07T11:57:00Z',
    requestId: null,
    method: 'POST',
    path: '/scim/v2/Users',
    resourceType: 'User',
    resourceId: null,
    userName: 'jane@example.com',
    status: 201,
    outcome: 'success' as const,
    scimType: null,
    detail: null,
    reason: null,
    durationMs: 3,
  };
  const attempt = {
    id: 'a',
    occurredAt: '2026-12-07T10:00:00Z',
    flow: 'idp' as const,
    outcome: 'refused' as const,
    reason: 'unknown_pool',
    detail: "License pool 'Sals' does not exist",
    subject: 'jane@example.com',
    userId: null,
    licensePoolName: 'Sals',
    clientIp: null,
  };

  it('says what a SCIM request did, and why one was refused', () => {
    expect(describeScimRequest(entry, 'Okta', now)).toBe(
      'Okta created user jane@example.com 3 minutes ago — success',
    );
    expect(
      describeScimRequest(
        {
          ...entry,
          method: 'PATCH',
          status: 400,
          outcome: 'failure',
          scimType: 'invalidValue',
          detail: "License pool 'Sals' does not exist",
        },
        'Entra ID',
        now,
      ),
    ).toBe(
      "Entra ID tried to update user jane@example.com 3 minutes ago — refused (400 invalidValue): License pool 'Sals' does not exist",
    );
    expect(
      describeScimRequest(
        { ...entry, method: 'DELETE', resourceType: 'Group', userName: null },
        'OneLogin',
        now,
      ),
    ).toBe('OneLogin deleted group 3 minutes ago — success');
  });

  it('says how a sign-in ended', () => {
    expect(describeSignIn(attempt, now)).toBe(
      'Sign-in refused 2 hours ago for jane@example.com: there is no pool named Sals',
    );
    expect(
      describeSignIn(
        {
          ...attempt,
          outcome: 'rejected',
          reason: 'invalid_signature',
          subject: null,
          occurredAt: '2026-12-07T11:59:50Z',
        },
        now,
      ),
    ).toBe(
      'A sign-in response was rejected just now: the response was not signed by the IdP’s certificate Rollcall knows (send the current metadata again)',
    );
  });
});

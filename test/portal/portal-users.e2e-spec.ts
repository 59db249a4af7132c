import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { browserSuite } from '../support/browser';
import { aPool, aTenant, type Tenant, userIdOf } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  expectFitsPhone,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import { provisionPerson } from '../support/scim-client';
import { base64, configureSaml, postAcs, samlResponseXml, spUrls } from '../support/saml';
import type { TestApp } from '../support/test-app';

/**
 * The portal's users pages in headless Chromium against a real server (docs/admin-portal.md): All users
 * filtered by license pool and by SCIM management, exported as CSV with the filters; a user's page
 * with their details and their provisioning (real SCIM requests) and sign-in (a real SAML sign-in)
 * history in words; the admin's actions, each checked through the admin API: role change, pool move
 * with the warning that the IdP's licensePoolName moves the user back at their next sign-in,
 * deactivate refused for a SCIM-managed user with the API's reason, deactivate and reactivate,
 * anonymize only once the user name is typed. A group admin signed in through SAML sees no role or
 * anonymize control. axe-core on both pages, phone width, and nothing else wrong in the browser.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-users.e2e-spec.ts');
const SLOW = BROWSER_STEP_MS;

interface ApiUser {
  id: string;
  userName: string;
  status: string;
  role: string;
  scimManaged: boolean;
  licensePool: { id: string; name: string; isDefault: boolean };
  email: string | null;
}

describeInBrowser(`Admin portal users pages in headless Chromium${skipNote}`, () => {
  jest.setTimeout(4 * SLOW);

  let portal: PortalBrowser | undefined;
  let app: TestApp;
  let baseUrl: string;
  let page: Page;
  let tenant: Tenant;
  let scimAuth: string;
  let engineeringId: string;
  const ids: Record<string, string> = {};

  const userById = async (id: string): Promise<ApiUser> =>
    (await app.http().get(`/api/v1/users/${id}`).set('Authorization', tenant.auth).expect(200))
      .body as ApiUser;

  const samlResponse = (email: string, attributes: Record<string, string> = {}) =>
    base64(samlResponseXml({ sp: spUrls(app, tenant.slug), email, attributes }));

  const idOf = (email: string) => userIdOf(app, tenant, email);

  const provision = (userName: string, displayName: string, pool?: string) =>
    provisionPerson(
      app,
      { scimAuth },
      { userName, displayName, pool, externalId: `ext-${userName}` },
    );

  beforeAll(async () => {
    portal = await startPortalBrowser();
    ({ app, baseUrl, page } = portal);
    tenant = await aTenant(app);
    await configureSaml(app, tenant.adminApiKey);
    // Before SCIM is on, SSO makes unknown people just in time: two users SCIM does not manage.
    for (const email of ['lead@example.com', 'dee.hand@example.com']) {
      const signedIn = await postAcs(app, tenant.slug, samlResponse(email));
      expect(signedIn.status).toBe(303);
      ids[email] = await idOf(email);
    }
    const scim = await app
      .http()
      .post('/api/v1/scim/integration')
      .set('Authorization', tenant.auth)
      .send({ idp: 'okta', authMethod: 'bearer' })
      .expect(201);
    scimAuth = `Bearer ${scim.body.token as string}`;
    engineeringId = await aPool(app, tenant, 'Engineering', 3);
    ids.ana = await provision('ana.silva@example.com', 'Ana Silva', 'Engineering');
    ids.bo = await provision('bo.chen@example.com', 'Bo Chen');
    // Ana signs in; her IdP sends her pool, as rule 6 of SPEC §3 has it.
    const signedIn = await postAcs(
      app,
      tenant.slug,
      samlResponse('ana.silva@example.com', { licensePoolName: 'Engineering' }),
    );
    expect(signedIn.status).toBe(303);
    expect((await userById(ids.ana)).status).toBe('active');
    await portal.signInWithSetupLink(tenant.id);
  });

  afterAll(async () => {
    await portal?.close();
  });

  const rows = () => page.locator('table.users tbody tr');
  const rowNames = async () =>
    (await rows().locator('td[data-label=User] .user-name').allTextContents()).sort();
  /** Waits until the list shows exactly these users (the list reloads after each filter). */
  const waitForRows = async (names: string[]) => {
    const expected = [...names].sort();
    await page.waitForFunction(
      (want) =>
        JSON.stringify(
          Array.from(
            document.querySelectorAll('table.users tbody td[data-label=User] .user-name'),
            (cell) => cell.textContent,
          ).sort(),
        ) === want,
      JSON.stringify(expected),
    );
    await expect(rowNames()).resolves.toEqual(expected);
  };

  it('filters All users by license pool and by SCIM management', async () => {
    await page.getByRole('heading', { level: 1, name: 'All users' }).waitFor();
    await waitForRows(['Ana Silva', 'Bo Chen', 'dee.hand@example.com', 'lead@example.com']);
    const ana = rows().filter({ hasText: 'Ana Silva' });
    expect(await ana.locator('.flag').textContent()).toBe('SCIM');
    expect(await ana.locator('td[data-label="License pool"]').textContent()).toBe('Engineering');
    expect(await ana.locator('td[data-label=Status] .status').textContent()).toBe('Active');
    expect(await ana.locator('td[data-label="Last sign-in"]').textContent()).not.toBe('Never');

    await page.getByLabel('License pool').selectOption({ label: 'Engineering' });
    await waitForRows(['Ana Silva']);
    await page.getByLabel('License pool').selectOption('');
    await page.getByLabel('Managed by').selectOption('true');
    await waitForRows(['Ana Silva', 'Bo Chen']);
    await page.getByLabel('Managed by').selectOption('false');
    await waitForRows(['dee.hand@example.com', 'lead@example.com']);
    await expectAccessible(page, 'All users, filtered');
    await expectFitsPhone(page);
  });

  it('exports the filtered list as CSV', async () => {
    await page.getByLabel('Managed by').selectOption('true');
    await waitForRows(['Ana Silva', 'Bo Chen']);
    const link = page.getByRole('link', { name: 'Export these users (CSV)' });
    expect(await link.getAttribute('href')).toBe('/api/v1/users/export.csv?scimManaged=true');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('users.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'email,userName,givenName,familyName,displayName,role,status,licensePool,groups,externalId',
    );
    expect(lines.slice(1).sort()).toEqual([
      'ana.silva@example.com,ana.silva@example.com,,,Ana Silva,user,active,Engineering,,ext-ana.silva@example.com',
      'bo.chen@example.com,bo.chen@example.com,,,Bo Chen,user,provisioned,Default license pool,,ext-bo.chen@example.com',
    ]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForRows(['Ana Silva', 'Bo Chen', 'dee.hand@example.com', 'lead@example.com']);
    expect(
      await page.getByRole('link', { name: 'Export all users (CSV)' }).getAttribute('href'),
    ).toBe('/api/v1/users/export.csv');
  });

  it('opens a user’s page with their details and their provisioning and sign-in history', async () => {
    await page.getByRole('link', { name: 'Ana Silva' }).click();
    await page.waitForURL(`${baseUrl}/admin/users/${ids.ana}`);
    await page.getByRole('heading', { level: 1, name: /^Ana Silva/ }).waitFor();
    expect(await page.title()).toBe('Ana Silva · Rollcall admin');
    const details = page.locator('.user-details');
    await details.getByText('ext-ana.silva@example.com').waitFor();
    await details.getByText('Your identity provider, through SCIM').waitFor();

    const provisioning = page.locator('section.history', {
      has: page.getByRole('heading', { name: 'Provisioning history' }),
    });
    await provisioning.locator('li').first().waitFor();
    expect(await provisioning.locator('li .history-text').allTextContents()).toEqual([
      expect.stringMatching(/^Created by your identity provider/),
    ]);
    const signIns = page.locator('section.history', {
      has: page.getByRole('heading', { name: 'Sign-in history' }),
    });
    await signIns.locator('li').first().waitFor();
    expect(await signIns.locator('li .history-text').allTextContents()).toEqual([
      'Signed in. The identity provider sent the license pool “Engineering”.',
    ]);
    expect(await signIns.locator('li .secondary-text').textContent()).toContain(
      'started at the identity provider',
    );

    // A user who came from a sign-in has no SCIM history, and says so.
    await page.goto(`${baseUrl}/admin/users/${ids['lead@example.com']}`);
    await page.getByRole('heading', { level: 1, name: 'lead@example.com' }).waitFor();
    await page.getByText('No SCIM request about this user').waitFor();
    await page.getByText('Signed in.', { exact: true }).waitFor();
  });

  it('changes a role (checked through the admin API)', async () => {
    await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('group_admin');
    await page.getByRole('button', { name: 'Change role' }).click();
    await page.getByRole('status').filter({ hasText: 'Role changed to Group admin.' }).waitFor();
    expect((await userById(ids['lead@example.com'])).role).toBe('group_admin');
    await page.locator('.user-details').getByText('Group admin').waitFor();
  });

  it('moves a pool, warning that the IdP’s pool comes back at the next sign-in', async () => {
    await page.goto(`${baseUrl}/admin/users/${ids.ana}`);
    await page.getByRole('heading', { level: 1, name: /^Ana Silva/ }).waitFor();
    const warning = page.locator('#pool-warning');
    await warning.getByText('This move may not last.').waitFor();
    expect(await warning.textContent()).toContain(
      'Your identity provider sent the license pool “Engineering” at this user’s last sign-in: their next single sign-on puts them back in that pool.',
    );
    const defaultPool = (await userById(ids.bo)).licensePool;
    await page.getByLabel('Move to').selectOption(defaultPool.id);
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Moved to Default license pool. SSO is the source of truth' })
      .waitFor();
    expect((await userById(ids.ana)).licensePool).toEqual(defaultPool);

    // And so it does: her next sign-in puts her back in Engineering.
    await postAcs(
      app,
      tenant.slug,
      samlResponse('ana.silva@example.com', { licensePoolName: 'Engineering' }),
    ).expect(303);
    expect((await userById(ids.ana)).licensePool.id).toBe(engineeringId);
  });

  it('shows the API’s reason when it refuses to deactivate a SCIM-managed user', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /^Ana Silva/ }).waitFor();
    await page.getByText('Your identity provider manages this user through SCIM').waitFor();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    const alert = page.locator('.user-action').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/identity provider|SCIM/i);
    expect((await userById(ids.ana)).status).toBe('active');
    // Anonymize waits for the IdP to deprovision her.
    await page.getByText('Have your identity provider deprovision this user first.').waitFor();
    await expectAccessible(page, 'A SCIM-managed user’s page');
    await expectFitsPhone(page);
  });

  it('deactivates and reactivates a user, then anonymizes them once their user name is typed', async () => {
    const id = ids['dee.hand@example.com'];
    await page.goto(`${baseUrl}/admin/users/${id}`);
    await page.getByRole('heading', { level: 1, name: 'dee.hand@example.com' }).waitFor();
    await page.getByText('Deactivate this user first.').waitFor();

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('status').filter({ hasText: 'Deactivated:' }).waitFor();
    expect((await userById(id)).status).toBe('deactivated');

    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByRole('status').filter({ hasText: 'Reactivated:' }).waitFor();
    // She signed in before: back to active, with a seat.
    expect((await userById(id)).status).toBe('active');

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('status').filter({ hasText: 'Deactivated:' }).waitFor();
    await page.getByText('This cannot be undone.').waitFor();
    await expectAccessible(page, 'A deactivated user’s page, anonymize offered');
    const confirm = page.getByLabel('Type the user name dee.hand@example.com to confirm');
    const anonymize = page.getByRole('button', { name: 'Anonymize for good' });
    expect(await anonymize.isDisabled()).toBe(true);
    await confirm.fill('dee.hand@example');
    expect(await anonymize.isDisabled()).toBe(true);
    expect((await userById(id)).status).toBe('deactivated');
    await confirm.fill('dee.hand@example.com');
    expect(await anonymize.isDisabled()).toBe(false);
    await anonymize.click();
    await page.getByRole('status').filter({ hasText: 'Anonymized:' }).waitFor();
    const anonymized = await userById(id);
    expect(anonymized).toMatchObject({ status: 'anonymized', userName: `anonymized-${id}` });
    expect(anonymized.email).toBeNull();
    await page.getByText('nothing about them can change any more').waitFor();
    expect(await page.locator('.user-actions').getByRole('button').count()).toBe(0);
  });

  it('shows a group admin signed in through SAML no role or anonymize controls', async () => {
    // The IdP's form post to the ACS, from the browser, coming back to /admin.
    await page.goto(`${baseUrl}/admin/sign-in`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const response = samlResponse('lead@example.com');
    await Promise.all([
      page.waitForURL(`${baseUrl}/admin/users`),
      page.evaluate(
        ({ action, saml }) => {
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = action;
          for (const [name, value] of [
            ['SAMLResponse', saml],
            ['RelayState', '/admin'],
          ]) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        },
        { action: `/sso/saml/${tenant.slug}/acs`, saml: response },
      ),
    ]);
    await page.getByText('(Group admin)').waitFor();
    await page.getByRole('link', { name: 'Bo Chen' }).click();
    await page.waitForURL(`${baseUrl}/admin/users/${ids.bo}`);
    await page.getByRole('heading', { level: 1, name: /^Bo Chen/ }).waitFor();
    await page.getByRole('button', { name: 'Move', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Role', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Change role' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Anonymize' }).count()).toBe(0);
    await page.getByText('only admins change roles or anonymize').waitFor();

    // The group admin moves Bo to Engineering (no licensePoolName sent for him yet: the general
    // warning), checked through the admin API.
    await page.getByText('Single sign-on decides pools.').waitFor();
    await page.getByLabel('Move to').selectOption(engineeringId);
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Moved to Engineering.' }).waitFor();
    expect((await userById(ids.bo)).licensePool.id).toBe(engineeringId);
    await expectAccessible(page, 'A user’s page for a group admin');
    await expectFitsPhone(page);
  });

  it('broke no Content-Security-Policy rule, threw no script error, and failed no request', () => {
    // The one refusal a step expected: deactivating a SCIM-managed user.
    portal!.expectNothingWrong([
      new RegExp(`^answer: 409 POST /api/v1/users/${ids.ana}/deactivate$`),
    ]);
  });
});

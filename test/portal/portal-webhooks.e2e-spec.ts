import type { Page } from 'playwright-core';
import { WebhookReceiver, signatureValid } from '../events/webhook-receiver';
import { browserSuite } from '../support/browser';
import { aScimTenant, type ScimTenant } from '../support/factories';
import {
  BROWSER_STEP_MS,
  expectAccessible,
  expectFitsPhone,
  type PortalBrowser,
  startPortalBrowser,
} from '../support/portal-browser';
import { postPerson } from '../support/scim-client';
import { testEventsConfig, type TestApp } from '../support/test-app';

/**
 * The Webhooks page in headless Chromium against a real server whose delivery workers run and
 * which allows a loopback receiver (events.webhooks.allowPrivateUrls): the admin adds an endpoint
 * for user.created, sees its signing secret once (with a copy button) and never again; a SCIM
 * create is delivered, signed with that secret, and shows in the endpoint's delivery log; "Deliver
 * again from here" replays it with the same webhook-id; the endpoint is edited, disabled and
 * enabled; a receiver that keeps failing gets the endpoint disabled after failures (retryHours is a
 * few seconds here), which the page explains, and enabling it delivers the waiting event; a refused
 * URL is explained; the endpoint is deleted after a confirmation. axe and phone width on the way.
 */
const { describeInBrowser, skipNote } = browserSuite('portal-webhooks.e2e-spec.ts');
const SLOW = BROWSER_STEP_MS;

describeInBrowser(`Admin portal: Webhooks${skipNote}`, () => {
  jest.setTimeout(3 * SLOW);

  let portal: PortalBrowser | undefined;
  let receiver: WebhookReceiver | undefined;
  let app: TestApp;
  let baseUrl: string;
  let tenant: ScimTenant;
  let page: Page;
  let secret: string;

  const provision = (userName: string) => postPerson(app, tenant, { userName }).expect(201);

  const waitFor = async (what: string, check: () => boolean | Promise<boolean>) => {
    const until = Date.now() + SLOW;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const endpoint = () => page.locator('li.endpoint', { hasText: receiver!.url });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const events = testEventsConfig();
    portal = await startPortalBrowser({
      events: {
        ...events,
        workers: true,
        // Loopback receiver; a failing endpoint is disabled after 3.6 s instead of 24 h.
        webhooks: { ...events.webhooks, allowPrivateUrls: true, retryHours: 0.001 },
      },
    });
    ({ app, baseUrl, page } = portal);
    tenant = await aScimTenant(app);
    await portal.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: baseUrl,
    });
  });

  afterAll(async () => {
    await portal?.close();
    await receiver?.close();
  });

  it('adds an endpoint and shows its signing secret once', async () => {
    await portal!.signInWithSetupLink(tenant.id);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await page.waitForURL(`${baseUrl}/admin/webhooks`);
    await page.getByText('No endpoints yet.').waitFor();
    await expectAccessible(page, 'Webhooks, empty');

    const form = page.getByRole('form', { name: 'Add an endpoint' });
    // A URL Rollcall refuses: the API's reason, in words.
    await form.getByLabel('URL').fill('ftp://example.com/hook');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/^Please check: .*url/i);

    await form.getByLabel('URL').fill(receiver!.url);
    await form.getByLabel('Description (optional)').fill('HR sync');
    await form.getByLabel('Only the types chosen below').check();
    await form.getByRole('checkbox', { name: 'user.created' }).check();
    await expectAccessible(page, 'Webhooks, the form with event types');
    await form.getByRole('button', { name: 'Add endpoint' }).click();

    const shown = page.getByRole('region', { name: `Signing secret for ${receiver!.url}` });
    await shown.waitFor();
    secret = (await shown.locator('code[data-secret]').textContent())!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    await shown.getByRole('status').filter({ hasText: 'Signing secret copied.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page
      .getByRole('status')
      .filter({ hasText: `Added the endpoint ${receiver!.url}.` })
      .waitFor();
    await expectAccessible(page, 'Webhooks, the secret shown');
    await expectFitsPhone(page);

    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached' });
    await page.reload();
    await endpoint().waitFor();
    expect(await endpoint().textContent()).toContain('HR sync');
    expect(await endpoint().textContent()).toContain('Only: user.created');
    expect(await endpoint().textContent()).toContain('Enabled');
    expect(await page.content()).not.toContain(secret);
  });

  it('delivers a SCIM create, shows it in the delivery log, and replays it', async () => {
    const created = await provision('bjensen@example.com');
    await waitFor('the delivery', () => receiver!.received.length === 1);
    const [delivered] = receiver!.received;
    expect(delivered.event).toMatchObject({
      type: 'user.created',
      subject: { id: created.body.id },
    });
    expect(signatureValid(secret, delivered)).toBe(true);

    await endpoint()
      .getByRole('button', { name: `Show deliveries to ${receiver!.url}` })
      .click();
    const log = endpoint().getByRole('region', { name: 'Delivery log' });
    const row = log.locator('li.delivery', { hasText: 'user.created' });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('Delivered · 200');
    expect(await row.first().textContent()).toContain(`event ${delivered.event.id}`);
    expect(await row.first().textContent()).toContain('Answer: ok');
    await expectAccessible(page, 'Webhooks, the delivery log');
    await expectFitsPhone(page);

    await row
      .first()
      .getByRole('button', { name: /^Deliver again from this user.created event/ })
      .click();
    await waitFor('the replay', () => receiver!.received.length === 2);
    expect(receiver!.received[1].headers['webhook-id']).toBe(delivered.headers['webhook-id']);
    await page
      .getByRole('status')
      .filter({ hasText: 'Delivering again from this user.created event.' })
      .waitFor();
    // The log shows the second attempt on its own (it refreshes while open).
    await log.locator('li.delivery').nth(1).waitFor();
  });

  it('edits, disables and enables the endpoint', async () => {
    await endpoint()
      .getByRole('button', { name: `Edit ${receiver!.url}` })
      .click();
    const edit = page.getByRole('form', { name: `Edit ${receiver!.url}` });
    await edit.getByLabel('Description (optional)').fill('HR sync (prod)');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${receiver!.url}.` })
      .waitFor();
    await endpoint().getByText('HR sync (prod)').waitFor();

    await endpoint()
      .getByRole('button', { name: `Disable ${receiver!.url}` })
      .click();
    await endpoint().getByText('by an admin').waitFor();
    await provision('waiting@example.com');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver!.received).toHaveLength(2);
    await endpoint()
      .getByRole('button', { name: `Enable ${receiver!.url}` })
      .click();
    await waitFor('the waiting event', () => receiver!.received.length === 3);
    await endpoint().locator('.endpoint-state', { hasText: 'Enabled' }).waitFor();
  });

  it('explains an endpoint disabled after failures, and enabling it delivers what waited', async () => {
    receiver!.answer = () => ({ status: 500 });
    await provision('failing@example.com');
    const stored = async () =>
      (await app.http().get('/api/v1/webhooks').set('Authorization', tenant.auth).expect(200)).body
        .data[0] as { enabled: boolean; disabledReason: string | null };
    await waitFor(
      'the endpoint to be disabled',
      async () => (await stored()).disabledReason === 'failing',
    );
    await page.reload();
    const state = endpoint().locator('.endpoint-state');
    await state.getByText('Disabled after failures').waitFor();
    expect(await state.textContent()).toContain('No event is lost');
    expect(await state.textContent()).toContain('The last error:');
    await expectAccessible(page, 'Webhooks, disabled after failures');

    receiver!.answer = () => ({ status: 200 });
    const before = receiver!.received.length;
    await endpoint()
      .getByRole('button', { name: `Enable ${receiver!.url}` })
      .click();
    await waitFor('the event that waited', () =>
      receiver!.received
        .slice(before)
        .some((r) => r.event.type === 'user.created' && r.event.subject.id !== undefined),
    );
    await endpoint().locator('.endpoint-state', { hasText: 'Enabled' }).waitFor();
  });

  it('deletes the endpoint after a confirmation', async () => {
    await endpoint()
      .getByRole('button', { name: `Delete ${receiver!.url}` })
      .click();
    const confirm = page.getByRole('group', { name: `Delete ${receiver!.url}?` });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await endpoint()
      .getByRole('button', { name: `Delete ${receiver!.url}` })
      .click();
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No endpoints yet.').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: `Deleted the endpoint ${receiver!.url} and its delivery log.` })
      .waitFor();
    const left = await app
      .http()
      .get('/api/v1/webhooks')
      .set('Authorization', tenant.auth)
      .expect(200);
    expect(left.body.data).toEqual([]);
    portal!.expectNothingWrong([/^answer: 400 POST \/api\/v1\/webhooks$/]);
  });
});

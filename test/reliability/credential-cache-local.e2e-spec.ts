import { DatabaseSignals, type SignalWatch } from '@rollcall/common';
import { aScimTenant, type ScimTenant } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Signals that vouch for every cache and never deliver: the slowest a notification can be while
 * the watch still counts as current. What the instance that made a change does must not depend on
 * its own notification coming back (under load it comes back after the next request).
 */
class DeafSignals extends DatabaseSignals {
  watch(): SignalWatch {
    return { current: () => true, stop: () => undefined };
  }
}

describe('SCIM credentials cached on the instance that changes them', () => {
  let app: TestApp;
  let tenant: ScimTenant;

  beforeAll(async () => {
    app = await startTestApp({}, undefined, [
      { provide: DatabaseSignals, useValue: new DeafSignals() },
    ]);
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    tenant = await aScimTenant(app);
  });

  const scimStatus = async (auth: string) =>
    (await app.http().get('/scim/v2/Users?count=1').set('Authorization', auth)).status;
  /** Several accepted requests, so the credential is in the cache. */
  const warm = async (auth: string) => {
    for (let i = 0; i < 3; i++) expect(await scimStatus(auth)).toBe(200);
  };

  const rotate = (gracePeriodHours: number) =>
    app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth)
      .send({ gracePeriodHours });

  it('refuses the old token on the next request after a rotation without a grace period', async () => {
    await warm(tenant.scimAuth);
    const rotated = await rotate(0);
    expect(rotated.status).toBe(201);
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(`Bearer ${(rotated.body as { token: string }).token}`)).toBe(200);
  });

  it('refuses the old token on the next request after its grace period is ended early', async () => {
    const rotated = await rotate(24);
    expect(rotated.status).toBe(201);
    await warm(tenant.scimAuth);
    const ended = await app
      .http()
      .delete('/api/v1/scim/integration/previous-credentials')
      .set('Authorization', tenant.auth);
    expect(ended.status).toBe(204);
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(`Bearer ${(rotated.body as { token: string }).token}`)).toBe(200);
  });

  it('refuses a cached old token the moment its grace period passes, without any signal', async () => {
    // 0.001 hours: 3.6 s. The signals here never deliver and nothing changes in the database: the
    // cached row itself must carry the grace end.
    const rotated = await rotate(0.001);
    expect(rotated.status).toBe(201);
    await warm(tenant.scimAuth);
    await new Promise((resolve) => setTimeout(resolve, 3_800));
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
    expect(await scimStatus(`Bearer ${(rotated.body as { token: string }).token}`)).toBe(200);
  });

  it('refuses every request on the next request after SCIM is disabled', async () => {
    await warm(tenant.scimAuth);
    const disabled = await app
      .http()
      .delete('/api/v1/scim/integration')
      .set('Authorization', tenant.auth);
    expect(disabled.status).toBe(204);
    expect(await scimStatus(tenant.scimAuth)).toBe(401);
  });
});

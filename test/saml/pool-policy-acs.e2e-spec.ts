import {
  POLICY_CASES,
  type PolicyCase,
} from '../../libs/identity/src/license-pools/pool-policy.table';
import { POLICY_SIGN_IN_EMAIL, policyOrganization } from '../support/policy-fixtures';
import { base64, configureSaml, postAcs, samlResponseXml, spUrls } from '../support/saml';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Every sign-in row of the pool-assignment policy table, through the real channel: a signed SAML
 * response posted to the ACS (rows for new people through just-in-time provisioning). The same
 * table holds the unit spec and the SCIM suite to the same answers.
 */
describe('the pool-assignment policy through the SAML ACS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const EMAIL = POLICY_SIGN_IN_EMAIL;

  async function setup(c: PolicyCase) {
    const { tenant, pools } = await policyOrganization(app, c);
    await configureSaml(app, tenant.adminApiKey);
    return { tenant, pools };
  }

  const state = async (organizationId: string) => ({
    users: await app.dataSource.query(
      'SELECT user_name, license_pool_id, status FROM users WHERE organization_id = $1 ORDER BY id',
      [organizationId],
    ),
    pools: await app.dataSource.query(
      'SELECT id, used FROM license_pools WHERE organization_id = $1 ORDER BY id',
      [organizationId],
    ),
  });

  const rows = POLICY_CASES.filter((c) => c.channel === 'sso_sign_in');

  it('covers every sign-in row, new people included', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.some((c) => c.user === 'new')).toBe(true);
  });

  it.each(rows.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { tenant, pools } = await setup(c);
    const before = await state(tenant.id);
    const attributes: Record<string, string | null> = c.requested.present
      ? { licensePoolName: c.requested.value }
      : {};
    const response = await postAcs(
      app,
      tenant.slug,
      base64(samlResponseXml({ sp: spUrls(app, tenant.slug), email: EMAIL, attributes })),
    );
    if (c.expected.outcome === 'rejected') {
      expect(response.status).toBe(403);
      expect(response.text.replace(/&#39;/g, "'")).toMatch(c.expected.message);
      expect(await state(tenant.id)).toEqual(before);
      return;
    }
    expect(response.status).toBe(303);
    const [user] = await app.dataSource.query(
      'SELECT license_pool_id, status, last_login_at FROM users WHERE organization_id = $1 AND user_name = $2',
      [tenant.id, EMAIL],
    );
    expect(user.status).toBe('active');
    expect(user.last_login_at).not.toBeNull();
    switch (c.expected.outcome) {
      case 'default':
        expect(user.license_pool_id).toBe(pools['Default license pool']);
        break;
      case 'unchanged':
        expect(user.license_pool_id).toBe(before.users[0].license_pool_id);
        break;
      case 'assigned':
        expect(user.license_pool_id).toBe(pools[c.expected.pool]);
        break;
    }
    const [{ used, active }] = await app.dataSource.query(
      `SELECT p.used, (SELECT count(*)::int FROM users u WHERE u.license_pool_id = p.id AND u.status = 'active') AS active
         FROM license_pools p WHERE p.id = $1`,
      [user.license_pool_id],
    );
    expect(used).toBe(active);
  });
});

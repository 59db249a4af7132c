import { ProvisioningLogService } from '@rollcall/integration';
import {
  POLICY_CASES,
  type PolicyCase,
} from '../libs/identity/src/license-pools/pool-policy.table';
import { aScimTenant, type ScimTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const ROLLCALL = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The policy table of SPEC §3, run end to end through SCIM (the SCIM channels of the table). */
describe('the pool-assignment policy through SCIM', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  interface Setup {
    tenant: ScimTenant;
    poolIds: Record<string, string>;
  }

  async function organization(customPools: boolean): Promise<Setup> {
    const tenant = await aScimTenant(app);
    await app.dataSource.query('UPDATE organizations SET total_licenses = 20 WHERE id = $1', [
      tenant.id,
    ]);
    if (customPools) {
      const [defaultPool] = await app.dataSource.query(
        'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      await app.dataSource.query('UPDATE license_pools SET capacity = 14 WHERE id = $1', [
        defaultPool.id,
      ]);
      await app.dataSource.query(
        `INSERT INTO license_pools (organization_id, name, is_default, capacity, used)
         VALUES ($1, 'Sales', false, 5, 0), ($1, 'Full', false, 1, 1)`,
        [tenant.id],
      );
    }
    const rows: { id: string; name: string }[] = await app.dataSource.query(
      'SELECT id, name FROM license_pools WHERE organization_id = $1',
      [tenant.id],
    );
    return { tenant, poolIds: Object.fromEntries(rows.map((r) => [r.name, r.id])) };
  }

  async function existingUser(setup: Setup, state: PolicyCase['user']): Promise<string> {
    const created = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', setup.tenant.scimAuth)
      .send({ userName: 'existing@example.com' })
      .expect(201);
    const id = created.body.id as string;
    const place = async (pool: string, status: string) => {
      await app.dataSource.query(
        `UPDATE users SET license_pool_id = $2, status = $3, first_login_at = now() WHERE id = $1`,
        [id, setup.poolIds[pool], status],
      );
      if (status === 'active' && pool !== 'Full') {
        await app.dataSource.query('UPDATE license_pools SET used = used + 1 WHERE id = $1', [
          setup.poolIds[pool],
        ]);
      }
    };
    switch (state) {
      case 'seated_in_default':
        await place('Default license pool', 'active');
        break;
      case 'unseated_in_default':
        break;
      case 'seated_in_sales':
        await place('Sales', 'active');
        break;
      case 'seated_in_full':
        await place('Full', 'active'); // Full's one seat is this user's
        break;
      case 'deactivated_in_full':
        await place('Full', 'deactivated');
        break;
      case 'new':
        throw new Error('not an existing user');
    }
    return id;
  }

  const extension = (c: PolicyCase) =>
    c.requested.present ? { [ROLLCALL]: { licensePoolName: c.requested.value } } : {};

  async function poolOf(id: string): Promise<{ name: string; status: string }> {
    const [row] = await app.dataSource.query(
      'SELECT p.name, u.status FROM users u JOIN license_pools p ON p.id = u.license_pool_id WHERE u.id = $1',
      [id],
    );
    return row;
  }

  const scimCases = POLICY_CASES.filter((c) => c.channel !== 'sso_sign_in');

  it.each(scimCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const setup = await organization(c.customPools);
    let response;
    let id: string | undefined;
    let before: { name: string; status: string } | undefined;
    if (c.channel === 'scim_create') {
      response = await app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', setup.tenant.scimAuth)
        .send({ userName: 'new@example.com', ...extension(c) });
      id = response.body.id as string | undefined;
    } else {
      id = await existingUser(setup, c.user);
      before = await poolOf(id);
      const operations = c.requested.present
        ? [{ op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: c.requested.value }]
        : [{ op: 'replace', path: 'title', value: 'Touched' }];
      response = await app
        .http()
        .patch(`/scim/v2/Users/${id}`)
        .set('Authorization', setup.tenant.scimAuth)
        .send({ schemas: [PATCH_OP], Operations: operations });
    }
    const expected = c.expected;
    if (expected.outcome === 'rejected') {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ scimType: 'invalidValue' });
      expect(response.body.detail).toMatch(expected.message);
      if (before && id) expect(await poolOf(id)).toEqual(before);
      const users = await app.dataSource.query(
        'SELECT count(*)::int AS n FROM users WHERE organization_id = $1',
        [setup.tenant.id],
      );
      expect(users[0].n).toBe(c.channel === 'scim_create' ? 0 : 1);
      return;
    }
    expect(response.status).toBe(c.channel === 'scim_create' ? 201 : 200);
    const after = await poolOf(id!);
    switch (expected.outcome) {
      case 'default':
        expect(after.name).toBe('Default license pool');
        break;
      case 'unchanged':
        expect(after).toEqual(before);
        break;
      case 'assigned':
        expect(after.name).toBe(expected.pool);
        if (expected.pending) expect(after.status).toBe('pending');
        expect(response.body[ROLLCALL]).toEqual({ licensePoolName: expected.pool });
        break;
    }
  });

  it('answers an IdP-shaped sequence that sets, changes, blanks and mistypes licensePoolName', async () => {
    const setup = await organization(true);
    const client = setup.tenant.scimAuth;
    const created = await app
      .http()
      .post('/scim/v2/Users')
      .set('Authorization', client)
      .send({
        userName: 'seq@example.com',
        'urn:ietf:params:scim:schemas:extension:udemy:2.0:User': { licensePoolName: 'sales' },
      })
      .expect(201);
    const id = created.body.id as string;
    expect((await poolOf(id)).name).toBe('Sales');
    const patch = (operations: object[]) =>
      app
        .http()
        .patch(`/scim/v2/Users/${id}`)
        .set('Authorization', client)
        .send({ schemas: [PATCH_OP], Operations: operations });
    await patch([{ op: 'replace', value: { licensePoolName: 'Default License Pool' } }]).expect(
      200,
    );
    expect((await poolOf(id)).name).toBe('Default license pool');
    await patch([
      {
        op: 'Replace',
        path: 'urn:ietf:params:scim:schemas:extension:udemy:2.0:User:licensePoolName',
        value: 'SALES',
      },
    ]).expect(200);
    expect((await poolOf(id)).name).toBe('Sales');
    await patch([{ op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: '' }]).expect(200);
    expect((await poolOf(id)).name).toBe('Default license pool');
    const typo = await patch([
      { op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'Slaes' },
    ]);
    expect(typo.status).toBe(400);
    expect(typo.body.detail).toContain("License pool 'Slaes' does not exist");
    expect((await poolOf(id)).name).toBe('Default license pool');
    const full = await patch([
      { op: 'replace', path: `${ROLLCALL}:licensePoolName`, value: 'Full' },
    ]);
    expect(full.status).toBe(400);
    expect((await poolOf(id)).name).toBe('Default license pool');
    await app
      .http()
      .put(`/scim/v2/Users/${id}`)
      .set('Authorization', client)
      .send({ userName: 'seq@example.com', licensePoolName: 'Sales' })
      .expect(200);
    expect((await poolOf(id)).name).toBe('Sales');
    // A PUT without the attribute leaves the pool alone (rule 2).
    await app
      .http()
      .put(`/scim/v2/Users/${id}`)
      .set('Authorization', client)
      .send({ userName: 'seq@example.com' })
      .expect(200);
    expect((await poolOf(id)).name).toBe('Sales');
    // The provisioning log says which pool was chosen, or why the request was refused.
    const logs = app.app.get(ProvisioningLogService);
    await logs.flush();
    const entries = (
      await app.http().get('/api/v1/scim/logs').set('Authorization', setup.tenant.auth).expect(200)
    ).body.data as { detail: string; status: number; reason: string | null }[];
    // Its reason says which refusal it was, for the portal's explanation (no detail text parsed).
    const refusals = entries.filter((e) => e.status === 400);
    expect(refusals).toEqual([
      expect.objectContaining({
        reason: 'pool_full',
        detail: expect.stringContaining("License pool 'Full' is full (1 of 1 seats used)"),
      }),
      expect.objectContaining({
        reason: 'unknown_pool',
        detail: expect.stringContaining("License pool 'Slaes' does not exist"),
      }),
    ]);
    expect(entries.find((e) => e.status === 201)).toMatchObject({
      detail: "License pool 'Sales'",
      reason: null,
    });
  });

  it('creates by the pools as they are, though this instance chose from a list read before they changed', async () => {
    // The pools are read once and kept; the create's INSERT checks that they have not changed.
    // Here they change behind the app's back (as another instance or an admin would change them).
    const setup = await organization(true);
    const create = (userName: string, licensePoolName?: string) =>
      app
        .http()
        .post('/scim/v2/Users')
        .set('Authorization', setup.tenant.scimAuth)
        .send({
          userName,
          ...(licensePoolName === undefined ? {} : { [ROLLCALL]: { licensePoolName } }),
        });
    const first = await create('first@example.com', 'Sales').expect(201);
    expect((await poolOf(first.body.id)).name).toBe('Sales');
    await app.dataSource.query(
      `INSERT INTO license_pools (organization_id, name, is_default, capacity, used)
       VALUES ($1, 'Late', false, 1, 0)`,
      [setup.tenant.id],
    );
    await app.dataSource.query(`UPDATE license_pools SET name = 'Marketing' WHERE id = $1`, [
      setup.poolIds.Sales,
    ]);
    // First the name this instance still knows: the pool of that name is no more.
    const gone = await create('gone@example.com', 'Sales');
    expect(gone.status).toBe(400);
    expect(gone.body.detail).toContain("License pool 'Sales' does not exist");
    const late = await create('late@example.com', 'Late').expect(201);
    expect(await poolOf(late.body.id)).toEqual({ name: 'Late', status: 'provisioned' });
    const renamed = await create('renamed@example.com', 'Marketing').expect(201);
    expect((await poolOf(renamed.body.id)).name).toBe('Marketing');
    // Seats taken behind its back: whether the new user is pending is read as it is written.
    await app.dataSource.query('UPDATE license_pools SET used = capacity WHERE id = $1', [
      setup.poolIds['Default license pool'],
    ]);
    const pending = await create('pending@example.com').expect(201);
    expect(await poolOf(pending.body.id)).toEqual({
      name: 'Default license pool',
      status: 'pending',
    });
    await app.dataSource.query('UPDATE license_pools SET used = 0 WHERE id = $1', [
      setup.poolIds['Default license pool'],
    ]);
    const seated = await create('free@example.com').expect(201);
    expect((await poolOf(seated.body.id)).status).toBe('provisioned');
    // The pool deleted behind its back (its users moved first, as a deletion does).
    await app.dataSource.query(`UPDATE users SET license_pool_id = $2 WHERE license_pool_id = $1`, [
      setup.poolIds.Full,
      setup.poolIds['Default license pool'],
    ]);
    await app.dataSource.query('DELETE FROM license_pools WHERE id = $1', [setup.poolIds.Full]);
    const deleted = await create('deleted@example.com', 'Full');
    expect(deleted.status).toBe(400);
    expect(deleted.body.detail).toContain("License pool 'Full' does not exist");
  });
});

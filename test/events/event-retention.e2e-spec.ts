import { EventRetentionWorker } from '@rollcall/events';
import { aScimTenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import { startTestApp, testEventsConfig, type TestApp } from '../support/test-app';
import { allEvents } from './support';

describe('event retention', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      events: { ...testEventsConfig(), retentionDays: 30 },
    });
  });
  afterAll(() => app.close());

  it('prunes events older than the retention period; a cursor from before them answers 410 cursor_expired', async () => {
    const tenant = await aScimTenant(app);
    const scim = scimClient(app, tenant);
    const ids: string[] = [];
    for (const userName of ['old1@example.com', 'old2@example.com', 'new@example.com']) {
      const response = await scim.post('/Users', { userName }).expect(201);
      ids.push((response.body as { id: string }).id);
    }
    const before = await allEvents(app, tenant);
    const oldCursor = before.events.find((e) => e.subject.id === ids[0])!.cursor;
    // The first two users' events happened 31 days ago.
    await app.dataSource.query(
      `UPDATE events SET occurred_at = now() - interval '31 days'
       WHERE organization_id = $1 AND (subject_id = ANY($2::uuid[]) OR type = 'scim_integration.enabled')`,
      [tenant.id, ids.slice(0, 2)],
    );
    const deleted = await app.app.get(EventRetentionWorker).pruneAll();
    expect(deleted).toBeGreaterThanOrEqual(3);

    const after = await allEvents(app, tenant);
    expect(after.events.map((e) => [e.type, e.subject.id])).toEqual([['user.created', ids[2]]]);
    const expired = await app
      .http()
      .get('/api/v1/events')
      .query({ after: oldCursor })
      .set('Authorization', tenant.auth);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ code: 'cursor_expired', status: 410 });
    // Nothing left to prune: a second round deletes nothing.
    expect(await app.app.get(EventRetentionWorker).pruneAll()).toBe(0);
  });
});

import type { ScimTenant, Tenant } from '../support/factories';
import { scimClient } from '../support/scim-client';
import type { TestApp } from '../support/test-app';

export interface ApiEvent {
  id: string;
  type: string;
  organizationId: string;
  occurredAt: string;
  actor: Record<string, unknown>;
  subject: { type: string; id: string };
  details: Record<string, unknown>;
  data: Record<string, unknown>;
  cursor: string;
}

/** GET /api/v1/events with the tenant's admin key. */
export async function readEvents(
  app: TestApp,
  tenant: Pick<Tenant, 'auth'>,
  query: Record<string, string | number> = {},
): Promise<{ data: ApiEvent[]; nextCursor: string }> {
  const response = await app
    .http()
    .get('/api/v1/events')
    .query(query)
    .set('Authorization', tenant.auth);
  if (response.status !== 200) {
    throw new Error(`GET /api/v1/events: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body as { data: ApiEvent[]; nextCursor: string };
}

/**
 * Waits until every event the tenant has is readable: events are handed out once every
 * transaction that began before theirs has ended (on PostgreSQL, other sessions' — other suites'
 * — transactions too), which is usually at once and at most milliseconds later.
 */
export async function settled(app: TestApp, tenant: Pick<Tenant, 'id'>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await app.dataSource.query<{ readable: boolean }[]>(
      `SELECT coalesce(max(tx) < pg_snapshot_xmin(pg_current_snapshot()), true) AS readable
       FROM events WHERE organization_id = $1`,
      [tenant.id],
    );
    if (row?.readable) return;
    if (Date.now() > deadline) throw new Error('the event log did not settle within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Reads the tenant's whole log from `after` (the start when absent), following nextCursor, once
 * every event written so far is readable.
 */
export async function allEvents(
  app: TestApp,
  tenant: Pick<Tenant, 'auth' | 'id'>,
  after?: string,
): Promise<{ events: ApiEvent[]; cursor: string }> {
  await settled(app, tenant);
  const events: ApiEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await readEvents(app, tenant, {
      limit: 500,
      ...(cursor !== undefined ? { after: cursor } : {}),
    });
    events.push(...page.data);
    cursor = page.nextCursor;
    if (page.data.length < 500) return { events, cursor };
  }
}

/** A SCIM user as an IdP creates it (name and work email); answers its id. */
export async function scimUser(
  app: TestApp,
  tenant: ScimTenant,
  userName: string,
): Promise<string> {
  const response = await scimClient(app, tenant).post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: userName, type: 'work', primary: true }],
  });
  expect(response.status).toBe(201);
  return (response.body as { id: string }).id;
}

import { Client } from 'pg';
import { aScimTenant, type ScimTenant } from '../support/factories';
import { describeOnPostgres } from '../support/postgres-only';
import { scimClient } from '../support/scim-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { type ApiEvent, readEvents, settled } from './support';

/**
 * The outbox pitfall: events are numbered when written, but transactions commit in another order,
 * so a reader that remembers "the last number I saw" skips an event that commits late. These
 * tests hold transactions open on real PostgreSQL connections and prove the cursor API neither
 * skips nor repeats an event, and that it does skip nothing a position-only reader would have.
 */
describeOnPostgres('event log order under concurrent transactions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function connect(): Promise<Client> {
    if (app.config.database.kind !== 'postgres') throw new Error('PostgreSQL only');
    const client = new Client({ connectionString: app.config.database.url });
    await client.connect();
    return client;
  }

  /**
   * Opens a transaction that writes one event of the tenant's and leaves it uncommitted; with
   * `idFirstMs`, it takes its transaction id that long before it writes (as a change that locks
   * its rows first does), so its position comes after those of transactions that began later.
   */
  async function openTransactionWithEvent(
    client: Client,
    tenant: ScimTenant,
    label: string,
    idFirstMs?: number,
  ) {
    await client.query('BEGIN');
    if (idFirstMs !== undefined) {
      await client.query('SELECT pg_current_xact_id()');
      await new Promise((resolve) => setTimeout(resolve, idFirstMs));
    }
    const { rows } = await client.query<{ id: string; position: string }>(
      `INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
       VALUES ($1, 'group.updated', '{"type":"system","worker":"test"}', 'group', gen_random_uuid(),
               jsonb_build_object('label', $2::text), '{}')
       RETURNING id, position::text`,
      [tenant.id, label],
    );
    return rows[0];
  }

  async function createUser(tenant: ScimTenant, userName: string): Promise<string> {
    const response = await scimClient(app, tenant).post('/Users', { userName });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  it('holds back events that committed after an older transaction still running, then hands out all of them', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant);
    const start = (await readEvents(app, tenant, { after: 'now' })).nextCursor;
    const slow = await connect();
    try {
      const held = await openTransactionWithEvent(slow, tenant, 'slow');
      // Committed after the slow transaction began, with higher positions.
      const ids = [
        await createUser(tenant, 'a@example.com'),
        await createUser(tenant, 'b@example.com'),
      ];
      const { rows: committed } = await slow.query<{ position: string }>(
        `SELECT position::text FROM events WHERE organization_id = $1 AND subject_id = ANY($2::uuid[])`,
        [tenant.id, ids],
      );
      expect(committed.every((row) => BigInt(row.position) > BigInt(held.position))).toBe(true);

      // While it runs, nothing past it is handed out, and the cursor does not move past it.
      const during = await readEvents(app, tenant, { after: start });
      expect(during.data).toEqual([]);
      await slow.query('COMMIT');
      await settled(app, tenant);

      const after = await readEvents(app, tenant, { after: during.nextCursor });
      expect(after.data.map((e) => e.id)).toContain(held.id);
      expect(after.data.filter((e) => e.type === 'user.created').map((e) => e.subject.id)).toEqual(
        ids,
      );
      // Read again from the start: the same events, once each.
      const again = await readEvents(app, tenant, { after: start });
      expect(again.data.map((e) => e.id)).toEqual(after.data.map((e) => e.id));
    } finally {
      await slow.end();
    }
  });

  it('a reader following nextCursor while writers commit out of order sees every event exactly once', async () => {
    const tenant = await aScimTenant(app);
    await settled(app, tenant);
    const start = (await readEvents(app, tenant, { after: 'now' })).nextCursor;
    const seen: ApiEvent[] = [];
    let writing = true;
    let cursor = start;
    const reader = (async () => {
      for (;;) {
        const done = !writing;
        const page = await readEvents(app, tenant, { after: cursor, limit: 7 });
        seen.push(...page.data);
        cursor = page.nextCursor;
        if (done && page.data.length === 0) return;
        if (page.data.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // Raw transactions that write an event, then wait a random while before committing (or
    // rolling back), interleaved with SCIM creates that commit at once.
    const clients = await Promise.all([connect(), connect(), connect(), connect()]);
    let rolledBack = 0;
    const slowWriters = clients.map(async (client, w) => {
      for (let i = 0; i < 15; i++) {
        await openTransactionWithEvent(client, tenant, `w${w}-${i}`, Math.random() * 30);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
        if (i % 5 === 4) {
          await client.query('ROLLBACK');
          rolledBack += 1;
        } else {
          await client.query('COMMIT');
        }
      }
    });
    const creates = (async () => {
      for (let i = 0; i < 40; i++) await createUser(tenant, `user${i}@example.com`);
    })();
    await Promise.all([...slowWriters, creates]);
    // Every writer has finished; the reader stops at its first empty page once all is readable.
    await settled(app, tenant);
    writing = false;
    await reader;
    await Promise.all(clients.map((client) => client.end()));

    const probe = await connect();
    try {
      const { rows } = await probe.query<{ id: string }>(
        `SELECT id FROM events WHERE organization_id = $1 AND type IN ('group.updated', 'user.created')
         ORDER BY tx, position`,
        [tenant.id],
      );
      const expected = rows.map((row) => row.id);
      const seenIds = seen.map((e) => e.id);
      // Nothing twice, nothing missing, in the log's order.
      expect(new Set(seenIds).size).toBe(seenIds.length);
      const written = seen.filter((e) => e.type === 'group.updated' || e.type === 'user.created');
      expect(written.length).toBe(4 * 15 - rolledBack + 40);
      expect(written.map((e) => e.id)).toEqual(expected);
      expect(seenIds.length - written.length).toBe(0);
      // The log's order is not the order of positions: commits did overtake one another, so a
      // reader that went by position alone would have skipped some of these.
      const { rows: byPosition } = await probe.query<{ id: string }>(
        `SELECT id FROM events WHERE organization_id = $1 AND type IN ('group.updated', 'user.created')
         ORDER BY position`,
        [tenant.id],
      );
      expect(byPosition.map((row) => row.id)).not.toEqual(expected);
    } finally {
      await probe.end();
    }
  });
});

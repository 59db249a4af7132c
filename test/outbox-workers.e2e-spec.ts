import { OutboxWorker } from '@rollcall/notifications';
import { aTenant, type Tenant } from './support/factories';
import { mailSettings, startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { serverUrl } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const MESSAGES = 120;

/**
 * Every API instance runs the outbox worker. Two instances on one PostgreSQL database (on the
 * embedded database, which one process owns, one instance whose timer races manual rounds) drain one
 * backlog together: every message goes out exactly once.
 */
describe('outbox workers on several instances', () => {
  let smtp: SmtpSink;
  let instances: TestApp[];
  let tenant: Tenant;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const settings = mailSettings(smtp, { pollIntervalMs: 20 });
    const first = await startTestApp(settings);
    instances = serverUrl() ? [first, await startTestApp(settings, first)] : [first];
    tenant = await aTenant(first);
  });
  afterAll(async () => {
    for (const instance of [...instances].reverse()) await instance.close();
    await smtp.close();
  });

  it(`delivers ${MESSAGES} messages exactly once between them`, async () => {
    const db = instances[0].dataSource;
    await db.query(
      `INSERT INTO outbox_messages (organization_id, kind, recipient, payload)
       SELECT $1, 'scim_credentials_expiring', 'admin' || g || '@example.com',
              jsonb_build_object('expiresAt', (now() + interval '20 days')::text)
       FROM generate_series(1, $2) g`,
      [tenant.id, MESSAGES],
    );
    // Extra rounds by hand on every instance, concurrently with the workers' own timers.
    const manual = instances.flatMap((instance) =>
      [1, 2, 3].map(async () => {
        const worker = instance.app.get(OutboxWorker);
        while ((await worker.drainOnce()) > 0);
      }),
    );
    await Promise.all(manual);
    await smtp.waitFor(MESSAGES, 30_000);

    // A worker records a delivery just after the SMTP server accepts it, so once no message is
    // pending every send has been received. No duplicate can come later: a message is only sent
    // after a claim, a claim counts an attempt, and a sent message is never claimed again.
    const tally = (): Promise<{ attempts: number; sent: boolean; n: number }[]> =>
      db.query(
        `SELECT attempts, sent_at IS NOT NULL AS sent, count(*)::int AS n
         FROM outbox_messages WHERE organization_id = $1 GROUP BY 1, 2`,
        [tenant.id],
      );
    let rows = await tally();
    await waitFor(
      async () => {
        const [{ pending }] = await db.query<{ pending: number }[]>(
          `SELECT count(*)::int AS pending FROM outbox_messages
           WHERE organization_id = $1 AND sent_at IS NULL AND failed_at IS NULL`,
          [tenant.id],
        );
        rows = await tally();
        return pending === 0;
      },
      { what: () => `every message sent or given up (attempts: ${JSON.stringify(rows)})` },
    );
    // Nothing is left to claim on any instance.
    for (const instance of instances)
      expect(await instance.app.get(OutboxWorker).drainOnce()).toBe(0);

    const recipients = smtp.received.flatMap((m) => m.to);
    expect(recipients).toHaveLength(MESSAGES);
    expect(new Set(recipients).size).toBe(MESSAGES);
    expect(await tally()).toEqual([{ attempts: 1, sent: true, n: MESSAGES }]);
  });
});

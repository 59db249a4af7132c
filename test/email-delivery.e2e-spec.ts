import { OutboxService } from '@rollcall/identity';
import { OutboxWorker } from '@rollcall/notifications';
import { oktaCreateUser, oktaDeactivate, oktaReactivate } from './fixtures/okta';
import { aScimTenant, type ScimTenant } from './support/factories';
import { startMailingApp, type SmtpSink } from './support/smtp-sink';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

interface OutboxRow {
  kind: string;
  recipient: string;
  attempts: number;
  sent_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
  retry_in_ms: number;
}

async function outboxRows(app: TestApp, organizationId: string): Promise<OutboxRow[]> {
  return app.dataSource.query(
    `SELECT kind, recipient, attempts, sent_at, failed_at, last_error,
            (EXTRACT(EPOCH FROM available_at - now()) * 1000)::int AS retry_in_ms
     FROM outbox_messages WHERE organization_id = $1 ORDER BY created_at`,
    [organizationId],
  );
}

async function scimUser(app: TestApp, tenant: ScimTenant, email: string): Promise<string> {
  const response = await app
    .http()
    .post('/scim/v2/Users')
    .set('Authorization', tenant.scimAuth)
    .send(oktaCreateUser(email))
    .expect(201);
  return (response.body as { id: string }).id;
}

async function anAdmin(app: TestApp, tenant: ScimTenant, email: string): Promise<void> {
  const id = await scimUser(app, tenant, email);
  await app.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [id]);
}

async function setExpiry(app: TestApp, tenant: ScimTenant, interval: string): Promise<void> {
  await app.dataSource.query(
    `UPDATE scim_integrations SET expires_at = now() + $2::interval WHERE organization_id = $1`,
    [tenant.id, interval],
  );
}

describe('email delivery through the running outbox worker, over SMTP', () => {
  let smtp: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    ({ app, smtp } = await startMailingApp());
  });
  afterAll(() => app.close());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('sends the reactivation email when SCIM reactivates a user', async () => {
    const tenant = await aScimTenant(app);
    const id = await scimUser(app, tenant, 'back.again@example.com');
    for (const body of [oktaDeactivate, oktaReactivate]) {
      await app
        .http()
        .patch(`/scim/v2/Users/${id}`)
        .set('Authorization', tenant.scimAuth)
        .send(body)
        .expect(200);
    }

    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(['back.again@example.com']);
    expect(mail?.from).toBe('no-reply@rollcall.test');
    expect(mail?.subject).toBe(`Your Org ${tenant.slug} account is active again`);
    expect(mail?.text).toContain('Hello Test User,');
    expect(mail?.text).toContain('was reactivated by your organization');
    expect(mail?.text).toContain(`http://rollcall.test/sso/saml/${tenant.slug}/login`);
    // The worker records the delivery just after the SMTP server accepts the message.
    const row = await waitFor(
      async () => {
        const [first] = await outboxRows(app, tenant.id);
        return first?.sent_at ? first : undefined;
      },
      { what: 'the reactivation message recorded as sent' },
    );
    expect(row).toMatchObject({ kind: 'user_reactivated', attempts: 1, last_error: null });
    expect(row?.sent_at).toBeInstanceOf(Date);
  });

  it('warns the admins once when the SCIM token expires within 30 days, then once when it has expired', async () => {
    const tenant = await aScimTenant(app);
    await anAdmin(app, tenant, 'admin.one@example.com');
    await anAdmin(app, tenant, 'admin.two@example.com');
    await scimUser(app, tenant, 'not.an.admin@example.com');
    const worker = app.app.get(OutboxWorker);

    await setExpiry(app, tenant, '10 days');
    expect(await worker.checkExpiries()).toBe(2);
    expect(await worker.checkExpiries()).toBe(0);
    const warnings = await smtp.waitFor(2);
    expect(warnings.flatMap((m) => m.to).sort()).toEqual([
      'admin.one@example.com',
      'admin.two@example.com',
    ]);
    const [expiresAt] = await app.dataSource.query<{ expires_at: Date }[]>(
      'SELECT expires_at FROM scim_integrations WHERE organization_id = $1',
      [tenant.id],
    );
    const day = expiresAt.expires_at.toISOString().slice(0, 10);
    for (const mail of warnings) {
      expect(mail.subject).toBe(`Org ${tenant.slug}: SCIM token expires on ${day}`);
      expect(mail.text).toContain(`The SCIM credentials of Org ${tenant.slug} expire on ${day}`);
      expect(mail.text).toContain('POST /api/v1/scim/integration/rotate');
    }

    smtp.received.length = 0;
    await setExpiry(app, tenant, '-1 hour');
    expect(await worker.checkExpiries()).toBe(2);
    expect(await worker.checkExpiries()).toBe(0);
    const expired = await smtp.waitFor(2);
    for (const mail of expired) {
      expect(mail.subject).toBe(`Org ${tenant.slug}: SCIM token expired, provisioning has stopped`);
      expect(mail.text).toContain('Every SCIM request from your identity provider is now refused');
    }

    // Rotating starts over: the new credentials get their own warnings in two years.
    await app
      .http()
      .post('/api/v1/scim/integration/rotate')
      .set('Authorization', tenant.auth)
      .expect(201);
    const [flags] = await app.dataSource.query<unknown[]>(
      'SELECT expiry_warning_sent_at, expired_notice_sent_at FROM scim_integrations WHERE organization_id = $1',
      [tenant.id],
    );
    expect(flags).toEqual({ expiry_warning_sent_at: null, expired_notice_sent_at: null });
    expect(await worker.checkExpiries()).toBe(0);
    await setExpiry(app, tenant, '-1 day');
    expect(await worker.checkExpiries()).toBe(2);
    const kinds = (await outboxRows(app, tenant.id)).map((r) => r.kind);
    expect(kinds.filter((k) => k === 'scim_credentials_expiring')).toHaveLength(2);
    // Already expired when first seen: only the "expired" notice.
    expect(kinds.filter((k) => k === 'scim_credentials_expired')).toHaveLength(4);
  });
});

describe('email delivery retries with exponential backoff, then gives up', () => {
  let smtp: SmtpSink;
  let app: TestApp;
  let worker: OutboxWorker;

  beforeAll(async () => {
    // The worker does not run by itself here: the test drives each round.
    ({ app, smtp } = await startMailingApp({ worker: false }));
    worker = app.app.get(OutboxWorker);
  });
  afterAll(() => app.close());

  async function warnAdmin(tenant: ScimTenant): Promise<void> {
    await setExpiry(app, tenant, '5 days');
    expect(await worker.checkExpiries()).toBe(1);
  }

  async function makeDue(tenant: ScimTenant): Promise<void> {
    await app.dataSource.query(
      'UPDATE outbox_messages SET available_at = now() WHERE organization_id = $1',
      [tenant.id],
    );
  }

  /**
   * Runs one worker round and answers when the tenant's message is due again, counted from the
   * database's clock just before and just after the round: a retry in `d` ms lies in between
   * (to the millisecond `available_at` keeps), however long the round took.
   */
  async function retryAfterRound(
    tenant: ScimTenant,
  ): Promise<{ claimed: number; fromStart: number; fromEnd: number }> {
    const now = async (): Promise<string> =>
      (await app.dataSource.query('SELECT now()::text AS t'))[0].t;
    const start = await now();
    const claimed = await worker.drainOnce();
    const end = await now();
    const [row] = await app.dataSource.query(
      `SELECT (EXTRACT(EPOCH FROM available_at - $2::timestamptz) * 1000)::float8 AS from_start,
              (EXTRACT(EPOCH FROM available_at - $3::timestamptz) * 1000)::float8 AS from_end
       FROM outbox_messages WHERE organization_id = $1`,
      [tenant.id, start, end],
    );
    return { claimed, fromStart: row.from_start, fromEnd: row.from_end };
  }

  const expectRetryIn = (round: { fromStart: number; fromEnd: number }, delayMs: number): void => {
    expect(round.fromStart).toBeGreaterThanOrEqual(delayMs - 0.5);
    expect(round.fromEnd).toBeLessThanOrEqual(delayMs + 0.5);
  };

  it('retries a refused message after 30 s, then 60 s, and marks it failed after the last attempt', async () => {
    const tenant = await aScimTenant(app);
    await anAdmin(app, tenant, 'retry.admin@example.com');
    await warnAdmin(tenant);
    smtp.rejectNext(100);

    const first = await retryAfterRound(tenant);
    expect(first.claimed).toBe(1);
    let [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null });
    expect(row?.last_error).toMatch(/451/);
    expectRetryIn(first, 30_000);
    expect(await worker.drainOnce()).toBe(0); // not due yet

    await makeDue(tenant);
    const second = await retryAfterRound(tenant);
    expect(second.claimed).toBe(1);
    [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ attempts: 2, sent_at: null, failed_at: null });
    expectRetryIn(second, 60_000);

    await makeDue(tenant);
    expect(await worker.drainOnce()).toBe(1);
    [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ attempts: 3, sent_at: null });
    expect(row?.failed_at).toBeInstanceOf(Date);
    expect(row?.last_error).toMatch(/451/);
    await makeDue(tenant);
    expect(await worker.drainOnce()).toBe(0); // failed for good
    expect(smtp.received).toHaveLength(0);

    const metrics = await app.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^rollcall_outbox_messages\{state="failed"\} 1$/m);
    expect(metrics.text).toMatch(
      /^rollcall_emails_total\{kind="scim_credentials_expiring",result="retry"\} 2$/m,
    );
    expect(metrics.text).toMatch(
      /^rollcall_emails_total\{kind="scim_credentials_expiring",result="failed"\} 1$/m,
    );
  });

  it('delivers once the server accepts again, exactly once', async () => {
    const tenant = await aScimTenant(app);
    await anAdmin(app, tenant, 'second.try@example.com');
    await warnAdmin(tenant);
    smtp.rejectNext(1);
    expect(await worker.drainOnce()).toBe(1);
    expect(smtp.received).toHaveLength(0);
    await makeDue(tenant);
    expect(await worker.drainOnce()).toBe(1);
    expect(await worker.drainOnce()).toBe(0);
    expect(smtp.received.map((m) => m.to)).toEqual([['second.try@example.com']]);
    const [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ attempts: 2, failed_at: null, last_error: null });
    expect(row?.sent_at).toBeInstanceOf(Date);
  });

  it('a claim handed back untried is due again at once, its attempt not counted', async () => {
    const tenant = await aScimTenant(app);
    await anAdmin(app, tenant, 'handed.back@example.com');
    await warnAdmin(tenant);
    const outbox = app.app.get(OutboxService);
    const claimed = await outbox.claim(50, 60_000);
    const mine = claimed.filter((m) => m.recipient === 'handed.back@example.com');
    expect(mine).toHaveLength(1);
    expect(await outbox.claim(50, 60_000)).toEqual([]); // claimed: nobody else gets it
    for (const message of claimed) await outbox.release(message);
    const [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ attempts: 0, sent_at: null, failed_at: null });
    expect(row?.retry_in_ms).toBeLessThanOrEqual(0);
    expect(await worker.drainOnce()).toBe(1);
    expect(smtp.received.flatMap((m) => m.to)).toContain('handed.back@example.com');
  });

  it('does not send the reactivation email of a user deactivated again since', async () => {
    const tenant = await aScimTenant(app);
    const id = await scimUser(app, tenant, 'flip.flop@example.com');
    for (const body of [oktaDeactivate, oktaReactivate, oktaDeactivate]) {
      await app
        .http()
        .patch(`/scim/v2/Users/${id}`)
        .set('Authorization', tenant.scimAuth)
        .send(body)
        .expect(200);
    }
    const before = smtp.received.length;
    await worker.drainOnce();
    expect(smtp.received).toHaveLength(before);
    const [row] = await outboxRows(app, tenant.id);
    expect(row?.sent_at).toBeInstanceOf(Date);
    expect(row?.last_error).toBe('not sent: the user is deactivated');
  });
});

describe('email delivery without SMTP_URL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('writes the mail to the log and marks it sent', async () => {
    const tenant = await aScimTenant(app);
    await anAdmin(app, tenant, 'log.only@example.com');
    const worker = app.app.get(OutboxWorker);
    await setExpiry(app, tenant, '1 day');
    expect(await worker.checkExpiries()).toBe(1);
    expect(await worker.drainOnce()).toBe(1);
    const [row] = await outboxRows(app, tenant.id);
    expect(row).toMatchObject({ recipient: 'log.only@example.com', attempts: 1, last_error: null });
    expect(row?.sent_at).toBeInstanceOf(Date);
  });
});

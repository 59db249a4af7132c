import { OutboxWorker } from '../../libs/notifications/src/outbox-worker';
import { SamlMaintenanceWorker } from '../../libs/saml/src/connection/saml-maintenance.worker';
import { selfSignedCertificate } from '../../libs/saml/src/keys/self-signed';
import { readEvents, settled } from '../events/support';
import { aTenant, type Tenant } from '../support/factories';
import {
  base64,
  configureSaml,
  encryptedSamlResponseXml,
  IDP_KEY,
  idpMetadataXml,
  OTHER_KEY,
  postAcs,
  redirectSignatureBy,
  samlResponseXml,
  spCertificates,
  spUrls,
  startMetadataServer,
  type AssertionOptions,
  type KeyPair,
  type MetadataServer,
} from '../support/saml';
import { suiteLogSink } from '../support/suite-logs';
import { startTestApp, type TestApp } from '../support/test-app';

/** The parts of GET /api/v1/sso/saml these tests read. */
interface ConnectionView {
  configured: boolean;
  maxAssertionAgeSeconds: number;
  maxAuthenticationAgeSeconds: number | null;
  idpCertificates: unknown[];
  idpMetadata: { status: string; lastError: string | null };
  serviceProvider: { certificates: { use: string; status: string }[] };
}

/**
 * SAML breadth (docs/saml.md): the maximum assertion age, encrypted assertions, signed
 * AuthnRequests, SP key rollover, the IdP metadata refresh and the certificate expiry notices.
 */
describe('SAML breadth', () => {
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    // Lines kept for the assertions below, and still written for the teardown's secret scan.
    const suiteSink = suiteLogSink();
    app = await startTestApp({
      logLevel: 'debug',
      logSink: {
        write: (line) => {
          lines.push(line);
          suiteSink?.write(line);
        },
      },
    });
  });
  afterAll(async () => {
    // Whatever happened above, no SP private key reached the log.
    expect(lines.join('\n')).not.toMatch(/PRIVATE KEY|MIIE[A-Za-z0-9+/]{60}/);
    await app.close();
  });

  async function samlTenant(extra: Record<string, unknown> = {}): Promise<Tenant> {
    const tenant = await aTenant(app);
    await configureSaml(app, tenant.adminApiKey, extra);
    return tenant;
  }

  const options = (tenant: Tenant, extra: Partial<AssertionOptions> = {}): AssertionOptions => ({
    sp: spUrls(app, tenant.slug),
    email: `p${Math.random().toString(36).slice(2, 10)}@example.com`,
    ...extra,
  });
  const respond = (tenant: Tenant, extra: Partial<AssertionOptions> = {}) =>
    base64(samlResponseXml(options(tenant, extra)));
  const respondEncrypted = async (
    tenant: Tenant,
    certificate: string,
    extra: Partial<AssertionOptions> = {},
  ) => base64(await encryptedSamlResponseXml(options(tenant, extra), certificate));

  const lastSignIn = async (tenant: Tenant) =>
    (await app.http().get('/api/v1/sso/sign-ins').set('Authorization', tenant.auth).expect(200))
      .body.data[0] as { outcome: string; reason: string; detail: string };
  const connection = async (tenant: Tenant) =>
    (await app.http().get('/api/v1/sso/saml').set('Authorization', tenant.auth).expect(200))
      .body as ConnectionView;
  const metadata = async (tenant: Tenant) =>
    (await app.http().get(`/sso/saml/${tenant.slug}/metadata`).expect(200)).text;
  const keyDescriptors = (xml: string, use: string) =>
    xml.split(`<md:KeyDescriptor use="${use}">`).length - 1;
  const rollover = (tenant: Tenant, step: 'start' | 'finish', body: object = {}) =>
    app
      .http()
      .post(`/api/v1/sso/saml/sp-keys/rollover/${step}`)
      .set('Authorization', tenant.auth)
      .send(body);
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  describe('maximum assertion age', () => {
    it('refuses an assertion issued longer ago than 300 s (plus the skew), by default', async () => {
      const tenant = await samlTenant();
      expect((await connection(tenant)).maxAssertionAgeSeconds).toBe(300);
      const old = await postAcs(app, tenant.slug, respond(tenant, { issueInstant: minutesAgo(7) }));
      expect(old.status).toBe(400);
      expect(old.text).toContain('maxAssertionAgeSeconds');
      expect(await lastSignIn(tenant)).toMatchObject({ outcome: 'rejected', reason: 'too_old' });
      // 5 minutes and 40 seconds: within 300 s plus 60 s of clock skew.
      const skewed = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { issueInstant: new Date(Date.now() - 340_000) }),
      );
      expect(skewed.status).toBe(303);
    });

    it("reads the Response's IssueInstant too", async () => {
      const tenant = await samlTenant();
      const old = await postAcs(
        app,
        tenant.slug,
        respond(tenant, { responseIssueInstant: minutesAgo(10) }),
      );
      expect(old.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'too_old' });
      expect((await lastSignIn(tenant)).detail).toMatch(/^The response was issued 600 s ago/);
    });

    it('follows the connection setting, and checks AuthnInstant only when asked to', async () => {
      const tenant = await samlTenant({ maxAssertionAgeSeconds: 900 });
      const tenMinutes = { issueInstant: minutesAgo(10) };
      expect((await postAcs(app, tenant.slug, respond(tenant, tenMinutes))).status).toBe(303);
      // An IdP session two hours old: not checked by default.
      const session = { authnInstant: minutesAgo(120) };
      expect((await postAcs(app, tenant.slug, respond(tenant, session))).status).toBe(303);
      await configureSaml(app, tenant.adminApiKey, { maxAuthenticationAgeSeconds: 3600 });
      expect(await connection(tenant)).toMatchObject({
        maxAssertionAgeSeconds: 900,
        maxAuthenticationAgeSeconds: 3600,
      });
      const stale = await postAcs(app, tenant.slug, respond(tenant, session));
      expect(stale.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'authentication_too_old' });
      expect((await postAcs(app, tenant.slug, respond(tenant))).status).toBe(303);
    });

    it('refuses settings out of range', async () => {
      const tenant = await aTenant(app);
      for (const body of [{ maxAssertionAgeSeconds: 5 }, { maxAuthenticationAgeSeconds: 'x' }]) {
        await app
          .http()
          .put('/api/v1/sso/saml')
          .set('Authorization', tenant.auth)
          .send({ idpMetadataXml: idpMetadataXml(), ...body })
          .expect(400);
      }
    });
  });

  describe('encrypted assertions and the SP keys', () => {
    it('publishes the SP certificates (never a private key) once SAML is configured', async () => {
      const tenant = await aTenant(app);
      expect(keyDescriptors(await metadata(tenant), 'encryption')).toBe(0);
      await configureSaml(app, tenant.adminApiKey);
      const xml = await metadata(tenant);
      expect(keyDescriptors(xml, 'encryption')).toBe(1);
      expect(keyDescriptors(xml, 'signing')).toBe(1);
      expect(xml).toContain('AuthnRequestsSigned="false"');
      const view = await connection(tenant);
      expect(view.serviceProvider.certificates).toEqual([
        expect.objectContaining({ use: 'signing', status: 'current' }),
        expect.objectContaining({ use: 'encryption', status: 'current' }),
      ]);
      expect(JSON.stringify(view)).not.toContain('PRIVATE KEY');
      expect(xml).not.toContain('PRIVATE KEY');
      const stored = await app.dataSource.query<{ private_key: string }[]>(
        'SELECT private_key FROM saml_sp_keys WHERE organization_id = $1',
        [tenant.id],
      );
      expect(stored).toHaveLength(2);
      for (const row of stored) {
        expect(row.private_key).toMatch(/^v1\./);
        expect(row.private_key).not.toContain('PRIVATE');
      }
    });

    it('decrypts an EncryptedAssertion, and refuses one encrypted to another key', async () => {
      const tenant = await samlTenant();
      const { encryption } = await spCertificates(app, tenant.adminApiKey);
      const ok = await postAcs(app, tenant.slug, await respondEncrypted(tenant, encryption[0]));
      expect(ok.status).toBe(303);
      expect(await lastSignIn(tenant)).toMatchObject({ outcome: 'success' });
      const stranger = await postAcs(
        app,
        tenant.slug,
        await respondEncrypted(tenant, OTHER_KEY.cert),
      );
      expect(stranger.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'decryption_failed' });
      // Encrypted, but the assertion inside is signed by a stranger: still a signature failure.
      const forged = await postAcs(
        app,
        tenant.slug,
        await respondEncrypted(tenant, encryption[0], { signingKey: OTHER_KEY }),
      );
      expect(forged.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'invalid_signature' });
    });

    it('requires encryption when requireEncryptedAssertions is on', async () => {
      const tenant = await samlTenant({ requireEncryptedAssertions: true });
      const plain = await postAcs(app, tenant.slug, respond(tenant));
      expect(plain.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'not_encrypted' });
      const { encryption } = await spCertificates(app, tenant.adminApiKey);
      expect(
        (await postAcs(app, tenant.slug, await respondEncrypted(tenant, encryption[0]))).status,
      ).toBe(303);
    });

    it('rolls the encryption key over: old and new published and decrypting, then only the new', async () => {
      const tenant = await samlTenant();
      const [old] = (await spCertificates(app, tenant.adminApiKey)).encryption;
      const started = await rollover(tenant, 'start', { use: 'encryption' }).expect(200);
      expect(
        (started.body.serviceProvider.certificates as { use: string; status: string }[]).map(
          (c) => `${c.use}:${c.status}`,
        ),
      ).toEqual(['signing:current', 'encryption:current', 'encryption:previous']);
      const both = (await spCertificates(app, tenant.adminApiKey)).encryption;
      expect(both).toHaveLength(2);
      expect(both[1]).toBe(old);
      expect(keyDescriptors(await metadata(tenant), 'encryption')).toBe(2);
      for (const certificate of both) {
        const response = await postAcs(
          app,
          tenant.slug,
          await respondEncrypted(tenant, certificate),
        );
        expect(response.status).toBe(303);
      }
      await rollover(tenant, 'start', { use: 'encryption' }).expect(409);
      await rollover(tenant, 'finish', { use: 'encryption' }).expect(200);
      expect(keyDescriptors(await metadata(tenant), 'encryption')).toBe(1);
      expect((await spCertificates(app, tenant.adminApiKey)).encryption).toEqual([both[0]]);
      const late = await postAcs(app, tenant.slug, await respondEncrypted(tenant, old));
      expect(late.status).toBe(400);
      expect(await lastSignIn(tenant)).toMatchObject({ reason: 'decryption_failed' });
      await rollover(tenant, 'finish').expect(409);
    });

    it('answers 404 without a connection and 400 for an unknown use', async () => {
      const tenant = await aTenant(app);
      await rollover(tenant, 'start').expect(404);
      const configured = await samlTenant();
      await rollover(configured, 'start', { use: 'everything' }).expect(400);
    });
  });

  describe('signed AuthnRequests', () => {
    const login = async (tenant: Tenant) =>
      (await app.http().get(`/sso/saml/${tenant.slug}/login?RelayState=/home`).expect(302)).headers[
        'location'
      ];

    it('signs the HTTP-Redirect AuthnRequest with the current signing key when enabled', async () => {
      const tenant = await samlTenant();
      expect(new URL(await login(tenant)).searchParams.has('Signature')).toBe(false);
      await configureSaml(app, tenant.adminApiKey, { signAuthnRequests: true });
      expect(await metadata(tenant)).toContain('AuthnRequestsSigned="true"');
      const location = await login(tenant);
      const query = new URL(location).searchParams;
      expect(query.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const { signing } = await spCertificates(app, tenant.adminApiKey);
      expect(redirectSignatureBy(location, signing)).toBe(0);
      // The signature covers RelayState: another one does not verify.
      expect(
        redirectSignatureBy(location.replace('RelayState=%2Fhome', 'RelayState=%2Fx'), signing),
      ).toBe(-1);
      expect(redirectSignatureBy(location, [OTHER_KEY.cert])).toBe(-1);
    });

    it('rolls the signing key over: both published, the old one signs until the finish', async () => {
      const tenant = await samlTenant({ signAuthnRequests: true });
      const [old] = (await spCertificates(app, tenant.adminApiKey)).signing;
      await rollover(tenant, 'start', { use: 'signing' }).expect(200);
      const { signing, encryption } = await spCertificates(app, tenant.adminApiKey);
      expect(signing).toHaveLength(2);
      expect(encryption).toHaveLength(1);
      expect(signing[1]).toBe(old);
      expect(keyDescriptors(await metadata(tenant), 'signing')).toBe(2);
      expect(redirectSignatureBy(await login(tenant), signing)).toBe(1);
      await rollover(tenant, 'finish', { use: 'signing' }).expect(200);
      expect(keyDescriptors(await metadata(tenant), 'signing')).toBe(1);
      expect(redirectSignatureBy(await login(tenant), [signing[0]])).toBe(0);
    });
  });

  describe('IdP metadata from its URL', () => {
    let server: MetadataServer;
    beforeAll(async () => {
      server = await startMetadataServer();
    });
    afterAll(() => server.close());
    const worker = () => app.app.get(SamlMaintenanceWorker);
    const hoursLater = (hours: number) => new Date(Date.now() + hours * 3_600_000);

    /** An organization whose SAML connection is configured from the metadata server's URL. */
    async function metadataUrlTenant(): Promise<{ tenant: Tenant; configured: ConnectionView }> {
      server.answer = { status: 200, body: idpMetadataXml() };
      const tenant = await aTenant(app);
      const configured = await app
        .http()
        .put('/api/v1/sso/saml')
        .set('Authorization', tenant.auth)
        .send({ idpMetadataUrl: server.url })
        .expect(200);
      return { tenant, configured: configured.body as ConnectionView };
    }

    it('is read at configuration, then again on schedule, taking in new signing certificates', async () => {
      const { tenant, configured } = await metadataUrlTenant();
      expect(configured.idpMetadata).toMatchObject({
        url: server.url,
        status: 'ok',
        lastError: null,
      });
      expect(configured.idpCertificates).toHaveLength(1);
      const signedByNext = () => respond(tenant, { signingKey: OTHER_KEY });
      expect((await postAcs(app, tenant.slug, signedByNext())).status).toBe(400);

      // The IdP's rollover: its metadata lists the current and the next certificate.
      server.answer = {
        status: 200,
        body: idpMetadataXml({ certificates: [IDP_KEY.cert, OTHER_KEY.cert] }),
      };
      expect(await worker().refreshDue()).toEqual({ changed: 0, unchanged: 0, failed: 0 });
      expect(await worker().refreshDue(hoursLater(7))).toMatchObject({ changed: 1 });
      expect((await connection(tenant)).idpCertificates).toHaveLength(2);
      expect((await postAcs(app, tenant.slug, signedByNext())).status).toBe(303);
      await settled(app, tenant);
      const events = await readEvents(app, tenant, { types: 'sso_connection.updated' });
      expect(events.data.at(-1)).toMatchObject({
        actor: { type: 'system', worker: 'saml-metadata-refresh' },
      });
    });

    it('keeps the certificates and says why when a fetch fails', async () => {
      const { tenant } = await metadataUrlTenant();
      server.answer = { status: 500, body: 'down' };
      const before = lines.length;
      expect((await worker().refreshDue(hoursLater(7))).failed).toBeGreaterThanOrEqual(1);
      const view = await connection(tenant);
      expect(view.idpMetadata).toMatchObject({
        status: 'failing',
        lastError: 'the metadata URL answered 500',
      });
      expect(view.idpCertificates).toHaveLength(1);
      expect(lines.slice(before).join('\n')).toContain(
        'IdP metadata refresh failed: the metadata URL answered 500',
      );
      expect((await postAcs(app, tenant.slug, respond(tenant))).status).toBe(303);
      // Metadata for another IdP is refused too.
      server.answer = { status: 200, body: idpMetadataXml({ entityId: 'https://evil.test/idp' }) };
      await worker().refreshDue(hoursLater(14));
      expect((await connection(tenant)).idpMetadata.lastError).toMatch(/not https:\/\/idp\.test/);
      server.answer = { status: 200, body: idpMetadataXml() };
      await worker().refreshDue(hoursLater(21));
      expect((await connection(tenant)).idpMetadata).toMatchObject({
        status: 'ok',
        lastError: null,
      });
    });

    it('refuses a private address unless the allow-private setting is on', async () => {
      // The webhooks' setting (ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS), read at each fetch.
      app.config.events.webhooks.allowPrivateUrls = false;
      try {
        const tenant = await aTenant(app);
        const refused = await app
          .http()
          .put('/api/v1/sso/saml')
          .set('Authorization', tenant.auth)
          .send({ idpMetadataUrl: server.url })
          .expect(400);
        expect(refused.body.detail).toMatch(
          /idpMetadataUrl: .*127\.0\.0\.1 is a private, loopback/,
        );
        expect(refused.body.detail).toContain('IdP metadata is fetched from public addresses only');
        expect((await connection(tenant)).configured).toBe(false);
      } finally {
        app.config.events.webhooks.allowPrivateUrls = true;
      }
    });

    it('refuses the scheduled fetch of a private address too', async () => {
      const { tenant } = await metadataUrlTenant();
      const requests = server.requests;
      app.config.events.webhooks.allowPrivateUrls = false;
      try {
        await worker().refreshDue(hoursLater(30));
      } finally {
        app.config.events.webhooks.allowPrivateUrls = true;
      }
      expect(server.requests).toBe(requests);
      expect((await connection(tenant)).idpMetadata).toMatchObject({
        status: 'failing',
        lastError: expect.stringContaining('private, loopback'),
      });
    });
  });

  describe('IdP certificate expiry notices', () => {
    const worker = () => app.app.get(SamlMaintenanceWorker);
    const daysLater = (days: number) => new Date(Date.now() + days * 86_400_000);

    async function expiringKey(days: number): Promise<KeyPair> {
      const pair = await selfSignedCertificate({
        commonName: 'expiring-idp',
        notAfter: daysLater(days),
      });
      return { key: pair.privateKey, cert: pair.certificate };
    }

    it('tells the admins (email and event) 90 and then 30 days ahead, once each', async () => {
      const expiring = await expiringKey(60);
      const tenant = await samlTenant({ idpCertificate: `${IDP_KEY.cert}\n${expiring.cert}` });
      // An admin with an email, who signed in once.
      expect(
        (await postAcs(app, tenant.slug, respond(tenant, { email: 'boss@example.com' }))).status,
      ).toBe(303);
      await app.dataSource.query(
        `UPDATE users SET role = 'admin' WHERE organization_id = $1 AND user_name = 'boss@example.com'`,
        [tenant.id],
      );
      const notices = async () =>
        app.dataSource.query<
          { recipient: string; payload: { thresholdDays: number; validTo: string } }[]
        >(
          `SELECT recipient, payload FROM outbox_messages WHERE organization_id = $1 AND kind = 'saml_certificate_expiring' ORDER BY created_at`,
          [tenant.id],
        );

      await worker().checkCertificateExpiry();
      expect(await notices()).toEqual([
        { recipient: 'boss@example.com', payload: expect.objectContaining({ thresholdDays: 90 }) },
      ]);
      await worker().checkCertificateExpiry();
      expect(await notices()).toHaveLength(1);
      await worker().checkCertificateExpiry(daysLater(35));
      await worker().checkCertificateExpiry(daysLater(36));
      expect((await notices()).map((n) => n.payload.thresholdDays)).toEqual([90, 30]);

      await settled(app, tenant);
      const events = await readEvents(app, tenant, {
        types: 'sso_connection.certificate_expiring',
      });
      expect(events.data).toHaveLength(2);
      expect(events.data[0]).toMatchObject({
        type: 'sso_connection.certificate_expiring',
        details: { thresholdDays: 90, subject: 'CN=expiring-idp' },
        actor: { type: 'system', worker: 'saml-certificate-expiry' },
      });
    });

    it('renders the email through the outbox', async () => {
      const sent = lines.length;
      await app.app.get(OutboxWorker).drainOnce();
      const mail = lines
        .slice(sent)
        .map((line) => JSON.parse(line) as { kind?: string; subject?: string; text?: string })
        .find((entry) => entry.kind === 'saml_certificate_expiring' && entry.subject);
      expect(mail?.subject).toMatch(/signing certificate expires on \d{4}-\d{2}-\d{2}$/);
      expect(mail?.text).toContain('PUT /api/v1/sso/saml');
    });
  });
});

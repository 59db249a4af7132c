import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import * as samlify from 'samlify';
import { IDP_KEY, idpMetadataXml, type KeyPair, redirectSignatureBy } from './saml';

/**
 * A SAML 2.0 identity provider for browser tests, built on samlify (a maintained SAML library): it
 * reads the service provider's metadata from Rollcall's metadata URL at every request (so it sees
 * an SP key rollover), receives the AuthnRequest over HTTP-Redirect and, when the metadata says
 * AuthnRequestsSigned="true", verifies its signature against the SP's signing certificates (SAML
 * bindings §3.4.4.1) and refuses it otherwise; shows a sign-in form, and answers with a signed
 * (and, when asked, encrypted) response through an auto-submitted HTTP-POST form, as Okta or Entra
 * do. Its own metadata (GET /metadata) lists its signing certificates, for Rollcall to fetch.
 */
export interface TestIdp {
  url: string;
  entityId: string;
  ssoUrl: string;
  metadataUrl: string;
  certificate: string;
  /** Attributes to send for a person, by email (e.g. licensePoolName). */
  attributesFor: Map<string, Record<string, string>>;
  /** The AuthnRequest ids received. */
  requests: string[];
  /**
   * For each signed AuthnRequest, the index (in the SP metadata's signing certificates, current
   * first) of the certificate that verified it; -1 when none did (the request was refused).
   */
  verifiedWith: number[];
  /** What the IdP does; change it between sign-ins. */
  settings: {
    /** Signs responses (the assertion) with this key. */
    signingKey: KeyPair;
    /** The certificates its metadata publishes (during its own rollover: old and new). */
    publishedCertificates: string[];
    /** Encrypt the assertion: to the SP's current encryption certificate, or the previous one. */
    encrypt: 'no' | 'current' | 'previous';
    /** Shifts the response's IssueInstant (negative: an old response). */
    issueInstantOffsetMs: number;
  };
  close(): Promise<void>;
}

// The IdP side does not schema-validate Rollcall's AuthnRequests (that needs Java or a WASM xmllint).
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const pem = (body: string) =>
  `-----BEGIN CERTIFICATE-----\n${body
    .replace(/\s+/g, '')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----`;

/** What an IdP reads from SP metadata: where to answer, and the SP's certificates by use. */
interface SpDescription {
  entityId: string;
  acsUrl: string;
  authnRequestsSigned: boolean;
  signing: string[];
  encryption: string[];
}

function readSpMetadata(xml: string): SpDescription {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const entity = document.documentElement;
  const descriptor = entity.getElementsByTagNameNS(MD, 'SPSSODescriptor')[0];
  const certificates = (use: string) =>
    Array.from(descriptor.getElementsByTagNameNS(MD, 'KeyDescriptor'))
      .filter((k) => k.getAttribute('use') === use)
      .map((k) => pem(k.getElementsByTagNameNS(DS, 'X509Certificate')[0]?.textContent ?? ''));
  const acs = Array.from(descriptor.getElementsByTagNameNS(MD, 'AssertionConsumerService')).find(
    (a) => a.getAttribute('Binding') === POST,
  );
  return {
    entityId: entity.getAttribute('entityID') ?? '',
    acsUrl: acs?.getAttribute('Location') ?? '',
    authnRequestsSigned: descriptor.getAttribute('AuthnRequestsSigned') === 'true',
    signing: certificates('signing'),
    encryption: certificates('encryption'),
  };
}

/** Starts the IdP on `host` (a loopback name) and a free port, trusting the SP metadata at `spMetadataUrl`. */
export async function startTestIdp(spMetadataUrl: string, host = 'localhost'): Promise<TestIdp> {
  const attributesFor = new Map<string, Record<string, string>>();
  const requests: string[] = [];
  const verifiedWith: number[] = [];
  const settings: TestIdp['settings'] = {
    signingKey: IDP_KEY,
    publishedCertificates: [IDP_KEY.cert],
    encrypt: 'no',
    issueInstantOffsetMs: 0,
  };
  const urls = { base: '' };

  /** The SP as samlify sees it, from its metadata as of now. */
  async function serviceProvider() {
    const description = readSpMetadata(await (await fetch(spMetadataUrl)).text());
    const encryptCert =
      settings.encrypt === 'no'
        ? undefined
        : description.encryption[settings.encrypt === 'current' ? 0 : 1];
    if (settings.encrypt !== 'no' && !encryptCert) {
      throw new Error(`the SP metadata has no ${settings.encrypt} encryption certificate`);
    }
    const sp = samlify.ServiceProvider({
      entityID: description.entityId,
      assertionConsumerService: [{ Binding: POST, Location: description.acsUrl }],
      wantAssertionsSigned: true,
      ...(encryptCert ? { encryptCert } : {}),
    });
    return { sp, description };
  }

  function identityProvider() {
    return samlify.IdentityProvider({
      entityID: `${urls.base}/metadata`,
      signingCert: settings.signingKey.cert,
      privateKey: settings.signingKey.key,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleSignOnService: [
        {
          Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
          Location: `${urls.base}/sso`,
        },
      ],
      singleLogoutService: [
        {
          Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
          Location: `${urls.base}/slo`,
        },
      ],
      isAssertionEncrypted: settings.encrypt !== 'no',
      // Checked here, against every signing certificate of the SP metadata (samlify takes one).
      wantAuthnRequestsSigned: false,
    });
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${host}`);
      if (request.method === 'GET' && url.pathname === '/metadata') {
        response.setHeader('Content-Type', 'application/samlmetadata+xml');
        response.end(
          idpMetadataXml({
            entityId: `${urls.base}/metadata`,
            ssoUrl: `${urls.base}/sso`,
            certificates: settings.publishedCertificates,
          }),
        );
        return;
      }
      if (request.method === 'GET' && url.pathname === '/sso') {
        const { sp, description } = await serviceProvider();
        if (description.authnRequestsSigned) {
          const by = redirectSignatureBy(url.toString(), description.signing);
          verifiedWith.push(by);
          if (by < 0) {
            response.statusCode = 403;
            response.end('The AuthnRequest signature does not verify with the SP metadata.');
            return;
          }
        }
        const { extract } = await identityProvider().parseLoginRequest(sp, 'redirect', {
          query: Object.fromEntries(url.searchParams),
        });
        const requestId = (extract as { request: { id: string } }).request.id;
        requests.push(requestId);
        response.setHeader('Content-Type', 'text/html; charset=utf-8');
        response.end(`<!doctype html><title>Test IdP</title><h1>Test IdP sign-in</h1>
<form method="post" action="/login">
<input type="hidden" name="requestId" value="${escape(requestId)}">
<input type="hidden" name="RelayState" value="${escape(url.searchParams.get('RelayState') ?? '')}">
<label>Email <input name="email" type="email" required></label>
<button type="submit">Sign in</button>
</form>`);
        return;
      }
      if (request.method === 'POST' && url.pathname === '/login') {
        const form = await readForm(request);
        const email = form.get('email') ?? '';
        const requestId = form.get('requestId') ?? '';
        const attributes = { email, ...(attributesFor.get(email) ?? {}) };
        const { sp } = await serviceProvider();
        const idp = identityProvider();
        const created = await idp.createLoginResponse(
          sp,
          { extract: { request: { id: requestId } } },
          'post',
          { email },
          (template: string) => {
            const now = new Date(Date.now() + settings.issueInstantOffsetMs);
            const later = new Date(Date.now() + 5 * 60_000).toISOString();
            const id = `_${randomUUID()}`;
            const values: Record<string, string> = {
              ID: id,
              AssertionID: `_${randomUUID()}`,
              Destination: sp.entityMeta.getAssertionConsumerService('post') as string,
              Audience: sp.entityMeta.getEntityID(),
              SubjectRecipient: sp.entityMeta.getAssertionConsumerService('post') as string,
              Issuer: idp.entityMeta.getEntityID(),
              IssueInstant: now.toISOString(),
              StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
              ConditionsNotBefore: new Date(Date.now() - 30_000).toISOString(),
              ConditionsNotOnOrAfter: later,
              SubjectConfirmationDataNotOnOrAfter: later,
              NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
              NameID: email,
              InResponseTo: requestId,
              AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
              AttributeStatement: `<saml:AttributeStatement>${Object.entries(attributes)
                .map(
                  ([name, value]) =>
                    `<saml:Attribute Name="${escape(name)}"><saml:AttributeValue xsi:type="xs:string">${escape(value)}</saml:AttributeValue></saml:Attribute>`,
                )
                .join('')}</saml:AttributeStatement>`,
            };
            const raw = ['AuthnStatement', 'AttributeStatement'];
            return {
              id,
              context: template.replace(/\{(\w+)\}/g, (_match, tag: string) =>
                raw.includes(tag) ? (values[tag] ?? '') : escape(values[tag] ?? ''),
              ),
            };
          },
        );
        // The HTTP-POST binding's context: the base64 response and the SP's ACS URL.
        const { context, entityEndpoint } = created as { context: string; entityEndpoint: string };
        response.setHeader('Content-Type', 'text/html; charset=utf-8');
        response.end(`<!doctype html><title>Signing you in…</title>
<form id="saml" method="post" action="${escape(entityEndpoint)}">
<input type="hidden" name="SAMLResponse" value="${escape(context)}">
<input type="hidden" name="RelayState" value="${escape(form.get('RelayState') ?? '')}">
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('saml').submit();</script>`);
        return;
      }
      response.statusCode = 404;
      response.end('not found');
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(`test IdP error: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  urls.base = `http://${host}:${port}`;
  return {
    url: urls.base,
    entityId: `${urls.base}/metadata`,
    ssoUrl: `${urls.base}/sso`,
    // Fetched by Rollcall itself, which connects to the address it checked: the listening one.
    metadataUrl: `http://127.0.0.1:${port}/metadata`,
    certificate: IDP_KEY.cert,
    attributesFor,
    requests,
    verifiedWith,
    settings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

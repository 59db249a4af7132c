import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as samlify from 'samlify';
import { IDP_KEY } from './saml';

/**
 * A SAML 2.0 identity provider for browser tests, built on samlify (a maintained SAML library): it
 * imports the service provider's metadata from Rollcall's metadata URL, receives the AuthnRequest
 * over HTTP-Redirect, shows a sign-in form, and answers with a signed response through an
 * auto-submitted HTTP-POST form, as Okta or Entra do.
 */
export interface TestIdp {
  url: string;
  entityId: string;
  ssoUrl: string;
  certificate: string;
  /** Attributes to send for a person, by email (e.g. licensePoolName). */
  attributesFor: Map<string, Record<string, string>>;
  /** The AuthnRequest ids received. */
  requests: string[];
  close(): Promise<void>;
}

// The IdP side does not schema-validate Rollcall's AuthnRequests (that needs Java or a WASM xmllint).
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the IdP on `host` (a loopback name) and a free port, trusting the SP metadata at `spMetadataUrl`. */
export async function startTestIdp(spMetadataUrl: string, host = 'localhost'): Promise<TestIdp> {
  const spMetadata = await (await fetch(spMetadataUrl)).text();
  const sp = samlify.ServiceProvider({ metadata: spMetadata });
  const attributesFor = new Map<string, Record<string, string>>();
  const requests: string[] = [];
  const state: { idp?: ReturnType<typeof samlify.IdentityProvider> } = {};

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${host}`);
      if (request.method === 'GET' && url.pathname === '/sso') {
        const { extract } = await state.idp!.parseLoginRequest(sp, 'redirect', {
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
        const created = await state.idp!.createLoginResponse(
          sp,
          { extract: { request: { id: requestId } } },
          'post',
          { email },
          (template: string) => {
            const now = new Date();
            const later = new Date(now.getTime() + 5 * 60_000).toISOString();
            const id = `_${randomUUID()}`;
            const values: Record<string, string> = {
              ID: id,
              AssertionID: `_${randomUUID()}`,
              Destination: sp.entityMeta.getAssertionConsumerService('post') as string,
              Audience: sp.entityMeta.getEntityID(),
              SubjectRecipient: sp.entityMeta.getAssertionConsumerService('post') as string,
              Issuer: state.idp!.entityMeta.getEntityID(),
              IssueInstant: now.toISOString(),
              StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
              ConditionsNotBefore: new Date(now.getTime() - 30_000).toISOString(),
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
  const url = `http://${host}:${port}`;
  state.idp = samlify.IdentityProvider({
    entityID: `${url}/metadata`,
    signingCert: IDP_KEY.cert,
    privateKey: IDP_KEY.key,
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    singleSignOnService: [
      { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${url}/sso` },
    ],
    singleLogoutService: [
      { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${url}/slo` },
    ],
    wantAuthnRequestsSigned: false,
  });
  return {
    url,
    entityId: `${url}/metadata`,
    ssoUrl: `${url}/sso`,
    certificate: IDP_KEY.cert,
    attributesFor,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

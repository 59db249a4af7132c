import { createVerify, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';
import { encrypt as xmlEncrypt } from 'xml-encryption';
import type { TestApp } from './test-app';

const FIXTURES = join(__dirname, '..', 'fixtures', 'saml');

export interface KeyPair {
  key: string;
  cert: string;
}

/** The test IdP's signing key, and a stranger's. */
export const IDP_KEY: KeyPair = {
  key: readFileSync(join(FIXTURES, 'idp.key'), 'utf8'),
  cert: readFileSync(join(FIXTURES, 'idp.crt'), 'utf8'),
};
export const OTHER_KEY: KeyPair = {
  key: readFileSync(join(FIXTURES, 'other.key'), 'utf8'),
  cert: readFileSync(join(FIXTURES, 'other.crt'), 'utf8'),
};

export const IDP_ENTITY_ID = 'https://idp.test/metadata';
export const IDP_SSO_URL = 'https://idp.test/sso';

export interface SpUrls {
  entityId: string;
  acsUrl: string;
}

export function spUrls(app: TestApp, slug: string): SpUrls {
  const base = `${app.config.publicUrl}/sso/saml/${slug}`;
  return { entityId: `${base}/metadata`, acsUrl: `${base}/acs` };
}

/** Turns SAML on for an organization with the test IdP (admin API). */
export async function configureSaml(
  app: TestApp,
  adminKey: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await app
    .http()
    .put('/api/v1/sso/saml')
    .set('Authorization', `Bearer ${adminKey}`)
    .send({
      idpEntityId: IDP_ENTITY_ID,
      idpSsoUrl: IDP_SSO_URL,
      idpCertificate: IDP_KEY.cert,
      ...extra,
    })
    .expect(200);
}

export interface AssertionOptions {
  sp: SpUrls;
  email?: string;
  nameId?: string;
  /** Attribute name → value(s); `null` sends the attribute with one empty value. */
  attributes?: Record<string, string | string[] | null>;
  issuer?: string;
  audience?: string;
  recipient?: string;
  /** Response Destination; `null` leaves it out. */
  destination?: string | null;
  inResponseTo?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  assertionId?: string;
  /** The assertion's IssueInstant (and AuthnInstant unless that is given); default now. */
  issueInstant?: Date;
  /** The Response's IssueInstant; default now. */
  responseIssueInstant?: Date;
  authnInstant?: Date;
  /** What carries the signature. */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  signingKey?: KeyPair;
}

const iso = (date: Date) => date.toISOString();
const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An unsigned SAML 2.0 assertion as an IdP writes it. */
export function assertionXml(options: AssertionOptions): { xml: string; id: string } {
  const now = Date.now();
  const id = options.assertionId ?? `_a${randomUUID().replace(/-/g, '')}`;
  const email = options.email ?? 'person@example.com';
  const notBefore = options.notBefore ?? new Date(now - 30_000);
  const notOnOrAfter = options.notOnOrAfter ?? new Date(now + 5 * 60_000);
  const attributes = { email, ...(options.attributes ?? {}) };
  const inResponseTo = options.inResponseTo
    ? ` InResponseTo="${escape(options.inResponseTo)}"`
    : '';
  const attributeXml = Object.entries(attributes)
    .map(([name, value]) => {
      const values = value === null ? [''] : Array.isArray(value) ? value : [value];
      return `<saml:Attribute Name="${escape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
        .map(
          (v) =>
            `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${escape(v)}</saml:AttributeValue>`,
        )
        .join('')}</saml:Attribute>`;
    })
    .join('');
  const xml =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(options.issueInstant ?? new Date(now))}">` +
    `<saml:Issuer>${escape(options.issuer ?? IDP_ENTITY_ID)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escape(options.nameId ?? email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${escape(options.recipient ?? options.sp.acsUrl)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${escape(options.audience ?? options.sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(options.authnInstant ?? options.issueInstant ?? new Date(now))}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>` +
    `</saml:Assertion>`;
  return { xml, id };
}

/** Signs the element with this ID (enveloped, exclusive c14n, RSA-SHA256), placing the signature after its Issuer. */
export function signElement(xml: string, id: string, key: KeyPair): string {
  const signer = new SignedXml({
    privateKey: key.key,
    publicCert: key.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `//*[@ID='${id}']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
  });
  signer.computeSignature(xml, {
    location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/** Wraps assertion XML in a Response. */
export function responseXml(
  assertion: string,
  options: Pick<
    AssertionOptions,
    'sp' | 'destination' | 'inResponseTo' | 'issuer' | 'responseIssueInstant'
  >,
  responseId = `_r${randomUUID().replace(/-/g, '')}`,
): { xml: string; id: string } {
  const destination =
    options.destination === null
      ? ''
      : ` Destination="${escape(options.destination ?? options.sp.acsUrl)}"`;
  const inResponseTo = options.inResponseTo
    ? ` InResponseTo="${escape(options.inResponseTo)}"`
    : '';
  return {
    id: responseId,
    xml:
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${iso(options.responseIssueInstant ?? new Date())}"${destination}${inResponseTo}>` +
      `<saml:Issuer>${escape(options.issuer ?? IDP_ENTITY_ID)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertion +
      `</samlp:Response>`,
  };
}

const encryptXml = promisify(
  (
    xml: string,
    options: Parameters<typeof xmlEncrypt>[1],
    done: (error: Error | null, result?: string) => void,
  ) => xmlEncrypt(xml, options, (error, result) => done(error ?? null, result)),
);

/** An EncryptedAssertion (AES-256-GCM, the key wrapped with RSA-OAEP to `certificate`), as IdPs write it. */
export async function encryptAssertion(assertion: string, certificate: string): Promise<string> {
  const encrypted = await encryptXml(assertion, {
    rsa_pub: certificate,
    pem: certificate,
    encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  });
  return `<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${encrypted}</saml:EncryptedAssertion>`;
}

/** A complete SAML response, signed as asked, as XML. */
export function samlResponseXml(options: AssertionOptions): string {
  return wrapAndSign(signedAssertionXml(options), options);
}

/** The same with its (signed) assertion encrypted to `certificate` (PEM): an EncryptedAssertion. */
export async function encryptedSamlResponseXml(
  options: AssertionOptions,
  certificate: string,
): Promise<string> {
  return wrapAndSign(await encryptAssertion(signedAssertionXml(options), certificate), options);
}

function signedAssertionXml(options: AssertionOptions): string {
  const sign = options.sign ?? 'assertion';
  const assertion = assertionXml(options);
  return sign === 'assertion' || sign === 'both'
    ? signElement(assertion.xml, assertion.id, options.signingKey ?? IDP_KEY)
    : assertion.xml;
}

function wrapAndSign(assertion: string, options: AssertionOptions): string {
  const sign = options.sign ?? 'assertion';
  const response = responseXml(assertion, options);
  return sign === 'response' || sign === 'both'
    ? signElement(response.xml, response.id, options.signingKey ?? IDP_KEY)
    : response.xml;
}

export const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** POSTs a SAMLResponse to the organization's ACS the way a browser submits the IdP's form. */
export function postAcs(
  app: TestApp,
  slug: string,
  samlResponse: string,
  relayState?: string,
): ReturnType<ReturnType<TestApp['http']>['post']> {
  return app
    .http()
    .post(`/sso/saml/${slug}/acs`)
    .type('form')
    .send({
      SAMLResponse: samlResponse,
      ...(relayState !== undefined ? { RelayState: relayState } : {}),
    });
}

/** A signed sign-in of `email` (with `attributes`) at the organization's ACS, as the test IdP. */
export function signInAt(
  app: TestApp,
  slug: string,
  email: string,
  attributes: Record<string, string> = {},
): ReturnType<typeof postAcs> {
  return postAcs(app, slug, base64(samlResponseXml({ sp: spUrls(app, slug), email, attributes })));
}

/** The session cookie a response set, as a Cookie header value. */
export function sessionCookie(response: { headers: Record<string, unknown> }): string {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  const session = cookies.find((c) => c.startsWith('rollcall_session='));
  if (!session) throw new Error('no session cookie was set');
  return session.split(';')[0];
}

/** The AuthnRequest ID inside an SP-initiated redirect URL (HTTP-Redirect binding: deflated, base64). */
export async function authnRequestId(location: string): Promise<string> {
  const { inflateRawSync } = await import('node:zlib');
  const request = new URL(location).searchParams.get('SAMLRequest');
  if (!request) throw new Error('no SAMLRequest in the redirect');
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  const id = /\bID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error('no ID in the AuthnRequest');
  return id;
}

/** The SP certificates of an organization (admin API), by use, current first. */
export async function spCertificates(
  app: TestApp,
  adminKey: string,
): Promise<{ signing: string[]; encryption: string[] }> {
  const response = await app
    .http()
    .get('/api/v1/sso/saml')
    .set('Authorization', `Bearer ${adminKey}`)
    .expect(200);
  const certificates = (
    response.body as {
      serviceProvider: { certificates: { use: string; certificate: string }[] };
    }
  ).serviceProvider.certificates;
  const of = (use: string) => certificates.filter((c) => c.use === use).map((c) => c.certificate);
  return { signing: of('signing'), encryption: of('encryption') };
}

/**
 * Checks an HTTP-Redirect AuthnRequest's signature as an IdP does (SAML bindings §3.4.4.1): over
 * `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as URL-encoded in the query, RSA-SHA256, by one
 * of `certificates`. Answers the index of the certificate that verified it, or -1.
 */
export function redirectSignatureBy(location: string, certificates: string[]): number {
  const query = new URL(location).search.slice(1);
  const raw = new Map(
    query.split('&').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const signature = raw.get('Signature');
  const sigAlg = raw.get('SigAlg');
  if (!signature || !sigAlg) return -1;
  if (decodeURIComponent(sigAlg) !== 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') return -1;
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg']
    .filter((name) => raw.has(name))
    .map((name) => `${name}=${raw.get(name)}`)
    .join('&');
  return certificates.findIndex((certificate) =>
    createVerify('RSA-SHA256')
      .update(signed)
      .verify(certificate, Buffer.from(decodeURIComponent(signature), 'base64')),
  );
}

/** An IdP metadata document as Okta or Entra export it, with these signing certificates. */
export function idpMetadataXml(
  options: { entityId?: string; ssoUrl?: string; certificates?: string[] } = {},
): string {
  const keys = (options.certificates ?? [IDP_KEY.cert])
    .map(
      (pem) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pem.replace(/-----[A-Z ]+-----|\s/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('\n    ');
  return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escape(options.entityId ?? IDP_ENTITY_ID)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${keys}
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escape(options.ssoUrl ?? IDP_SSO_URL)}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

/** An HTTP server on 127.0.0.1 that serves whatever metadata (or failure) the test sets. */
export interface MetadataServer {
  url: string;
  /** What GET answers next. */
  answer: { status: number; body: string };
  requests: number;
  close(): Promise<void>;
}

export async function startMetadataServer(body = idpMetadataXml()): Promise<MetadataServer> {
  const { createServer } = await import('node:http');
  const state: MetadataServer = {
    url: '',
    answer: { status: 200, body },
    requests: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((_request, response) => {
    state.requests += 1;
    response.statusCode = state.answer.status;
    response.setHeader('Content-Type', 'application/samlmetadata+xml');
    response.end(state.answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as import('node:net').AddressInfo;
  state.url = `http://127.0.0.1:${address.port}/metadata`;
  return state;
}

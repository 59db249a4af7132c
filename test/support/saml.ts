import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';
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
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(new Date(now))}">` +
    `<saml:Issuer>${escape(options.issuer ?? IDP_ENTITY_ID)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escape(options.nameId ?? email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${escape(options.recipient ?? options.sp.acsUrl)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${escape(options.audience ?? options.sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(new Date(now))}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
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
  options: Pick<AssertionOptions, 'sp' | 'destination' | 'inResponseTo' | 'issuer'>,
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
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${iso(new Date())}"${destination}${inResponseTo}>` +
      `<saml:Issuer>${escape(options.issuer ?? IDP_ENTITY_ID)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertion +
      `</samlp:Response>`,
  };
}

/** A complete SAML response, signed as asked, as XML. */
export function samlResponseXml(options: AssertionOptions): string {
  const sign = options.sign ?? 'assertion';
  const key = options.signingKey ?? IDP_KEY;
  const assertion = assertionXml(options);
  const signedAssertion =
    sign === 'assertion' || sign === 'both'
      ? signElement(assertion.xml, assertion.id, key)
      : assertion.xml;
  const response = responseXml(signedAssertion, options);
  return sign === 'response' || sign === 'both'
    ? signElement(response.xml, response.id, key)
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

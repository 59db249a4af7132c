import {
  type CacheItem,
  type CacheProvider,
  SAML,
  type SamlConfig,
  ValidateInResponseTo,
} from '@node-saml/node-saml';
// node-saml's own decryption (xml-encryption), to find which SP key opens an assertion.
import { decryptXml } from '@node-saml/node-saml/lib/xml';
import { XMLSerializer } from '@xmldom/xmldom';
import { elements, parseUntrustedXml } from '../connection/xml';
import type { SpPrivateKeys } from '../keys/saml-sp-keys.service';
import type { SamlConnection, ServiceProviderUrls } from '../connection/saml-connections.service';
import type { SamlPendingRequestsRepository } from './saml-pending-requests.repository';

/** How far apart our clock and the IdP's may be (NotBefore / NotOnOrAfter). */
export const CLOCK_SKEW_MS = 60_000;
/** How long a person may spend at the IdP between our AuthnRequest and the response. */
export const REQUEST_TTL_MS = 30 * 60_000;

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Why a response was not accepted, with a machine-readable reason for the sign-in log. */
export class SamlRejection extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'SamlRejection';
  }
}

/** What a validated assertion says, read only from the signed XML. */
export interface VerifiedAssertion {
  assertionId: string;
  /** The response answered one of our AuthnRequests (SP-initiated). */
  inResponseTo: string | null;
  nameId: string | null;
  /** Attribute name → values. */
  attributes: Map<string, string[]>;
  /** Until when the assertion could be presented: the replay cache keeps its id that long. */
  expiresAt: Date;
}

/**
 * The AuthnRequest ids we issued, in PostgreSQL so the response may reach any instance. node-saml
 * checks InResponseTo against it and removes the id once answered (one use).
 */
class PendingRequests implements CacheProvider {
  constructor(
    private readonly requests: SamlPendingRequestsRepository,
    private readonly organizationId: string,
  ) {}

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const createdAt = new Date(value);
    await this.requests.insert(
      this.organizationId,
      key,
      createdAt,
      new Date(createdAt.getTime() + REQUEST_TTL_MS),
    );
    // Requests nobody answered in time are of no use: drop them (any organization's; indexed).
    await this.requests.deleteExpired();
    return { value, createdAt: createdAt.getTime() };
  }

  async getAsync(key: string): Promise<string | null> {
    const createdAt = await this.requests.findLive(this.organizationId, key);
    return createdAt ? createdAt.toISOString() : null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (key === null) return null;
    return (await this.requests.delete(this.organizationId, key)) ? key : null;
  }
}

/** One organization's SAML service provider, configured from its connection (built per request). */
export class SamlServiceProvider {
  private readonly options: SamlConfig;

  constructor(
    private readonly connection: SamlConnection,
    private readonly sp: ServiceProviderUrls,
    pendingRequests: SamlPendingRequestsRepository,
    /** The SP's private keys, read (and decrypted) only when a request needs them. */
    private readonly keys: () => Promise<SpPrivateKeys>,
    private readonly now: () => number = Date.now,
  ) {
    this.options = {
      issuer: sp.entityId,
      audience: sp.entityId,
      callbackUrl: sp.acsUrl,
      entryPoint: connection.idpSsoUrl,
      idpIssuer: connection.idpEntityId,
      idpCert: connection.idpCertificates,
      // A signature is required on the response or on the assertion (node-saml demands the
      // assertion's when the response's is missing or invalid).
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      validateInResponseTo: ValidateInResponseTo.ifPresent,
      requestIdExpirationPeriodMs: REQUEST_TTL_MS,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      cacheProvider: new PendingRequests(pendingRequests, connection.organizationId),
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      // IdPs (Entra above all) refuse requests that pin an authentication method they did not use.
      disableRequestedAuthnContext: true,
      signatureAlgorithm: 'sha256',
    };
  }

  /**
   * The IdP URL to send the browser to, carrying a fresh AuthnRequest (remembered for
   * InResponseTo). With `signAuthnRequests`, the HTTP-Redirect binding's signature (SAML bindings
   * §3.4.4.1: RSA-SHA256 over `SAMLRequest=…&RelayState=…&SigAlg=…`, as the SigAlg and Signature
   * query parameters) by the current SP signing key.
   */
  async authorizeUrl(relayState: string): Promise<string> {
    let privateKey: string | undefined;
    if (this.connection.signAuthnRequests) {
      privateKey = (await this.keys()).signing ?? undefined;
      if (!privateKey) throw new Error('signAuthnRequests is on but there is no SP signing key');
    }
    const saml = new SAML({ ...this.options, ...(privateKey ? { privateKey } : {}) });
    return saml.getAuthorizeUrlAsync(relayState, undefined, {});
  }

  /**
   * Validates a POSTed SAMLResponse: node-saml checks the signature (trusted certificates only, and
   * only signed content is read), the time conditions, the audience and InResponseTo; this adds the
   * issuer, the recipient and destination, and requires an expiry for the replay cache.
   */
  async validate(samlResponse: string): Promise<VerifiedAssertion> {
    const compact = samlResponse.replace(/\s+/g, '');
    if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
      throw new SamlRejection('malformed_response', 'The SAMLResponse is not base64.');
    }
    const xml = Buffer.from(compact, 'base64').toString('utf8');
    let response: Document;
    try {
      response = parseUntrustedXml(xml, 'The SAML response');
    } catch (error) {
      throw new SamlRejection('malformed_response', (error as Error).message);
    }
    const root = response.documentElement;
    if (root.localName !== 'Response' || root.namespaceURI !== PROTOCOL_NS) {
      throw new SamlRejection('malformed_response', 'The document is not a SAML 2.0 Response.');
    }
    const destination = root.getAttribute('Destination');
    if (destination && destination !== this.sp.acsUrl) {
      throw new SamlRejection(
        'wrong_destination',
        `The response is addressed to ${destination}, not to this organization's ACS URL ${this.sp.acsUrl}.`,
      );
    }
    const decryptionPvk = await this.decryptionKeyFor(root);
    let profile;
    try {
      const saml = new SAML({ ...this.options, ...(decryptionPvk ? { decryptionPvk } : {}) });
      ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: compact }));
    } catch (error) {
      throw rejectionFrom(error);
    }
    const assertionXml = profile?.getAssertionXml?.();
    if (!profile || !assertionXml) {
      throw new SamlRejection('no_assertion', 'The response carries no assertion.');
    }
    const inResponseTo = typeof profile.inResponseTo === 'string' ? profile.inResponseTo : null;
    return this.readAssertion(assertionXml, inResponseTo, root.getAttribute('IssueInstant'));
  }

  /**
   * The SP encryption key that opens the response's EncryptedAssertion (the current one first,
   * then the previous one during a rollover); undefined for a plain assertion, which
   * `requireEncryptedAssertions` refuses.
   */
  private async decryptionKeyFor(root: Element): Promise<string | undefined> {
    const encrypted = Array.from(root.childNodes).filter(
      (n): n is Element =>
        n.nodeType === 1 &&
        (n as Element).localName === 'EncryptedAssertion' &&
        (n as Element).namespaceURI === ASSERTION_NS,
    );
    if (encrypted.length === 0) {
      if (this.connection.requireEncryptedAssertions) {
        throw new SamlRejection(
          'not_encrypted',
          'The assertion is not encrypted, and this organization requires encrypted assertions: configure the identity provider to encrypt them with the SP encryption certificate from the metadata.',
        );
      }
      return undefined;
    }
    if (encrypted.length > 1) {
      throw new SamlRejection('invalid_signature', 'The response carries more than one assertion.');
    }
    const xml = new XMLSerializer().serializeToString(encrypted[0]);
    for (const key of (await this.keys()).decryption) {
      try {
        await decryptXml(xml, key);
        return key;
      } catch {
        // Not this key (or not decryptable at all): try the next.
      }
    }
    throw new SamlRejection(
      'decryption_failed',
      'The encrypted assertion could not be decrypted with any of the SP encryption keys: the identity provider must encrypt to a certificate from the current SP metadata.',
    );
  }

  /** IssueInstant (response and assertion) within maxAssertionAgeSeconds; AuthnInstant if set. */
  private checkAge(assertion: Element, responseIssueInstant: string | null): void {
    const now = this.now();
    const maxAge = this.connection.maxAssertionAgeSeconds;
    const instants: [string, string | null][] = [
      ['response', responseIssueInstant],
      ['assertion', assertion.getAttribute('IssueInstant')],
    ];
    for (const [what, value] of instants) {
      const at = value ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(at)) {
        throw new SamlRejection('malformed_response', `The ${what} has no valid IssueInstant.`);
      }
      if (at > now + CLOCK_SKEW_MS) {
        throw new SamlRejection(
          'not_yet_valid',
          `The ${what} was issued in the future (IssueInstant ${value}); check the identity provider's clock.`,
        );
      }
      const age = Math.round((now - at) / 1000);
      if (now - at > maxAge * 1000 + CLOCK_SKEW_MS) {
        throw new SamlRejection(
          'too_old',
          `The ${what} was issued ${age} s ago (IssueInstant ${value}); this organization accepts responses up to ${maxAge} s old (maxAssertionAgeSeconds, plus ${CLOCK_SKEW_MS / 1000} s of clock skew). Sign in again.`,
        );
      }
    }
    const maxAuthAge = this.connection.maxAuthenticationAgeSeconds;
    if (maxAuthAge === null) return;
    for (const statement of elements(assertion, ASSERTION_NS, 'AuthnStatement')) {
      const value = statement.getAttribute('AuthnInstant');
      const at = value ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(at) || now - at > maxAuthAge * 1000 + CLOCK_SKEW_MS) {
        throw new SamlRejection(
          'authentication_too_old',
          `The person authenticated at the identity provider ${Number.isNaN(at) ? 'at an unknown time' : `${Math.round((now - at) / 1000)} s ago (AuthnInstant ${value})`}; this organization accepts authentications up to ${maxAuthAge} s old (maxAuthenticationAgeSeconds). Sign in again at the identity provider.`,
        );
      }
    }
  }

  private readAssertion(
    assertionXml: string,
    inResponseTo: string | null,
    responseIssueInstant: string | null,
  ): VerifiedAssertion {
    const assertion = parseUntrustedXml(assertionXml, 'The assertion').documentElement;
    const issuer = elements(assertion, ASSERTION_NS, 'Issuer')[0]?.textContent?.trim();
    if (issuer !== this.connection.idpEntityId) {
      throw new SamlRejection(
        'wrong_issuer',
        `The assertion was issued by ${issuer ?? 'nobody'}, not by the configured identity provider ${this.connection.idpEntityId}.`,
      );
    }
    const assertionId = assertion.getAttribute('ID');
    if (!assertionId) throw new SamlRejection('malformed_response', 'The assertion has no ID.');
    this.checkAge(assertion, responseIssueInstant);
    const confirmations = elements(assertion, ASSERTION_NS, 'SubjectConfirmation')
      .filter((c) => c.getAttribute('Method') === BEARER)
      .flatMap((c) => elements(c, ASSERTION_NS, 'SubjectConfirmationData'));
    const addressed = confirmations.filter((d) => d.getAttribute('Recipient') === this.sp.acsUrl);
    if (addressed.length === 0) {
      const recipients = confirmations.map((d) => d.getAttribute('Recipient') ?? '(none)');
      throw new SamlRejection(
        'wrong_recipient',
        `The assertion's bearer confirmation names the recipient ${recipients.join(', ') || '(none)'}, not this organization's ACS URL ${this.sp.acsUrl}.`,
      );
    }
    const limits = [
      ...addressed.map((d) => d.getAttribute('NotOnOrAfter')),
      ...elements(assertion, ASSERTION_NS, 'Conditions').map((c) => c.getAttribute('NotOnOrAfter')),
    ]
      .filter((v): v is string => !!v)
      .map((v) => Date.parse(v))
      .filter((t) => !Number.isNaN(t));
    if (limits.length === 0) {
      throw new SamlRejection(
        'no_expiry',
        'The assertion has no NotOnOrAfter, so it could be replayed forever; it is refused.',
      );
    }
    const nameId = elements(assertion, ASSERTION_NS, 'NameID')[0]?.textContent?.trim() || null;
    const attributes = new Map<string, string[]>();
    for (const attribute of elements(assertion, ASSERTION_NS, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = elements(attribute, ASSERTION_NS, 'AttributeValue').map(
        (v) => v.textContent?.trim() ?? '',
      );
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
    return {
      assertionId,
      inResponseTo,
      nameId,
      attributes,
      expiresAt: new Date(Math.min(...limits) + CLOCK_SKEW_MS),
    };
  }
}

/** node-saml's errors, sorted into reasons an admin can look up in the sign-in log. */
function rejectionFrom(error: unknown): SamlRejection {
  const message = error instanceof Error ? error.message : String(error);
  const reasons: [RegExp, string][] = [
    [/signature/i, 'invalid_signature'],
    [/not yet valid/i, 'not_yet_valid'],
    [/expired/i, 'expired'],
    [/audience/i, 'wrong_audience'],
    [/InResponseTo/i, 'unknown_request'],
    [/multiple assertions|multiple conditions/i, 'invalid_signature'],
    [/SAML provider returned/i, 'idp_error'],
  ];
  const reason = reasons.find(([pattern]) => pattern.test(message))?.[1] ?? 'malformed_response';
  return new SamlRejection(reason, `The SAML response was rejected: ${message.split('\n')[0]}`);
}

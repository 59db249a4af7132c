import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@rollcall/common';
import {
  type Organization,
  OrganizationsService,
  type RequestedPool,
  type SsoIdentity,
  type User,
  UserSignIn,
} from '@rollcall/identity';
import { ScimIntegrationService } from '@rollcall/integration';
import type { SamlAttributeNames } from '../connection/saml-connection.entity';
import {
  type SamlConnection,
  SamlConnectionsService,
} from '../connection/saml-connections.service';
import { SamlSpKeysService } from '../keys/saml-sp-keys.service';
import { SignInLogService } from '../log/sign-in-log.service';
import { SamlPendingRequestsRepository } from './saml-pending-requests.repository';
import { SamlRejection, SamlServiceProvider, type VerifiedAssertion } from './saml-protocol';
import { SamlUsedAssertionsRepository } from './saml-used-assertions.repository';

/** Where a signed-in person lands when RelayState names nowhere (or somewhere not ours). */
export const HOME_PATH = '/home';

/** Claim names IdPs send by default, tried when the configured attribute is missing. */
const FALLBACK_CLAIMS: Partial<Record<keyof SamlAttributeNames, string[]>> = {
  email: [
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'mail',
    'Email',
  ],
  firstName: [
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    'urn:oid:2.5.4.42',
  ],
  lastName: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'],
  displayName: [
    'http://schemas.microsoft.com/identity/claims/displayname',
    'urn:oid:2.16.840.1.113730.3.1.241',
  ],
  groups: ['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
};

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface SignInSuccess {
  user: User;
  organization: Organization;
  /** A path on this site to send the browser to. */
  redirectTo: string;
}

/**
 * SAML sign-in (SPEC §5): starting at the IdP (SP-initiated) and receiving its response at the ACS.
 * A valid assertion goes through the same domain sign-in as everything else: the pool policy on the
 * sign-in channel and the first-login activation. Every attempt is recorded.
 */
@Injectable()
export class SamlSignInService {
  private readonly logger = new Logger(SamlSignInService.name);

  constructor(
    private readonly pendingRequests: SamlPendingRequestsRepository,
    private readonly usedAssertions: SamlUsedAssertionsRepository,
    private readonly organizations: OrganizationsService,
    private readonly connections: SamlConnectionsService,
    private readonly scim: ScimIntegrationService,
    private readonly lifecycle: UserSignIn,
    private readonly log: SignInLogService,
    private readonly spKeys: SamlSpKeysService,
  ) {}

  /** The IdP URL that starts an SP-initiated sign-in, carrying `relayState` (a path of ours) through. */
  async start(slug: string, relayState: string | undefined): Promise<string> {
    const { provider } = await this.provider(slug);
    return provider.authorizeUrl(safeRelayState(relayState) ?? HOME_PATH);
  }

  /** The ACS: validates the response, signs the person in, or records and throws why not. */
  async acs(
    slug: string,
    form: { SAMLResponse?: unknown; RelayState?: unknown },
    clientIp: string | null,
  ): Promise<SignInSuccess> {
    const { organization, connection, provider } = await this.provider(slug);
    const attempt = {
      organizationId: organization.id,
      clientIp,
      flow: 'idp' as 'sp' | 'idp',
      subject: null as string | null,
      userId: null as string | null,
      licensePoolName: null as string | null,
    };
    try {
      if (typeof form.SAMLResponse !== 'string' || form.SAMLResponse === '') {
        throw new SamlRejection(
          'malformed_response',
          'The request carries no SAMLResponse form field.',
        );
      }
      const assertion = await provider.validate(form.SAMLResponse);
      attempt.flow = assertion.inResponseTo ? 'sp' : 'idp';
      await this.consume(organization.id, assertion);
      const identity = identityFrom(assertion, connection.attributeNames);
      attempt.subject = identity.email;
      attempt.licensePoolName = identity.requested.present
        ? (identity.requested.value ?? '')
        : null;
      const scimEnabled = (await this.scim.status(organization.id)).enabled;
      const result = await this.lifecycle.ssoSignIn(
        organization.id,
        identity,
        { scimEnabled, jit: connection.jitProvisioning },
        {
          type: 'sso_sign_in',
          idpEntityId: connection.idpEntityId,
          assertionId: assertion.assertionId,
        },
      );
      attempt.userId = result.user.id;
      const notes = [
        result.created ? 'account created at first sign-in' : undefined,
        result.activated ? `seat taken in '${result.user.licensePool.name}'` : undefined,
        result.unknownGroups.length > 0
          ? `groups not found and ignored: ${result.unknownGroups.join(', ')}`
          : undefined,
      ].filter(Boolean);
      await this.log.record({
        ...attempt,
        outcome: 'success',
        reason: 'signed_in',
        detail: `Signed in to pool '${result.user.licensePool.name}'${notes.length ? ` (${notes.join('; ')})` : ''}.`,
      });
      const target = safeRelayState(
        typeof form.RelayState === 'string' ? form.RelayState : undefined,
      );
      return { user: result.user, organization, redirectTo: target ?? HOME_PATH };
    } catch (error) {
      const refusal = describe(error);
      if (!refusal) throw error;
      await this.log
        .record({
          ...attempt,
          outcome: refusal.outcome,
          reason: refusal.reason,
          detail: refusal.detail,
        })
        .catch((logError: unknown) =>
          this.logger.warn({ err: logError }, 'could not record a sign-in attempt'),
        );
      this.logger.warn(
        { organizationId: organization.id, reason: refusal.reason, flow: attempt.flow },
        `SSO sign-in ${refusal.outcome}: ${refusal.detail}`,
      );
      throw refusal.error;
    }
  }

  /** The organization, its connection and a service provider for it; SSO not set up → 404 page. */
  private async provider(slug: string): Promise<{
    organization: Organization;
    connection: SamlConnection;
    provider: SamlServiceProvider;
  }> {
    const organization = await this.organizations.findBySlug(slug);
    const connection = organization ? await this.connections.find(organization.id) : null;
    if (!organization || !connection) {
      throw new DomainError(
        'sso_not_configured',
        `Single sign-on is not configured for '${slug}'. Ask your administrator to set up SAML for your organization.`,
      );
    }
    const provider = new SamlServiceProvider(
      connection,
      this.connections.serviceProvider(organization.slug),
      this.pendingRequests,
      () => this.spKeys.privateKeys(organization.id),
    );
    return { organization, connection, provider };
  }

  /** Remembers the assertion until it expires; a second use anywhere is a replay. */
  private async consume(organizationId: string, assertion: VerifiedAssertion): Promise<void> {
    const inserted = await this.usedAssertions.insert(
      organizationId,
      assertion.assertionId,
      assertion.expiresAt,
    );
    if (!inserted) {
      throw new SamlRejection(
        'replayed',
        'This assertion was already used to sign in; sign in again.',
      );
    }
    // Assertions past their expiry can no longer be presented: forget them (indexed on expires_at).
    await this.usedAssertions.deleteExpired();
  }
}

/** RelayState may only send the browser to a path of this site (no scheme, host or `//`). */
export function safeRelayState(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 1024) return undefined;
  const control = [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\s]/.test(value) || control) {
    return undefined;
  }
  try {
    const resolved = new URL(value, 'http://rollcall.invalid');
    return resolved.host === 'rollcall.invalid'
      ? `${resolved.pathname}${resolved.search}`
      : undefined;
  } catch {
    return undefined;
  }
}

function attributeValues(
  assertion: VerifiedAssertion,
  names: SamlAttributeNames,
  key: keyof SamlAttributeNames,
): string[] | undefined {
  for (const name of [names[key], ...(FALLBACK_CLAIMS[key] ?? [])]) {
    const values = assertion.attributes.get(name);
    if (values !== undefined) return values;
  }
  return undefined;
}

function single(values: string[] | undefined): string | undefined {
  const value = values?.find((v) => v !== '');
  return value === undefined ? undefined : value.slice(0, 256);
}

/** The person and the pool an assertion names, under the organization's attribute names. */
function identityFrom(assertion: VerifiedAssertion, names: SamlAttributeNames): SsoIdentity {
  const email =
    single(attributeValues(assertion, names, 'email'))?.trim() ??
    (assertion.nameId && EMAIL.test(assertion.nameId) ? assertion.nameId : undefined);
  if (!email || !EMAIL.test(email) || email.length > 320) {
    throw new SamlRejection(
      'missing_email',
      `The assertion carries no email address (attribute '${names.email}', or an email NameID); configure the identity provider to send it.`,
    );
  }
  const pool = attributeValues(assertion, names, 'licensePoolName');
  const requested: RequestedPool =
    pool === undefined ? { present: false } : { present: true, value: pool[0] ?? '' };
  const groups = attributeValues(assertion, names, 'groups');
  const text = (key: keyof SamlAttributeNames) => single(attributeValues(assertion, names, key));
  const profile = {
    givenName: text('firstName'),
    familyName: text('lastName'),
    displayName: text('displayName'),
    externalId: text('externalId'),
  };
  return {
    email,
    nameId: assertion.nameId,
    ...Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    ...(groups !== undefined ? { groups: groups.filter((g) => g !== '').slice(0, 1000) } : {}),
    requested,
  };
}

interface Refusal {
  outcome: 'refused' | 'rejected';
  reason: string;
  detail: string;
  error: DomainError;
}

/** Turns what stopped a sign-in into its log entry and the error page's DomainError. */
function describe(error: unknown): Refusal | undefined {
  if (error instanceof SamlRejection) {
    return {
      outcome: 'rejected',
      reason: error.reason,
      detail: error.message,
      error: new DomainError('saml_rejected', error.message, [], error.reason),
    };
  }
  if (error instanceof DomainError && error.code === 'sign_in_refused') {
    return {
      outcome: 'refused',
      reason: error.reason ?? 'refused',
      detail: error.detail,
      error,
    };
  }
  return undefined;
}

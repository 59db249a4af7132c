import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  type AppConfig,
  DomainError,
  type UrlPolicy,
  WebhookUrlRefused,
} from '@rollcall/common';
import {
  type Actor,
  EventLog,
  type EventType,
  type NewEvent,
  OrganizationsService,
  OutboxService,
} from '@rollcall/identity';
import type { SpKeyUse } from '../keys/saml-sp-key.entity';
import { type SpCertificate, SamlSpKeysService } from '../keys/saml-sp-keys.service';
import { certificateSummaries, normalizeCertificates } from './certificates';
import { type IdpSettings, parseIdpMetadata } from './idp-metadata';
import { fetchIdpMetadata } from './metadata-fetch';
import {
  DEFAULT_ATTRIBUTE_NAMES,
  type SamlAttributeNames,
  type SamlConnectionEntity,
} from './saml-connection.entity';
import { SamlConnectionsRepository } from './saml-connections.repository';

/** What an admin sends to set up SAML: the IdP's three values, or its metadata document. */
export interface SamlConnectionInput {
  idpEntityId?: string;
  idpSsoUrl?: string;
  idpCertificate?: string;
  idpMetadataXml?: string;
  idpMetadataUrl?: string;
  attributeNames?: Partial<SamlAttributeNames>;
  jitProvisioning?: boolean;
  maxAssertionAgeSeconds?: number;
  maxAuthenticationAgeSeconds?: number | null;
  signAuthnRequests?: boolean;
  requireEncryptedAssertions?: boolean;
}

export type SamlConnection = Omit<SamlConnectionEntity, 'organization'>;

/** The default maximum age of a response or assertion (its IssueInstant), in seconds. */
export const DEFAULT_MAX_ASSERTION_AGE_SECONDS = 300;

/** Rollcall's side of the connection, per organization: what the IdP admin types in or imports. */
export interface ServiceProviderUrls {
  entityId: string;
  metadataUrl: string;
  acsUrl: string;
  loginUrl: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

@Injectable()
export class SamlConnectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: SamlConnectionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly events: EventLog,
    private readonly spKeys: SamlSpKeysService,
    private readonly outbox: OutboxService,
  ) {}

  /** The webhooks' SSRF policy, which the metadata fetch follows too. */
  get urlPolicy(): UrlPolicy {
    return {
      allowPrivateUrls: this.config.events.webhooks.allowPrivateUrls,
      production: this.config.env === 'production',
    };
  }

  serviceProvider(slug: string): ServiceProviderUrls {
    const base = `${this.config.publicUrl}/sso/saml/${encodeURIComponent(slug)}`;
    return {
      entityId: `${base}/metadata`,
      metadataUrl: `${base}/metadata`,
      acsUrl: `${base}/acs`,
      loginUrl: `${base}/login`,
    };
  }

  async find(organizationId: string): Promise<SamlConnection | null> {
    return this.connections.find(organizationId);
  }

  /** Creates or replaces the organization's connection (PUT semantics; attribute names merge with the defaults). */
  async configure(
    organizationId: string,
    input: SamlConnectionInput,
    actor: Actor,
  ): Promise<SamlConnection> {
    const organization = await this.organizations.get(organizationId);
    // The network fetch, if any, before the transaction.
    const idp =
      input.idpMetadataUrl !== undefined
        ? await this.idpFromUrl(input)
        : { ...idpSettings(input), idpMetadataUrl: null };
    const renamed = Object.entries(input.attributeNames ?? {}).filter(([, v]) => v !== undefined);
    const attributeNames = { ...DEFAULT_ATTRIBUTE_NAMES, ...Object.fromEntries(renamed) };
    const fetchedAt = idp.idpMetadataUrl ? new Date() : null;
    return this.dataSource.transaction(async (manager) => {
      const existing = await this.connections.lock(organizationId, manager);
      const saved = await this.connections.upsert(
        organizationId,
        {
          ...idp,
          attributeNames,
          jitProvisioning: input.jitProvisioning ?? existing?.jitProvisioning ?? true,
          maxAssertionAgeSeconds:
            input.maxAssertionAgeSeconds ??
            existing?.maxAssertionAgeSeconds ??
            DEFAULT_MAX_ASSERTION_AGE_SECONDS,
          maxAuthenticationAgeSeconds:
            input.maxAuthenticationAgeSeconds !== undefined
              ? input.maxAuthenticationAgeSeconds
              : (existing?.maxAuthenticationAgeSeconds ?? null),
          signAuthnRequests: input.signAuthnRequests ?? existing?.signAuthnRequests ?? false,
          requireEncryptedAssertions:
            input.requireEncryptedAssertions ?? existing?.requireEncryptedAssertions ?? false,
          metadataCheckedAt: fetchedAt,
          metadataRefreshedAt: fetchedAt,
          metadataError: null,
        },
        manager,
      );
      await this.spKeys.ensure(organizationId, organization.slug, manager);
      await this.record(
        existing ? 'sso_connection.updated' : 'sso_connection.created',
        organization.slug,
        saved,
        actor,
        manager,
      );
      return saved;
    });
  }

  /** Turns SAML off: sign-ins then answer "SSO is not configured". Open sessions stay until they expire. */
  async remove(organizationId: string, actor: Actor): Promise<void> {
    const organization = await this.organizations.get(organizationId);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.connections.delete(organizationId, manager))) {
        throw DomainError.notFound('SAML connection');
      }
      await this.record('sso_connection.deleted', organization.slug, null, actor, manager, {
        organizationId,
      });
    });
  }

  /** The connection as the admin API shows it, with the SP certificates. */
  async view(organizationId: string, slug: string, manager?: EntityManager) {
    return samlConnectionView(
      this.serviceProvider(slug),
      await this.connections.find(organizationId, manager),
      await this.spKeys.certificates(organizationId, manager),
    );
  }

  /** The SP metadata document of an organization (its certificates, whether requests are signed). */
  async metadata(organizationId: string, slug: string): Promise<SpMetadataInput> {
    const connection = await this.connections.find(organizationId);
    return {
      sp: this.serviceProvider(slug),
      certificates: await this.spKeys.certificates(organizationId),
      authnRequestsSigned: connection?.signAuthnRequests ?? false,
    };
  }

  /** Starts (`start`) or finishes (`finish`) a rollover of the SP keys of these uses. */
  async rollSpKeys(
    organizationId: string,
    step: 'start' | 'finish',
    uses: SpKeyUse[],
    actor: Actor,
  ): Promise<void> {
    const organization = await this.organizations.get(organizationId);
    await this.dataSource.transaction(async (manager) => {
      const connection = await this.connections.lock(organizationId, manager);
      if (!connection) throw DomainError.notFound('SAML connection');
      if (step === 'start') {
        await this.spKeys.startRollover(organizationId, organization.slug, uses, manager);
      } else {
        await this.spKeys.finishRollover(organizationId, uses, manager);
      }
      await this.record('sso_connection.updated', organization.slug, connection, actor, manager, {
        details: { spKeyRollover: step === 'start' ? 'started' : 'finished', uses },
      });
    });
  }

  /**
   * The scheduled refresh's result for a connection with a metadata URL: the new signing
   * certificates (and sign-on URL) taken in, or the failure noted on the connection. Answers whether
   * anything changed.
   */
  async recordRefresh(
    organizationId: string,
    outcome: { ok: true; idp: IdpSettings } | { ok: false; error: string },
    actor: Actor,
  ): Promise<'changed' | 'unchanged' | 'failed' | 'gone'> {
    const organization = await this.organizations.get(organizationId);
    return this.dataSource.transaction(async (manager) => {
      const existing = await this.connections.lock(organizationId, manager);
      if (!existing?.idpMetadataUrl) return 'gone';
      const {
        organization: _o,
        organizationId: _id,
        createdAt: _c,
        updatedAt: _u,
        ...settings
      } = existing;
      const now = new Date();
      if (!outcome.ok) {
        await this.connections.upsert(
          organizationId,
          { ...settings, metadataCheckedAt: now, metadataError: outcome.error.slice(0, 1024) },
          manager,
        );
        return 'failed';
      }
      const changed =
        outcome.idp.idpSsoUrl !== existing.idpSsoUrl ||
        outcome.idp.idpCertificates.join('\n') !== existing.idpCertificates.join('\n');
      const saved = await this.connections.upsert(
        organizationId,
        {
          ...settings,
          idpSsoUrl: outcome.idp.idpSsoUrl,
          idpCertificates: outcome.idp.idpCertificates,
          metadataCheckedAt: now,
          metadataRefreshedAt: now,
          metadataError: null,
        },
        manager,
      );
      if (changed) {
        await this.record('sso_connection.updated', organization.slug, saved, actor, manager, {
          details: { metadataRefresh: 'certificates or sign-on URL changed' },
        });
      }
      return changed ? 'changed' : 'unchanged';
    });
  }

  /**
   * The notice that an IdP signing certificate expires within `thresholdDays`: an email to the
   * organization's admins (outbox) and a `sso_connection.certificate_expiring` event, in one
   * transaction, once per certificate and threshold. Answers whether it was sent now (false: it
   * already was, or the certificate is no longer configured). `queued`: how many emails.
   */
  async noticeCertificateExpiry(
    organizationId: string,
    certificate: { fingerprintSha256: string; subject: string; validTo: string },
    thresholdDays: number,
    actor: Actor,
  ): Promise<{ sent: boolean; queued: number }> {
    const organization = await this.organizations.get(organizationId);
    return this.dataSource.transaction(async (manager) => {
      const connection = await this.connections.lock(organizationId, manager);
      const current = connection
        ? certificateSummaries(connection.idpCertificates).some(
            (c) => c.fingerprintSha256 === certificate.fingerprintSha256,
          )
        : false;
      if (
        !connection ||
        !current ||
        !(await this.connections.claimCertificateNotice(
          organizationId,
          certificate.fingerprintSha256,
          thresholdDays,
          manager,
        ))
      ) {
        return { sent: false, queued: 0 };
      }
      const details = { ...certificate, thresholdDays };
      const queued = await this.outbox.enqueueForAdmins(
        organizationId,
        'saml_certificate_expiring',
        details,
        manager,
      );
      await this.record(
        'sso_connection.certificate_expiring',
        organization.slug,
        connection,
        actor,
        manager,
        { details },
      );
      return { sent: true, queued };
    });
  }

  /** Fetches and reads the metadata at a URL; a 400 naming the problem when it cannot be used. */
  private async idpFromUrl(
    input: SamlConnectionInput,
  ): Promise<IdpSettings & { idpMetadataUrl: string }> {
    const direct = [input.idpEntityId, input.idpSsoUrl, input.idpCertificate, input.idpMetadataXml];
    if (direct.some((v) => v !== undefined)) {
      throw new DomainError(
        'validation_failed',
        'Send idpMetadataUrl alone, without idpMetadataXml, idpEntityId, idpSsoUrl or idpCertificate.',
      );
    }
    const url = input.idpMetadataUrl!.trim();
    try {
      const parsed = this.checkedMetadata(await fetchIdpMetadata(url, this.urlPolicy));
      return { ...parsed, idpMetadataUrl: url };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const message =
        error instanceof WebhookUrlRefused
          ? error.reason.replace(/^url/, 'the URL')
          : error instanceof Error
            ? error.message
            : String(error);
      throw invalid('idpMetadataUrl', message);
    }
  }

  /** Reads fetched metadata as the configuration does (the sign-on URL's scheme checked). */
  checkedMetadata(xml: string): IdpSettings {
    const parsed = parseIdpMetadata(xml);
    checkSsoUrl('idpMetadataUrl', parsed.idpSsoUrl);
    return parsed;
  }

  /** The event of a change to the connection, with the connection as the admin API shows it. */
  private async record(
    type: EventType,
    slug: string,
    after: SamlConnection | null,
    actor: Actor,
    manager: EntityManager,
    extra: { organizationId?: string; details?: NewEvent['details'] } = {},
  ): Promise<void> {
    const organizationId = extra.organizationId ?? after?.organizationId ?? '';
    await this.events.record(
      organizationId,
      // One connection per organization: it is known by the organization's id.
      { type: 'sso_connection', id: organizationId },
      [{ type, ...(extra.details ? { details: extra.details } : {}) }],
      samlConnectionView(
        this.serviceProvider(slug),
        after,
        after ? await this.spKeys.certificates(organizationId, manager) : [],
      ),
      actor,
      manager,
    );
  }
}

export interface SpMetadataInput {
  sp: ServiceProviderUrls;
  certificates: SpCertificate[];
  authnRequestsSigned: boolean;
}

/** The connection as the admin API shows it (GET /api/v1/sso/saml), never a secret. */
export function samlConnectionView(
  sp: ServiceProviderUrls,
  connection: SamlConnection | null,
  spCertificates: SpCertificate[] = [],
) {
  return {
    configured: connection !== null,
    serviceProvider: {
      ...sp,
      certificates: spCertificates.map(({ id: _id, ...certificate }) => certificate),
    },
    idpEntityId: connection?.idpEntityId ?? null,
    idpSsoUrl: connection?.idpSsoUrl ?? null,
    idpCertificates: connection ? certificateSummaries(connection.idpCertificates) : [],
    idpMetadata: connection?.idpMetadataUrl
      ? {
          url: connection.idpMetadataUrl,
          status: connection.metadataError ? ('failing' as const) : ('ok' as const),
          lastCheckedAt: connection.metadataCheckedAt?.toISOString() ?? null,
          lastRefreshedAt: connection.metadataRefreshedAt?.toISOString() ?? null,
          lastError: connection.metadataError,
        }
      : null,
    attributeNames: connection?.attributeNames ?? null,
    jitProvisioning: connection?.jitProvisioning ?? true,
    maxAssertionAgeSeconds: connection?.maxAssertionAgeSeconds ?? DEFAULT_MAX_ASSERTION_AGE_SECONDS,
    maxAuthenticationAgeSeconds: connection?.maxAuthenticationAgeSeconds ?? null,
    signAuthnRequests: connection?.signAuthnRequests ?? false,
    requireEncryptedAssertions: connection?.requireEncryptedAssertions ?? false,
    updatedAt: connection?.updatedAt.toISOString() ?? null,
  };
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

function idpSettings(input: SamlConnectionInput): IdpSettings {
  const direct = [input.idpEntityId, input.idpSsoUrl, input.idpCertificate];
  if (input.idpMetadataXml !== undefined) {
    if (direct.some((v) => v !== undefined)) {
      throw new DomainError(
        'validation_failed',
        'Send either idpMetadataXml or idpEntityId, idpSsoUrl and idpCertificate, not both.',
      );
    }
    try {
      const parsed = parseIdpMetadata(input.idpMetadataXml);
      checkSsoUrl('idpMetadataXml', parsed.idpSsoUrl);
      return parsed;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw invalid('idpMetadataXml', error instanceof Error ? error.message : String(error));
    }
  }
  const missing = (['idpEntityId', 'idpSsoUrl', 'idpCertificate'] as const).filter(
    (field) => (input[field] ?? '').trim() === '',
  );
  if (missing.length > 0) {
    throw new DomainError(
      'validation_failed',
      `Send idpMetadataXml, or all of idpEntityId, idpSsoUrl and idpCertificate (missing: ${missing.join(', ')}).`,
      missing.map((field) => ({ field, message: `${field} is required without idpMetadataXml` })),
    );
  }
  const idpSsoUrl = input.idpSsoUrl!.trim();
  checkSsoUrl('idpSsoUrl', idpSsoUrl);
  let idpCertificates: string[];
  try {
    idpCertificates = normalizeCertificates(input.idpCertificate!);
  } catch (error) {
    throw invalid('idpCertificate', error instanceof Error ? error.message : String(error));
  }
  return { idpEntityId: input.idpEntityId!.trim(), idpSsoUrl, idpCertificates };
}

/** The IdP's sign-on URL: absolute https (plain http only on this machine, for local test IdPs). */
function checkSsoUrl(field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'must be an absolute URL');
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.username !== '' || url.password !== '') {
    throw invalid(field, 'must be an https:// URL (http:// only for localhost)');
  }
}

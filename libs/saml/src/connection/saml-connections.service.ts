import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { type Actor, EventLog, type EventType, OrganizationsService } from '@rollcall/identity';
import { certificateSummaries, normalizeCertificates } from './certificates';
import { parseIdpMetadata } from './idp-metadata';
import { DEFAULT_ATTRIBUTE_NAMES, type SamlAttributeNames } from './saml-connection.entity';
import { SamlConnectionsRepository } from './saml-connections.repository';

/** What an admin sends to set up SAML: the IdP's three values, or its metadata document. */
export interface SamlConnectionInput {
  idpEntityId?: string;
  idpSsoUrl?: string;
  idpCertificate?: string;
  idpMetadataXml?: string;
  attributeNames?: Partial<SamlAttributeNames>;
  jitProvisioning?: boolean;
}

export interface SamlConnection {
  organizationId: string;
  idpEntityId: string;
  idpSsoUrl: string;
  idpCertificates: string[];
  attributeNames: SamlAttributeNames;
  jitProvisioning: boolean;
  createdAt: Date;
  updatedAt: Date;
}

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
  ) {}

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
    const idp = idpSettings(input);
    const renamed = Object.entries(input.attributeNames ?? {}).filter(([, v]) => v !== undefined);
    const attributeNames = { ...DEFAULT_ATTRIBUTE_NAMES, ...Object.fromEntries(renamed) };
    return this.dataSource.transaction(async (manager) => {
      const existing = await this.connections.lock(organizationId, manager);
      const saved = await this.connections.upsert(
        organizationId,
        {
          ...idp,
          attributeNames,
          jitProvisioning: input.jitProvisioning ?? existing?.jitProvisioning ?? true,
        },
        manager,
      );
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
      await this.record(
        'sso_connection.deleted',
        organization.slug,
        null,
        actor,
        manager,
        organizationId,
      );
    });
  }

  /** The event of a change to the connection, with the connection as the admin API shows it. */
  private record(
    type: EventType,
    slug: string,
    after: SamlConnection | null,
    actor: Actor,
    manager: EntityManager,
    organizationId = after?.organizationId ?? '',
  ): Promise<void> {
    return this.events.record(
      organizationId,
      // One connection per organization: it is known by the organization's id.
      { type: 'sso_connection', id: organizationId },
      [{ type }],
      samlConnectionView(this.serviceProvider(slug), after),
      actor,
      manager,
    );
  }
}

/** The connection as the admin API shows it (GET /api/v1/sso/saml), never a secret. */
export function samlConnectionView(sp: ServiceProviderUrls, connection: SamlConnection | null) {
  return {
    configured: connection !== null,
    serviceProvider: sp,
    idpEntityId: connection?.idpEntityId ?? null,
    idpSsoUrl: connection?.idpSsoUrl ?? null,
    idpCertificates: connection ? certificateSummaries(connection.idpCertificates) : [],
    attributeNames: connection?.attributeNames ?? null,
    jitProvisioning: connection?.jitProvisioning ?? true,
    updatedAt: connection?.updatedAt.toISOString() ?? null,
  };
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

function idpSettings(
  input: SamlConnectionInput,
): Pick<SamlConnection, 'idpEntityId' | 'idpSsoUrl' | 'idpCertificates'> {
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

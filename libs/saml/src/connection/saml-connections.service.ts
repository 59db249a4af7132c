import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { OrganizationsService } from '@rollcall/identity';
import { normalizeCertificates } from './certificates';
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
    private readonly connections: SamlConnectionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
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
  async configure(organizationId: string, input: SamlConnectionInput): Promise<SamlConnection> {
    await this.organizations.get(organizationId);
    const idp = idpSettings(input);
    const existing = await this.find(organizationId);
    const renamed = Object.entries(input.attributeNames ?? {}).filter(([, v]) => v !== undefined);
    const attributeNames = { ...DEFAULT_ATTRIBUTE_NAMES, ...Object.fromEntries(renamed) };
    return this.connections.upsert(organizationId, {
      ...idp,
      attributeNames,
      jitProvisioning: input.jitProvisioning ?? existing?.jitProvisioning ?? true,
    });
  }

  /** Turns SAML off: sign-ins then answer "SSO is not configured". Open sessions stay until they expire. */
  async remove(organizationId: string): Promise<void> {
    if (!(await this.connections.delete(organizationId))) {
      throw DomainError.notFound('SAML connection');
    }
  }
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

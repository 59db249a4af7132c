import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  type AppConfig,
  DatabaseSignals,
  DomainError,
  generateKeyId,
  generateSecret,
  hashSecret,
  secretMatchesHash,
} from '@rollcall/common';
import { type Actor, EventLog, type EventType, OrganizationsService } from '@rollcall/identity';
import {
  type IdentityProvider,
  type ScimAuthMethod,
  type ScimIntegrationEntity,
} from './scim-integration.entity';
import { ScimCredentialCache } from './scim-credential-cache';
import { ScimIntegrationsRepository } from './scim-integrations.repository';

/** Credentials last two years (SPEC §6); admins are warned during the last 30 days. */
/** What a SCIM request presented in its Authorization header. */
export type ScimCredentialsPresented =
  { scheme: 'bearer'; token: string } | { scheme: 'basic'; username: string; password: string };

export const CREDENTIAL_LIFETIME_DAYS = 730;
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
const TOKEN_FORMAT = /^rcscim_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const USERNAME_FORMAT = /^scim-([A-Za-z0-9]{12})$/;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ScimIntegrationStatus {
  enabled: boolean;
  idp: IdentityProvider | null;
  authMethod: ScimAuthMethod | null;
  baseUrl: string;
  /** The HTTP Basic username (not a secret) when authMethod is basic. */
  username: string | null;
  createdAt: Date | null;
  rotatedAt: Date | null;
  expiresAt: Date | null;
  expiringSoon: boolean;
  expired: boolean;
  lastUsedAt: Date | null;
}

/** The credentials as shown once, when created or rotated. */
export type ScimCredentials =
  | { authMethod: 'bearer'; baseUrl: string; token: string; expiresAt: Date }
  | { authMethod: 'basic'; baseUrl: string; username: string; password: string; expiresAt: Date };

/** Who a SCIM request acts for, once its credentials are accepted. */
export interface ScimPrincipal {
  kind: 'scim';
  organizationId: string;
  integrationId: string;
}

/** Credentials whose admins are due a warning: expiring within 30 days, or expired. */
export interface ScimExpiryNotice {
  organizationId: string;
  integrationId: string;
  kind: 'expiring' | 'expired';
  expiresAt: Date;
}

export type ScimAuthResult = { ok: true; principal: ScimPrincipal } | { ok: false; reason: string };

@Injectable()
export class ScimIntegrationService implements OnModuleDestroy {
  private readonly cache: ScimCredentialCache;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly integrations: ScimIntegrationsRepository,
    private readonly events: EventLog,
    signals: DatabaseSignals,
  ) {
    this.cache = new ScimCredentialCache(signals);
  }

  onModuleDestroy(): void {
    this.cache.stop();
  }

  get baseUrl(): string {
    return `${this.config.publicUrl}/scim/v2`;
  }

  async status(organizationId: string): Promise<ScimIntegrationStatus> {
    return this.statusOf(await this.integrations.findByOrganization(organizationId));
  }

  private statusOf(integration: ScimIntegrationEntity | null): ScimIntegrationStatus {
    if (!integration) {
      return {
        enabled: false,
        idp: null,
        authMethod: null,
        baseUrl: this.baseUrl,
        username: null,
        createdAt: null,
        rotatedAt: null,
        expiresAt: null,
        expiringSoon: false,
        expired: false,
        lastUsedAt: null,
      };
    }
    const now = Date.now();
    const expiresIn = integration.expiresAt.getTime() - now;
    return {
      enabled: true,
      idp: integration.idp,
      authMethod: integration.authMethod,
      baseUrl: this.baseUrl,
      username: integration.authMethod === 'basic' ? `scim-${integration.credentialId}` : null,
      createdAt: integration.createdAt,
      rotatedAt: integration.rotatedAt,
      expiresAt: integration.expiresAt,
      expiringSoon: expiresIn > 0 && expiresIn <= EXPIRY_WARNING_DAYS * DAY_MS,
      expired: expiresIn <= 0,
      lastUsedAt: integration.lastUsedAt,
    };
  }

  /** The event of a change to the integration, with its status after it (never a secret). */
  private record(
    type: EventType,
    organizationId: string,
    integrationId: string,
    after: ScimIntegrationEntity | null,
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    return this.events.record(
      organizationId,
      { type: 'scim_integration', id: integrationId },
      [{ type }],
      scimIntegrationView(this.statusOf(after)),
      actor,
      manager,
    );
  }

  /** Turns SCIM on with fresh credentials (shown once). Enterprise plan only. */
  async enable(
    organizationId: string,
    idp: IdentityProvider,
    authMethod: ScimAuthMethod,
    actor: Actor,
  ): Promise<ScimCredentials> {
    const organization = await this.organizations.get(organizationId);
    if (organization.plan !== 'enterprise') {
      throw new DomainError(
        'plan_required',
        'SCIM provisioning is available on the enterprise plan only; this organization is on the team plan.',
      );
    }
    const credentials = await this.dataSource.transaction(async (manager) => {
      const existing = await this.integrations.lockByOrganization(organizationId, manager);
      if (existing) {
        throw new DomainError(
          'conflict',
          'SCIM is already enabled for this organization; rotate the credentials or disable it first.',
        );
      }
      const { credentialId, secret, secretHash } = newCredential();
      const saved = await this.integrations.insert(
        {
          organizationId,
          idp,
          authMethod,
          credentialId,
          secretHash,
          expiresAt: expiryFromNow(),
          rotatedAt: null,
          lastUsedAt: null,
          expiryWarningSentAt: null,
          expiredNoticeSentAt: null,
        },
        manager,
      );
      await this.record(
        'scim_integration.enabled',
        organizationId,
        saved.id,
        saved,
        actor,
        manager,
      );
      return this.credentials(saved, secret);
    });
    this.cache.forget();
    return credentials;
  }

  /** New credentials; the old ones stop working at once. */
  async rotate(organizationId: string, actor: Actor): Promise<ScimCredentials> {
    const credentials = await this.dataSource.transaction(async (manager) => {
      const integration = await this.integrations.lockByOrganization(organizationId, manager);
      if (!integration) throw notEnabled();
      const { credentialId, secret, secretHash } = newCredential();
      Object.assign(integration, {
        credentialId,
        secretHash,
        expiresAt: expiryFromNow(),
        rotatedAt: new Date(),
        lastUsedAt: null,
        expiryWarningSentAt: null,
        expiredNoticeSentAt: null,
      });
      const saved = await this.integrations.save(integration, manager);
      await this.record(
        'scim_integration.credentials_rotated',
        organizationId,
        saved.id,
        saved,
        actor,
        manager,
      );
      return this.credentials(saved, secret);
    });
    this.cache.forget();
    return credentials;
  }

  /** Turns SCIM off: every SCIM call answers 401 from now on; users keep their state. */
  async disable(organizationId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const integration = await this.integrations.lockByOrganization(organizationId, manager);
      if (!integration) throw notEnabled();
      await this.integrations.deleteByOrganization(organizationId, manager);
      await this.record(
        'scim_integration.disabled',
        organizationId,
        integration.id,
        null,
        actor,
        manager,
      );
    });
    this.cache.forget();
  }

  /**
   * Finds the credentials whose admins have not yet been told they expire within 30 days (or have
   * expired), and records the notice as given, in the caller's transaction (which queues the emails),
   * so each notice is given once per credential; rows another instance is handling are skipped.
   */
  async claimExpiryNotices(
    manager: EntityManager,
    actor: Actor,
    limit = 100,
  ): Promise<ScimExpiryNotice[]> {
    const rows = await this.integrations.claimExpiryNotices(EXPIRY_WARNING_DAYS, limit, manager);
    const notices = rows.map((row) => ({
      organizationId: row.organization_id,
      integrationId: row.id,
      kind: row.expired ? ('expired' as const) : ('expiring' as const),
      expiresAt: new Date(row.expires_at),
    }));
    for (const notice of notices) {
      const integration = await this.integrations.findByOrganization(
        notice.organizationId,
        manager,
      );
      await this.record(
        notice.kind === 'expired'
          ? 'scim_integration.credentials_expired'
          : 'scim_integration.credentials_expiring',
        notice.organizationId,
        notice.integrationId,
        integration,
        actor,
        manager,
      );
    }
    return notices;
  }

  /** Checks presented credentials in constant time; the reason is for the 401's detail. */
  async authenticate(presented: ScimCredentialsPresented): Promise<ScimAuthResult> {
    const match =
      presented.scheme === 'bearer'
        ? TOKEN_FORMAT.exec(presented.token)
        : USERNAME_FORMAT.exec(presented.username);
    const secret = presented.scheme === 'bearer' ? (match?.[2] ?? '') : presented.password;
    const invalid = { ok: false as const, reason: 'The SCIM credentials are not valid.' };
    if (!match?.[1]) return invalid;
    // From memory while the database's signals vouch for it (a rotation, a disable or a deletion
    // on any instance reaches every instance within a second), else read (ScimCredentialCache).
    const cached = this.cache.lookup(match[1]);
    const integration = cached.row ?? (await this.integrations.findCredential(match[1]));
    if (integration && !cached.row) this.cache.remember(match[1], integration, cached.generation);
    if (!integration || !secretMatchesHash(secret, integration.secret_hash)) return invalid;
    if (integration.auth_method !== presented.scheme) {
      return {
        ok: false,
        reason: `This SCIM integration uses HTTP ${integration.auth_method === 'bearer' ? 'Bearer' : 'Basic'} authentication.`,
      };
    }
    const expiresAt = new Date(integration.expires_at);
    if (expiresAt.getTime() <= Date.now()) {
      return {
        ok: false,
        reason: `The SCIM credentials expired on ${expiresAt.toISOString()}; an admin must rotate them.`,
      };
    }
    if (
      integration.last_used_at === null ||
      Date.now() - new Date(integration.last_used_at).getTime() > LAST_USED_RESOLUTION_MS
    ) {
      await this.integrations.markUsed(integration.id);
      // Not a change the trigger signals (the cached row stays), so the cached copy learns it here.
      integration.last_used_at = new Date();
    }
    return {
      ok: true,
      principal: {
        kind: 'scim',
        organizationId: integration.organization_id,
        integrationId: integration.id,
      },
    };
  }

  private credentials(integration: ScimIntegrationEntity, secret: string): ScimCredentials {
    return integration.authMethod === 'bearer'
      ? {
          authMethod: 'bearer',
          baseUrl: this.baseUrl,
          token: `rcscim_${integration.credentialId}_${secret}`,
          expiresAt: integration.expiresAt,
        }
      : {
          authMethod: 'basic',
          baseUrl: this.baseUrl,
          username: `scim-${integration.credentialId}`,
          password: secret,
          expiresAt: integration.expiresAt,
        };
  }
}

/** The integration's status as the admin API shows it (GET /api/v1/scim/integration). */
export function scimIntegrationView(status: ScimIntegrationStatus) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    ...status,
    createdAt: iso(status.createdAt),
    rotatedAt: iso(status.rotatedAt),
    expiresAt: iso(status.expiresAt),
    lastUsedAt: iso(status.lastUsedAt),
  };
}

function newCredential(): { credentialId: string; secret: string; secretHash: string } {
  const secret = generateSecret(32);
  return { credentialId: generateKeyId(12), secret, secretHash: hashSecret(secret) };
}

function expiryFromNow(): Date {
  return new Date(Date.now() + CREDENTIAL_LIFETIME_DAYS * DAY_MS);
}

function notEnabled(): DomainError {
  return new DomainError('not_found', 'SCIM is not enabled for this organization.');
}

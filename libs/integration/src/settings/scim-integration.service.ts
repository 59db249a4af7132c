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
import { type Actor, EventLog, type NewEvent, OrganizationsService } from '@rollcall/identity';
import {
  type IdentityProvider,
  type ScimAuthMethod,
  type ScimIntegrationEntity,
} from './scim-integration.entity';
import { ScimCredentialCache } from './scim-credential-cache';
import {
  type CredentialRole,
  type CredentialRow,
  ScimIntegrationsRepository,
} from './scim-integrations.repository';
import type { ScimPreviousCredentialEntity } from './scim-previous-credential.entity';

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
const HOUR_MS = 3_600_000;
/** The grace period of a rotation when the admin names none, and the longest one (30 days). */
export const DEFAULT_GRACE_PERIOD_HOURS = 24;
export const MAX_GRACE_PERIOD_HOURS = 720;

/** One live credential as the integration status shows it (never the secret). */
export interface ScimCredentialStatus {
  /** `current`: the latest issued; `previous`: the one the last rotation replaced, in its grace. */
  role: CredentialRole;
  /** Bearer tokens: their public start (`rcscim_<id>`), to tell which one an IdP holds. */
  tokenPrefix: string | null;
  /** HTTP Basic: the username. */
  username: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Previous credential only: it stops working then (or at `expiresAt`, if that comes first). */
  graceEndsAt: Date | null;
  lastUsedAt: Date | null;
  expiringSoon: boolean;
  expired: boolean;
}

export interface ScimIntegrationStatus {
  enabled: boolean;
  idp: IdentityProvider | null;
  authMethod: ScimAuthMethod | null;
  baseUrl: string;
  /** The HTTP Basic username (not a secret) of the current credential when authMethod is basic. */
  username: string | null;
  createdAt: Date | null;
  rotatedAt: Date | null;
  /** The current credential's expiry, as are expiringSoon, expired and lastUsedAt. */
  expiresAt: Date | null;
  expiringSoon: boolean;
  expired: boolean;
  lastUsedAt: Date | null;
  /** When the previous credential stops working; null when there is none in a grace period. */
  graceEndsAt: Date | null;
  /** The live credentials: the current one, then the previous one while its grace lasts. */
  credentials: ScimCredentialStatus[];
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
  /** Whose expiry: the current credential's, or the previous one's (before its grace ends). */
  credential: CredentialRole;
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
    const integration = await this.integrations.findByOrganization(organizationId);
    const previous = integration ? await this.integrations.findPrevious(integration.id) : null;
    return this.statusOf(integration, previous);
  }

  private statusOf(
    integration: ScimIntegrationEntity | null,
    previous: ScimPreviousCredentialEntity | null,
  ): ScimIntegrationStatus {
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
        graceEndsAt: null,
        credentials: [],
      };
    }
    const now = Date.now();
    const describe = (
      role: CredentialRole,
      credentialId: string,
      fields: Pick<ScimCredentialStatus, 'createdAt' | 'expiresAt' | 'graceEndsAt' | 'lastUsedAt'>,
    ): ScimCredentialStatus => {
      const expiresIn = fields.expiresAt.getTime() - now;
      const bearer = integration.authMethod === 'bearer';
      return {
        role,
        tokenPrefix: bearer ? `rcscim_${credentialId}` : null,
        username: bearer ? null : `scim-${credentialId}`,
        ...fields,
        expiringSoon: expiresIn > 0 && expiresIn <= EXPIRY_WARNING_DAYS * DAY_MS,
        expired: expiresIn <= 0,
      };
    };
    const current = describe('current', integration.credentialId, {
      createdAt: integration.rotatedAt ?? integration.createdAt,
      expiresAt: integration.expiresAt,
      graceEndsAt: null,
      lastUsedAt: integration.lastUsedAt,
    });
    const inGrace = previous !== null && previous.graceEndsAt.getTime() > now;
    const credentials = [current];
    if (inGrace) {
      credentials.push(
        describe('previous', previous.credentialId, {
          createdAt: previous.issuedAt,
          expiresAt: previous.expiresAt,
          graceEndsAt: previous.graceEndsAt,
          lastUsedAt: previous.lastUsedAt,
        }),
      );
    }
    return {
      enabled: true,
      idp: integration.idp,
      authMethod: integration.authMethod,
      baseUrl: this.baseUrl,
      username: current.username,
      createdAt: integration.createdAt,
      rotatedAt: integration.rotatedAt,
      expiresAt: integration.expiresAt,
      expiringSoon: current.expiringSoon,
      expired: current.expired,
      lastUsedAt: integration.lastUsedAt,
      graceEndsAt: inGrace ? previous.graceEndsAt : null,
      credentials,
    };
  }

  /** The event of a change to the integration, with its status after it (never a secret). */
  private async record(
    event: NewEvent,
    organizationId: string,
    integrationId: string,
    after: ScimIntegrationEntity | null,
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    const previous = after ? await this.integrations.findPrevious(after.id, manager) : null;
    await this.events.record(
      organizationId,
      { type: 'scim_integration', id: integrationId },
      [event],
      scimIntegrationView(this.statusOf(after, previous)),
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
        { type: 'scim_integration.enabled' },
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

  /**
   * New credentials (shown once). The replaced ones keep working for `gracePeriodHours` (0: they
   * stop at once; expired ones always do), so the IdP can be switched without a gap. At most two
   * credentials are live: a credential still in the grace of an earlier rotation stops now.
   */
  async rotate(
    organizationId: string,
    actor: Actor,
    gracePeriodHours = DEFAULT_GRACE_PERIOD_HOURS,
  ): Promise<ScimCredentials> {
    const credentials = await this.dataSource.transaction(async (manager) => {
      const integration = await this.integrations.lockByOrganization(organizationId, manager);
      if (!integration) throw notEnabled();
      const now = new Date();
      const oldest = await this.integrations.findPrevious(integration.id, manager);
      if (oldest) await this.integrations.deletePrevious(integration.id, manager);
      let graceEndsAt: Date | null = null;
      if (gracePeriodHours > 0 && integration.expiresAt.getTime() > now.getTime()) {
        graceEndsAt = new Date(now.getTime() + Math.round(gracePeriodHours * HOUR_MS));
        await this.integrations.insertPrevious(
          {
            integrationId: integration.id,
            credentialId: integration.credentialId,
            secretHash: integration.secretHash,
            issuedAt: integration.rotatedAt ?? integration.createdAt,
            expiresAt: integration.expiresAt,
            graceEndsAt,
            lastUsedAt: integration.lastUsedAt,
            expiryWarningSentAt: integration.expiryWarningSentAt,
            expiredNoticeSentAt: integration.expiredNoticeSentAt,
          },
          manager,
        );
      }
      const { credentialId, secret, secretHash } = newCredential();
      Object.assign(integration, {
        credentialId,
        secretHash,
        expiresAt: expiryFromNow(),
        rotatedAt: now,
        lastUsedAt: null,
        expiryWarningSentAt: null,
        expiredNoticeSentAt: null,
      });
      const saved = await this.integrations.save(integration, manager);
      await this.record(
        {
          type: 'scim_integration.credentials_rotated',
          details: {
            gracePeriodHours,
            // When the replaced credentials stop working (null: at once).
            graceEndsAt: graceEndsAt?.toISOString() ?? null,
            // A grace period from an earlier rotation that this one ended.
            endedGraceOf:
              oldest && oldest.graceEndsAt.getTime() > now.getTime()
                ? { credentialCreatedAt: oldest.issuedAt.toISOString() }
                : null,
          },
        },
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

  /** Ends the grace period of the previous credentials at once: they stop working now. */
  async endGracePeriod(organizationId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const integration = await this.integrations.lockByOrganization(organizationId, manager);
      if (!integration) throw notEnabled();
      const previous = await this.integrations.findPrevious(integration.id, manager);
      if (!previous || previous.graceEndsAt.getTime() <= Date.now()) {
        throw new DomainError(
          'not_found',
          'There are no previous SCIM credentials in a grace period: only the current ones work.',
        );
      }
      await this.integrations.deletePrevious(integration.id, manager);
      await this.record(
        {
          type: 'scim_integration.previous_credentials_revoked',
          details: {
            credentialCreatedAt: previous.issuedAt.toISOString(),
            plannedGraceEndsAt: previous.graceEndsAt.toISOString(),
          },
        },
        organizationId,
        integration.id,
        integration,
        actor,
        manager,
      );
    });
    this.cache.forget();
  }

  /** Turns SCIM off: every SCIM call answers 401 from now on; users keep their state. */
  async disable(organizationId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const integration = await this.integrations.lockByOrganization(organizationId, manager);
      if (!integration) throw notEnabled();
      await this.integrations.deleteByOrganization(organizationId, manager);
      await this.record(
        { type: 'scim_integration.disabled' },
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
   * Finds the credentials — current ones, and previous ones that expire before their grace ends —
   * whose admins have not yet been told they expire within 30 days (or have expired), and records
   * the notice as given, in the caller's transaction (which queues the emails), so each notice is
   * given once per credential; rows another instance is handling are skipped.
   */
  async claimExpiryNotices(
    manager: EntityManager,
    actor: Actor,
    limit = 100,
  ): Promise<ScimExpiryNotice[]> {
    const current = await this.integrations.claimExpiryNotices(EXPIRY_WARNING_DAYS, limit, manager);
    const previous =
      current.length < limit
        ? await this.integrations.claimPreviousExpiryNotices(
            EXPIRY_WARNING_DAYS,
            limit - current.length,
            manager,
          )
        : [];
    const notices = [...current, ...previous].map((row) => ({
      organizationId: row.organization_id,
      integrationId: row.id,
      credential: row.role,
      kind: row.expired ? ('expired' as const) : ('expiring' as const),
      expiresAt: new Date(row.expires_at),
    }));
    for (const notice of notices) {
      const integration = await this.integrations.findByOrganization(
        notice.organizationId,
        manager,
      );
      await this.record(
        {
          type:
            notice.kind === 'expired'
              ? 'scim_integration.credentials_expired'
              : 'scim_integration.credentials_expiring',
          details: { credential: notice.credential, expiresAt: notice.expiresAt.toISOString() },
        },
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
    const credential = cached.row ?? (await this.integrations.findCredential(match[1]));
    if (credential && !cached.row) this.cache.remember(match[1], credential, cached.generation);
    if (!credential || !secretMatchesHash(secret, credential.secret_hash)) return invalid;
    if (credential.auth_method !== presented.scheme) {
      return {
        ok: false,
        reason: `This SCIM integration uses HTTP ${credential.auth_method === 'bearer' ? 'Bearer' : 'Basic'} authentication.`,
      };
    }
    const refused = refusal(credential, Date.now());
    if (refused) return { ok: false, reason: refused };
    if (
      credential.last_used_at === null ||
      Date.now() - new Date(credential.last_used_at).getTime() > LAST_USED_RESOLUTION_MS
    ) {
      await this.integrations.markUsed(credential);
      // Not a change the trigger signals (the cached row stays), so the cached copy learns it here.
      credential.last_used_at = new Date();
    }
    return {
      ok: true,
      principal: {
        kind: 'scim',
        organizationId: credential.organization_id,
        integrationId: credential.id,
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
    graceEndsAt: iso(status.graceEndsAt),
    credentials: status.credentials.map((credential) => ({
      ...credential,
      createdAt: credential.createdAt.toISOString(),
      expiresAt: credential.expiresAt.toISOString(),
      graceEndsAt: iso(credential.graceEndsAt),
      lastUsedAt: iso(credential.lastUsedAt),
    })),
  };
}

/**
 * Why a credential whose secret matched is refused now, if it is: its grace period has ended (a
 * previous credential), or it has expired. Compared with the clock on every request, so a row in
 * the cache stops working at the very moment, without a statement or a signal.
 */
function refusal(credential: CredentialRow, now: number): string | undefined {
  if (credential.grace_ends_at !== null) {
    const graceEndsAt = new Date(credential.grace_ends_at);
    if (graceEndsAt.getTime() <= now) {
      return `These SCIM credentials were replaced by a rotation and their grace period ended on ${graceEndsAt.toISOString()}; use the current credentials.`;
    }
  }
  const expiresAt = new Date(credential.expires_at);
  if (expiresAt.getTime() <= now) {
    return `The SCIM credentials expired on ${expiresAt.toISOString()}; an admin must rotate them.`;
  }
  return undefined;
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

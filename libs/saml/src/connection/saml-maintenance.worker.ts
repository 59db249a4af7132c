import { X509Certificate } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig, RoundTimer } from '@rollcall/common';
import type { Actor } from '@rollcall/identity';
import { fetchIdpMetadata } from './metadata-fetch';
import { SamlConnectionsRepository } from './saml-connections.repository';
import { SamlConnectionsService } from './saml-connections.service';

/** How often the worker looks for metadata to fetch and certificates about to expire. */
export const SAML_WORKER_INTERVAL_MS = 15 * 60_000;
/** Days before an IdP signing certificate's notAfter when its admins are told, once each. */
export const CERTIFICATE_NOTICE_DAYS = [90, 30] as const;
/** Connections refreshed per round (the rest wait for the next). */
const REFRESH_BATCH = 50;
const DAY_MS = 86_400_000;

const REFRESH_ACTOR: Actor = { type: 'system', worker: 'saml-metadata-refresh' };
const EXPIRY_ACTOR: Actor = { type: 'system', worker: 'saml-certificate-expiry' };

export interface RefreshRound {
  changed: number;
  unchanged: number;
  failed: number;
}

/**
 * SAML housekeeping on every instance with ROLLCALL_SAML_WORKER on (default): fetches each
 * connection's IdP metadata URL again every ROLLCALL_SAML_METADATA_REFRESH_HOURS (new signing
 * certificates, e.g. the IdP's next key during its rollover, are taken in; a failure is logged and
 * shown on the connection, which keeps its certificates), and sends the IdP certificate expiry
 * notices 90 and 30 days ahead. Claims are per connection, so instances share the work.
 */
@Injectable()
export class SamlMaintenanceWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SamlMaintenanceWorker.name);
  private readonly timer = new RoundTimer({
    round: () => this.round(),
    intervalMs: SAML_WORKER_INTERVAL_MS,
    logger: this.logger,
    failure: 'SAML maintenance failed; retrying at the next round',
  });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: SamlConnectionsService,
    private readonly repository: SamlConnectionsRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.saml.worker) this.timer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.timer.stop();
  }

  private async round(): Promise<void> {
    await this.refreshDue();
    await this.checkCertificateExpiry();
  }

  /** Fetches the metadata of every connection that is due (tests call it with a later `now`). */
  async refreshDue(now = new Date()): Promise<RefreshRound> {
    const before = new Date(now.getTime() - this.config.saml.metadataRefreshHours * 3_600_000);
    const result: RefreshRound = { changed: 0, unchanged: 0, failed: 0 };
    for (;;) {
      const due = await this.repository.claimDueRefreshes(before, REFRESH_BATCH);
      for (const connection of due) {
        const outcome = await this.refreshOne(connection);
        if (outcome !== 'gone') result[outcome] += 1;
      }
      if (due.length < REFRESH_BATCH || this.timer.stopped) return result;
    }
  }

  private async refreshOne(connection: {
    organizationId: string;
    url: string;
    idpEntityId: string;
  }): Promise<'changed' | 'unchanged' | 'failed' | 'gone'> {
    const { organizationId, url } = connection;
    let outcome: Parameters<SamlConnectionsService['recordRefresh']>[1];
    try {
      const idp = this.connections.checkedMetadata(
        await fetchIdpMetadata(url, this.connections.urlPolicy),
      );
      if (idp.idpEntityId !== connection.idpEntityId) {
        throw new Error(
          `the metadata is for the entity ${idp.idpEntityId}, not ${connection.idpEntityId} (configure the connection again to change the IdP)`,
        );
      }
      outcome = { ok: true, idp };
    } catch (error) {
      const reason = 'reason' in Object(error) ? (error as { reason: string }).reason : undefined;
      outcome = { ok: false, error: reason ?? (error as Error).message ?? String(error) };
    }
    const result = await this.connections.recordRefresh(organizationId, outcome, REFRESH_ACTOR);
    if (!outcome.ok) {
      this.logger.warn(
        { organizationId, url, error: outcome.error },
        `IdP metadata refresh failed: ${outcome.error}; the connection keeps its certificates`,
      );
    } else if (result === 'changed') {
      this.logger.log(
        { organizationId, url, certificates: outcome.idp.idpCertificates.length },
        'IdP metadata refreshed: new signing certificates or sign-on URL taken in',
      );
    }
    return result;
  }

  /**
   * Sends the expiry notices due at `now`: for each IdP signing certificate within 90 (then 30)
   * days of its notAfter, once per certificate and threshold. Answers how many were sent.
   */
  async checkCertificateExpiry(now = new Date()): Promise<number> {
    let sent = 0;
    for (const { organizationId, certificates } of await this.repository.allCertificates()) {
      for (const pem of certificates) {
        const cert = new X509Certificate(pem);
        const validTo = new Date(cert.validTo);
        const daysLeft = (validTo.getTime() - now.getTime()) / DAY_MS;
        const crossed = CERTIFICATE_NOTICE_DAYS.filter((days) => daysLeft <= days);
        if (crossed.length === 0) continue;
        // Only the nearest threshold: a certificate first seen 20 days before it ends gets the
        // 30-day notice, not both.
        const thresholdDays = Math.min(...crossed);
        const notice = await this.connections.noticeCertificateExpiry(
          organizationId,
          {
            fingerprintSha256: cert.fingerprint256,
            subject: cert.subject.replace(/\n/g, ', '),
            validTo: validTo.toISOString(),
          },
          thresholdDays,
          EXPIRY_ACTOR,
        );
        if (!notice.sent) continue;
        sent += 1;
        this.logger.log(
          { organizationId, fingerprintSha256: cert.fingerprint256, thresholdDays },
          `IdP signing certificate expires on ${validTo.toISOString()}: ${thresholdDays}-day notice sent`,
        );
        if (notice.queued === 0) {
          this.logger.warn(
            { organizationId },
            'IdP certificate expiry notice: the organization has no admin with an email',
          );
        }
      }
    }
    return sent;
  }
}

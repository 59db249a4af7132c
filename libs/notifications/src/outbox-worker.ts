import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DomainError, RoundTimer } from '@rollcall/common';
import {
  type ClaimedMessage,
  OrganizationsService,
  OutboxService,
  AdminUserActions,
} from '@rollcall/identity';
import { ScimIntegrationService } from '@rollcall/integration';
import { MetricsService } from '@rollcall/operations';
import {
  credentialsExpiredMail,
  credentialsExpiringMail,
  type Mail,
  previousCredentialsExpiredMail,
  previousCredentialsExpiringMail,
  reactivationMail,
  retryDelayMs,
  samlCertificateExpiringMail,
  webhookEndpointDisabledMail,
} from './mail-templates';
import { Mailer } from './mailer';

/** Messages claimed at a time. */
export const BATCH_SIZE = 20;
/** How long a claim lasts: far longer than the SMTP timeouts, so it never runs out mid-send. */
export const CLAIM_LEASE_MS = 10 * 60_000;
/** No send starts this close to the end of the claim; the rest of the batch is handed back. */
const LEASE_MARGIN_MS = 3 * 60_000;
/** How often the worker looks for SCIM credentials that expire soon. */
export const EXPIRY_CHECK_INTERVAL_MS = 15 * 60_000;

/** A mail, or the reason it is no longer worth sending. */
type Rendered = { mail: Mail } | { skip: string };

/**
 * Drains the email outbox on every instance: claims due messages, renders and sends them, and records
 * the outcome (sent; retry with exponential backoff; failed after ROLLCALL_OUTBOX_MAX_ATTEMPTS). It
 * also queues the SCIM credential expiry notices. Started with the application unless
 * ROLLCALL_OUTBOX_WORKER=false; stopped (waiting for the round in progress) on shutdown.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxWorker.name);
  private readonly timer: RoundTimer;
  private nextExpiryCheck = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly integration: ScimIntegrationService,
    private readonly organizations: OrganizationsService,
    private readonly users: AdminUserActions,
    private readonly mailer: Mailer,
    private readonly metrics: MetricsService,
  ) {
    this.timer = new RoundTimer({
      round: () => this.tick(),
      intervalMs: config.outbox.pollIntervalMs,
      logger: this.logger,
      failure: 'outbox worker round failed; retrying at the next poll',
      unref: false,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.outbox.worker) this.timer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.timer.stop();
    this.mailer.close();
  }

  /** One poll: the expiry notices when due, then a batch; a full batch polls again at once. */
  private async tick(): Promise<number | undefined> {
    if (Date.now() >= this.nextExpiryCheck) {
      this.nextExpiryCheck = Date.now() + EXPIRY_CHECK_INTERVAL_MS;
      await this.checkExpiries();
    }
    return (await this.drainOnce()) === BATCH_SIZE ? 0 : undefined;
  }

  /** One round: claims a batch, sends it, records each outcome. Returns how many were claimed. */
  async drainOnce(): Promise<number> {
    const claimedAt = Date.now();
    const claimed = await this.outbox.claim(BATCH_SIZE, CLAIM_LEASE_MS);
    for (const message of claimed) {
      if (this.timer.stopped || Date.now() - claimedAt > CLAIM_LEASE_MS - LEASE_MARGIN_MS) {
        await this.outbox.release(message);
      } else {
        await this.deliver(message);
      }
    }
    return claimed.length;
  }

  /** Queues the expiry notices due now (each once per credential) to the organizations' admins. */
  async checkExpiries(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const notices = await this.integration.claimExpiryNotices(manager, {
        type: 'system',
        worker: 'credential-expiry',
      });
      let queued = 0;
      for (const notice of notices) {
        const count = await this.outbox.enqueueForAdmins(
          notice.organizationId,
          notice.kind === 'expired' ? 'scim_credentials_expired' : 'scim_credentials_expiring',
          {
            integrationId: notice.integrationId,
            credential: notice.credential,
            expiresAt: notice.expiresAt.toISOString(),
          },
          manager,
        );
        if (count === 0) {
          this.logger.warn(
            { organizationId: notice.organizationId, notice: notice.kind },
            'SCIM credentials expiry notice: the organization has no admin with an email',
          );
        }
        queued += count;
      }
      return queued;
    });
  }

  private async deliver(message: ClaimedMessage): Promise<void> {
    const ref = { id: message.id, kind: message.kind };
    try {
      const rendered = await this.render(message);
      if ('skip' in rendered) {
        await this.outbox.markSent(message, `not sent: ${rendered.skip}`);
        this.metrics.recordEmail(message.kind, 'skipped');
        this.logger.log(
          { messageId: message.id, kind: message.kind },
          `email not sent: ${rendered.skip}`,
        );
        return;
      }
      const delivery = await this.mailer.send(message.recipient, rendered.mail, ref);
      await this.outbox.markSent(message);
      this.metrics.recordEmail(message.kind, delivery === 'smtp' ? 'sent' : 'logged');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const giveUp = message.attempts >= this.config.outbox.maxAttempts;
      const retryIn = giveUp ? null : retryDelayMs(message.attempts);
      await this.outbox.markAttemptFailed(message, reason, retryIn);
      this.metrics.recordEmail(message.kind, giveUp ? 'failed' : 'retry');
      this.logger.warn(
        {
          messageId: message.id,
          kind: message.kind,
          attempts: message.attempts,
          retryInMs: retryIn,
          reason,
        },
        giveUp ? 'email failed for good' : 'email attempt failed; will retry',
      );
    }
  }

  private async render(message: ClaimedMessage): Promise<Rendered> {
    const organization = await this.organizations.get(message.organizationId);
    switch (message.kind) {
      case 'user_reactivated': {
        const userId = message.payload['userId'];
        if (typeof userId !== 'string') return { skip: 'no user in the payload' };
        let user;
        try {
          user = await this.users.getForAdmin(message.organizationId, userId);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'not_found') {
            return { skip: 'the user no longer exists' };
          }
          throw error;
        }
        if (user.status === 'anonymized' || user.status === 'deactivated') {
          return { skip: `the user is ${user.status}` };
        }
        return {
          mail: reactivationMail({
            name: user.displayName ?? user.givenName ?? null,
            organizationName: organization.name,
            signInUrl: `${this.config.publicUrl}/sso/saml/${organization.slug}/login`,
          }),
        };
      }
      case 'scim_credentials_expiring':
      case 'scim_credentials_expired': {
        const expiresAt = new Date(String(message.payload['expiresAt']));
        if (Number.isNaN(expiresAt.getTime())) return { skip: 'no expiry in the payload' };
        const facts = {
          organizationName: organization.name,
          expiresAt,
          settingsUrl: `${this.config.publicUrl}/api/v1/scim/integration`,
        };
        const expired = message.kind === 'scim_credentials_expired';
        // Notices of the credentials a rotation replaced, during its grace period (libs/integration).
        if (message.payload['credential'] === 'previous') {
          return {
            mail: expired
              ? previousCredentialsExpiredMail(facts)
              : previousCredentialsExpiringMail(facts),
          };
        }
        return { mail: expired ? credentialsExpiredMail(facts) : credentialsExpiringMail(facts) };
      }
      case 'webhook_endpoint_disabled': {
        const endpointId = message.payload['endpointId'];
        const url = message.payload['url'];
        const failingSince = new Date(String(message.payload['failingSince']));
        if (typeof endpointId !== 'string' || typeof url !== 'string') {
          return { skip: 'no endpoint in the payload' };
        }
        const lastError = message.payload['lastError'];
        return {
          mail: webhookEndpointDisabledMail({
            organizationName: organization.name,
            url,
            endpointUrl: `${this.config.publicUrl}/api/v1/webhooks/${endpointId}`,
            failingSince: Number.isNaN(failingSince.getTime()) ? new Date() : failingSince,
            lastError: typeof lastError === 'string' ? lastError : null,
          }),
        };
      }
      case 'saml_certificate_expiring': {
        const { subject, fingerprintSha256, thresholdDays } = message.payload;
        const validTo = new Date(String(message.payload['validTo']));
        if (typeof fingerprintSha256 !== 'string' || Number.isNaN(validTo.getTime())) {
          return { skip: 'no certificate in the payload' };
        }
        return {
          mail: samlCertificateExpiringMail({
            organizationName: organization.name,
            subject: typeof subject === 'string' ? subject : '',
            fingerprintSha256,
            validTo,
            thresholdDays: typeof thresholdDays === 'number' ? thresholdDays : 90,
            settingsUrl: `${this.config.publicUrl}/api/v1/sso/saml`,
          }),
        };
      }
    }
  }
}

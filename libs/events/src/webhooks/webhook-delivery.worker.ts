import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import {
  cursorBefore,
  type EventCursor,
  EventLog,
  type EventPage,
  LOG_START,
  OutboxService,
  type StoredEvent,
} from '@rollcall/identity';
import { EventWakeups, toEventDto } from '../api/events.service';
import { WebhookSecretBox } from './secret-box';
import { resolveWebhookTarget, type UrlPolicy, WebhookUrlRefused } from './url-guard';
import { backoffMs, type ClaimedEndpoint } from './webhook.model';
import {
  DELIVERY_TIMEOUT_MS,
  postWebhook,
  type SendResult,
  signatureHeaders,
} from './webhook-sender';
import { WebhooksRepository } from './webhooks.repository';

/** How long a claim on an endpoint lasts; each delivered event extends it. */
export const LEASE_MS = 60_000;
/** No delivery starts this close to the end of the lease (it could outlast it). */
const LEASE_MARGIN_MS = DELIVERY_TIMEOUT_MS + 5_000;
/** Endpoints one instance delivers to at the same time (a slow one holds only its own slot). */
export const MAX_CONCURRENT_ENDPOINTS = 8;
/** Events read from the log at a time for one endpoint. */
const EVENTS_PER_READ = 20;
/** After this many events in one claim, the endpoint is handed back so that others get a turn. */
const EVENTS_PER_CLAIM = 200;
/** How often the delivery log is pruned (to the event retention period). */
const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
const PRUNE_BATCH = 5_000;
/**
 * Claims are at most this often: under a burst of writes every commit notifies, and one claim
 * statement per notification would add a statement per SCIM write to the database's load.
 */
const MIN_CLAIM_INTERVAL_MS = 25;

/**
 * Delivers the event log to webhook endpoints, on every instance that runs the event workers
 * (ROLLCALL_EVENT_WORKERS). Each endpoint is claimed by one worker at a time (a lease, taken with
 * FOR UPDATE SKIP LOCKED), which POSTs its events one by one in log order and moves the endpoint's
 * cursor after each success, only while the lease is still its own. A failure stops the endpoint
 * there: it is retried with exponential backoff (5 s doubling, at most 1 h) and disabled, with an
 * email to the organization's admins, once it has failed for ROLLCALL_WEBHOOK_RETRY_HOURS. A
 * worker that dies loses nothing: the cursor has not moved, and once the lease runs out another
 * worker delivers the same event again (with the same `webhook-id`). Up to
 * MAX_CONCURRENT_ENDPOINTS endpoints are delivered at once, so a slow receiver delays only itself;
 * delivery runs apart from requests, which never wait for it.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly policy: UrlPolicy;
  private loopDone: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private nextMaintenance = 0;
  /** Whether an endpoint is enabled anywhere, as last looked up (at `checkedAt`). */
  private endpointsExist: boolean | undefined;
  private checkedAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: WebhooksRepository,
    private readonly secrets: WebhookSecretBox,
    private readonly log: EventLog,
    private readonly wakeups: EventWakeups,
    private readonly outbox: OutboxService,
  ) {
    this.policy = {
      allowPrivateUrls: config.events.webhooks.allowPrivateUrls,
      production: config.env === 'production',
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.events.workers) this.loopDone = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async loop(): Promise<void> {
    let lastClaim = 0;
    while (!this.stopped) {
      const since = Date.now() - lastClaim;
      if (since < MIN_CLAIM_INTERVAL_MS) await delay(MIN_CLAIM_INTERVAL_MS - since);
      lastClaim = Date.now();
      try {
        await this.maintain();
        if (await this.endpointsMayExist()) await this.claimAndStart();
      } catch (error) {
        this.logger.error(
          { err: error },
          'webhook delivery round failed; retrying at the next poll',
        );
      }
      if (this.stopped) break;
      await this.idle(this.config.events.webhooks.pollIntervalMs);
    }
  }

  /**
   * An endpoint created, enabled or replayed on this instance: claim at once (other instances
   * notice within ROLLCALL_WEBHOOK_POLL_MS).
   */
  poke(): void {
    this.endpointsExist = true;
    this.checkedAt = Date.now();
    this.wake?.();
  }

  /**
   * Whether claiming can find anything: whether any endpoint is enabled in the installation is
   * looked up once per poll interval (or learnt when poked), so that with no endpoint the
   * notification of every SCIM write costs the database no claim statement.
   */
  private async endpointsMayExist(): Promise<boolean> {
    if (this.inFlight.size > 0) return true;
    const interval = this.config.events.webhooks.pollIntervalMs;
    if (this.endpointsExist === undefined || Date.now() - this.checkedAt >= interval) {
      this.endpointsExist = await this.endpoints.anyEnabled();
      this.checkedAt = Date.now();
    }
    return this.endpointsExist;
  }

  /** One round: claims what this instance has room for and starts delivering to it. */
  async claimAndStart(): Promise<number> {
    const free = MAX_CONCURRENT_ENDPOINTS - this.inFlight.size;
    if (free <= 0) return 0;
    const claimed = await this.endpoints.claim(free, LEASE_MS);
    for (const claim of claimed) {
      const run = this.run(claim)
        .catch((error: unknown) => {
          this.logger.error(
            { err: error, endpointId: claim.id },
            'webhook delivery failed unexpectedly; the lease runs out and another round retries',
          );
        })
        .finally(() => {
          this.inFlight.delete(claim.id);
          this.wake?.();
        });
      this.inFlight.set(claim.id, run);
    }
    return claimed.length;
  }

  /** Waits for a new event, a free slot, shutdown, or `ms`. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      void this.wakeups.next(ms).then(() => this.wake?.());
    });
  }

  private async maintain(): Promise<void> {
    if (Date.now() < this.nextMaintenance) return;
    this.nextMaintenance = Date.now() + MAINTENANCE_INTERVAL_MS;
    const before = new Date(Date.now() - this.config.events.retentionDays * 86_400_000);
    while ((await this.endpoints.pruneDeliveries(before, PRUNE_BATCH)) === PRUNE_BATCH) {
      if (this.stopped) return;
    }
  }

  /** Delivers a claimed endpoint's waiting events in order, until none is left or one fails. */
  private async run(claim: ClaimedEndpoint): Promise<void> {
    let leaseEnds = Date.now() + LEASE_MS;
    let secrets: string[];
    try {
      secrets = await this.openSecrets(claim);
    } catch {
      await this.recordFailure(
        claim,
        'the signing secret cannot be decrypted (was ROLLCALL_WEBHOOK_SECRET_KEY changed?)',
      );
      return;
    }
    let cursor = claim.cursor;
    let delivered = 0;
    for (;;) {
      if (this.stopped || delivered >= EVENTS_PER_CLAIM) {
        await this.endpoints.release(claim);
        return;
      }
      const page = await this.readAfter(claim, cursor);
      cursor = page.cursor;
      if (page.events.length === 0) {
        // Past the events this endpoint does not take, so that the claim does not see them again.
        if (cursorBefore(claim.cursor, page.next)) {
          await this.endpoints.advance(claim, page.next, LEASE_MS);
        }
        await this.endpoints.release(claim);
        return;
      }
      for (const event of page.events) {
        if (this.stopped || Date.now() > leaseEnds - LEASE_MARGIN_MS) {
          await this.endpoints.release(claim);
          return;
        }
        const result = await this.send(claim, event, secrets);
        await this.endpoints.insertDelivery({
          organizationId: claim.organizationId,
          endpointId: claim.id,
          eventId: event.id,
          eventType: event.type,
          eventCursor: event.cursor,
          attempt: claim.consecutiveFailures + 1,
          outcome: result.ok ? 'succeeded' : 'failed',
          httpStatus: result.status,
          latencyMs: result.latencyMs,
          error: result.error,
          responseExcerpt: result.excerpt,
        });
        if (!result.ok) {
          await this.recordFailure(claim, result.error ?? 'failed');
          return;
        }
        const extendedAt = Date.now();
        if (!(await this.endpoints.advance(claim, event.cursor, LEASE_MS))) {
          // Changed, replayed or deleted by an admin meanwhile, or the lease was lost: stop here.
          this.logger.log(
            { endpointId: claim.id },
            'webhook endpoint changed during delivery; delivery goes on with the new settings',
          );
          return;
        }
        leaseEnds = extendedAt + LEASE_MS;
        claim.cursor = event.cursor;
        claim.consecutiveFailures = 0;
        cursor = event.cursor;
        delivered += 1;
      }
    }
  }

  /**
   * The next events after `cursor`. A cursor older than retention has kept (an endpoint disabled for
   * longer than that) goes on from the oldest event kept: the others are gone.
   */
  private async readAfter(
    claim: ClaimedEndpoint,
    cursor: EventCursor,
  ): Promise<EventPage & { cursor: EventCursor }> {
    const query = {
      organizationId: claim.organizationId,
      limit: EVENTS_PER_READ,
      ...(claim.types ? { types: claim.types } : {}),
    };
    try {
      return { ...(await this.log.read({ ...query, after: cursor })), cursor };
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'cursor_expired')) throw error;
      this.logger.warn(
        { endpointId: claim.id },
        'webhook endpoint was behind the event retention period; delivery goes on from the oldest event kept',
      );
      return { ...(await this.log.read({ ...query, after: LOG_START })), cursor: LOG_START };
    }
  }

  private async openSecrets(claim: ClaimedEndpoint): Promise<string[]> {
    const sealed = [claim.sealedSecret, claim.sealedPreviousSecret].filter(
      (s): s is string => s !== null,
    );
    return Promise.all(sealed.map((s) => this.secrets.decrypt(s, claim.id)));
  }

  private async send(
    claim: ClaimedEndpoint,
    event: StoredEvent,
    secrets: string[],
  ): Promise<SendResult> {
    const body = JSON.stringify(toEventDto(event));
    try {
      // Checked again at every delivery (DNS may have changed); the POST goes to this address.
      const target = await resolveWebhookTarget(claim.url, this.policy);
      return await postWebhook(target, signatureHeaders(event.id, new Date(), body, secrets), body);
    } catch (error) {
      if (!(error instanceof WebhookUrlRefused)) throw error;
      return { ok: false, status: null, latencyMs: 0, error: error.reason, excerpt: null };
    }
  }

  /** Backoff, or (after the retry period) disabling and the admins' email, in one transaction. */
  private async recordFailure(claim: ClaimedEndpoint, error: string): Promise<void> {
    const failures = claim.consecutiveFailures + 1;
    const retryInMs = backoffMs(failures);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const recorded = await this.endpoints.recordFailure(
        claim,
        error.slice(0, 1000),
        retryInMs,
        this.config.events.webhooks.retryHours * 3_600_000,
        manager,
      );
      if (recorded?.disabled) {
        const url = new URL(claim.url);
        const queued = await this.outbox.enqueueForAdmins(
          claim.organizationId,
          'webhook_endpoint_disabled',
          {
            endpointId: claim.id,
            url: `${url.origin}${url.pathname}`,
            failingSince: recorded.failingSince.toISOString(),
            lastError: error.slice(0, 300),
          },
          manager,
        );
        if (queued === 0) {
          this.logger.warn(
            { endpointId: claim.id, organizationId: claim.organizationId },
            'webhook endpoint disabled: the organization has no admin with an email to tell',
          );
        }
      }
      return recorded;
    });
    if (!outcome) return;
    this.logger.warn(
      {
        endpointId: claim.id,
        organizationId: claim.organizationId,
        consecutiveFailures: outcome.consecutiveFailures,
        retryInMs: outcome.disabled ? null : retryInMs,
        reason: error,
      },
      outcome.disabled
        ? 'webhook endpoint disabled after failing for the whole retry period'
        : 'webhook delivery failed; will retry',
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

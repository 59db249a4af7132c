import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  connect,
  Events,
  type JetStreamClient,
  type NatsConnection,
  nanos,
  type NatsError,
  RetentionPolicy,
  StorageType,
  StringCodec,
} from 'nats';
import { Counter, Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig, DomainError } from '@rollcall/common';
import { type EventCursor, EventLog, type EventPage, LOG_START } from '@rollcall/identity';
import { MetricsService } from '@rollcall/operations';
import { EventWakeups, toEventDto } from '../api/events.service';
import { NatsPublisherRepository } from './nats-publisher.repository';
import { connectionOptions, describeNatsUrl, eventSubject, STREAM_SUBJECTS } from './nats-subjects';

/** How long a holder's lease lasts without a renewal; another instance takes over after it. */
export const NATS_LEASE_MS = 10_000;
/** A holder renews its lease at least this often (also while idle). */
/** How long a woken publisher waits for more events before it reads the log. */
const BATCH_GATHER_MS = 5;
const RENEW_MS = NATS_LEASE_MS / 4;
/** Events read and published per round (all in flight at once, then the cursor moves past them). */
export const NATS_BATCH = 500;
/** While idle or standing by, the log (or the lease) is looked at again at least this often. */
const RECHECK_MS = 1_000;
/** How long one publish waits for JetStream's acknowledgement. */
const ACK_TIMEOUT_MS = 5_000;
/** The duplicate window of a stream the publisher creates (retries within it are dropped). */
export const NATS_DUPLICATE_WINDOW_MS = 2 * 60_000;
/** Back-off after a failure: doubling from the first to the last. */
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

const codec = StringCodec();

/**
 * Publishes every event of the log, across organizations and in log order, to NATS JetStream
 * (ROLLCALL_NATS_URL) on `rollcall.<organization>.<type>`, with the event id as `Nats-Msg-Id`
 * (docs/events.md and docs/performance.md).
 *
 * Any number of instances run it; one publishes at a time: it holds the lease of the publisher's
 * row (`event_publishers`, `nats:<stream>`), reads a batch after the row's cursor, publishes it,
 * awaits every acknowledgement and only then moves the cursor (renewing the lease; both fenced by
 * its lease token). The others stand by and take the lease over when it expires. So an event is
 * published at least once: after a crash between the acknowledgements and the cursor's move, the
 * next holder publishes the batch again, and JetStream's duplicate window drops the repeats. When
 * NATS is unreachable the cursor stays where it is and the publisher retries with back-off.
 */
@Injectable()
export class NatsPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NatsPublisher.name);
  /** This instance's lease token (one per process lifetime). */
  private readonly token = randomUUID();
  private stopped = false;
  private stop: () => void = () => undefined;
  private readonly stopping = new Promise<void>((resolve) => (this.stop = resolve));
  private loop: Promise<void> | undefined;
  private connection: NatsConnection | undefined;
  private jetStream: JetStreamClient | undefined;
  /** The cursor while this instance holds the lease. */
  private cursor: EventCursor | undefined;
  private renewedAt = 0;
  private ensured = false;
  private readonly published: Counter<'result'>;
  private readonly lag: Gauge;
  private readonly holder: Gauge;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly log: EventLog,
    private readonly wakeups: EventWakeups,
    private readonly publishers: NatsPublisherRepository,
    metrics: MetricsService,
  ) {
    this.published = new Counter({
      name: 'rollcall_nats_events_published_total',
      help: 'Events published to NATS JetStream by this instance: stored, or dropped by the duplicate window',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    this.lag = new Gauge({
      name: 'rollcall_nats_publisher_lag_seconds',
      help: 'On the instance holding the NATS publisher lease: how long ago the last event it published occurred while a backlog remains (0 when caught up)',
      registers: [metrics.registry],
    });
    this.holder = new Gauge({
      name: 'rollcall_nats_publisher_holder',
      help: 'Whether this instance holds the NATS publisher lease (1) or stands by (0)',
      registers: [metrics.registry],
    });
  }

  /** The publisher's row: one cursor per stream. */
  get name(): string {
    return `nats:${this.config.events.nats.stream}`;
  }

  /** Whether this instance holds the lease right now. */
  get holding(): boolean {
    return this.cursor !== undefined;
  }

  onApplicationBootstrap(): void {
    const { url, stream } = this.config.events.nats;
    if (url === undefined) return;
    if (!this.config.events.workers) {
      this.logger.log(
        `ROLLCALL_NATS_URL is set, but this instance runs no event workers (ROLLCALL_EVENT_WORKERS=false): another instance publishes to NATS`,
      );
      return;
    }
    this.logger.log(
      { server: describeNatsUrl(url), stream, subjects: STREAM_SUBJECTS },
      `Publishing events to NATS JetStream at ${describeNatsUrl(url)}, stream ${stream}, subjects rollcall.<organization>.<type>`,
    );
    this.loop = this.run(url, stream);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.stop();
    await this.loop;
  }

  private async run(url: string, stream: string): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const js = await this.ensureJetStream(url, stream);
        if (this.stopped) break;
        const next = await this.round(js, stream);
        failures = 0;
        if (next === 'more') continue;
        if (next === 'idle') {
          await this.pause(this.wakeups.next(RECHECK_MS));
          // A burst of writes notifies at every commit: gather what follows for a moment, so
          // that the log is read once per batch rather than once per event.
          await this.pause(delay(BATCH_GATHER_MS));
        } else {
          await this.pause(delay(RECHECK_MS));
        }
      } catch (error) {
        const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 30_000;
        failures += 1;
        this.jetStream = undefined;
        this.logger.warn(
          { err: error, retryInMs: wait, failures },
          `Publishing events to NATS failed (${(error as Error).message}); the cursor stays, retrying in ${wait} ms`,
        );
        await this.pause(delay(wait));
      }
    }
    await this.shutDown();
  }

  /**
   * One round: take (or keep) the lease, publish the next batch and move the cursor past it.
   * Answers whether to go on at once (`more`), wait for new events (`idle`) or stand by (another
   * instance holds the lease).
   */
  private async round(js: JetStreamClient, stream: string): Promise<'more' | 'idle' | 'standby'> {
    if (this.cursor === undefined) {
      if (!this.ensured) await this.publishers.ensure(this.name);
      this.ensured = true;
      const claimed = await this.publishers.claim(this.name, this.token, NATS_LEASE_MS);
      if (claimed === undefined) {
        this.holder.set(0);
        return 'standby';
      }
      this.cursor = claimed;
      this.renewedAt = Date.now();
      this.holder.set(1);
      this.logger.log(
        { cursor: claimed },
        `Took the NATS publisher lease (${this.name}); publishing from tx ${claimed.tx}, position ${claimed.position}`,
      );
    }
    // Publish only under a lease renewed within RENEW_MS: with the acknowledgements' timeout, the
    // batch is done before the lease could expire and another instance take over.
    if (Date.now() - this.renewedAt >= RENEW_MS && !(await this.renew(this.cursor))) {
      return 'standby';
    }
    const page = await this.readPage(this.cursor);
    if (page.events.length > 0) await this.publish(js, stream, page);
    const moved = page.next.tx !== this.cursor.tx || page.next.position !== this.cursor.position;
    if ((moved || Date.now() - this.renewedAt >= RENEW_MS) && !(await this.renew(page.next))) {
      return 'standby';
    }
    const full = page.events.length === NATS_BATCH;
    const last = page.events.at(-1);
    this.lag.set(full && last ? Math.max(0, (Date.now() - last.occurredAt.getTime()) / 1000) : 0);
    return full ? 'more' : 'idle';
  }

  /** Moves the cursor to `to` and renews the lease; on losing the lease, stands by. */
  private async renew(to: EventCursor): Promise<boolean> {
    const renewedAt = Date.now();
    if (!(await this.publishers.advance(this.name, this.token, to, NATS_LEASE_MS))) {
      this.logger.warn(
        `Lost the NATS publisher lease (${this.name}) to another instance; standing by`,
      );
      this.cursor = undefined;
      this.holder.set(0);
      return false;
    }
    this.renewedAt = renewedAt;
    this.cursor = to;
    return true;
  }

  private async readPage(after: EventCursor): Promise<EventPage> {
    try {
      return await this.log.read({ after, limit: NATS_BATCH });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'cursor_expired') throw error;
      // Retention pruned events this publisher never published (it was down for longer than the
      // retention period): say so, and go on from the oldest event kept.
      this.logger.error(
        { cursor: after },
        'Events were pruned by retention before they were published to NATS; publishing from the oldest event kept',
      );
      return this.log.read({ after: LOG_START, limit: NATS_BATCH });
    }
  }

  /** Publishes a page, every message in flight at once; throws unless every one is acknowledged. */
  private async publish(js: JetStreamClient, stream: string, page: EventPage): Promise<void> {
    const acks = await Promise.allSettled(
      page.events.map((event) =>
        js.publish(
          eventSubject(event.organizationId, event.type),
          codec.encode(JSON.stringify(toEventDto(event))),
          { msgID: event.id, timeout: ACK_TIMEOUT_MS, expect: { streamName: stream } },
        ),
      ),
    );
    let stored = 0;
    let duplicates = 0;
    for (const ack of acks) {
      if (ack.status === 'rejected') {
        this.published.inc({ result: 'stored' }, stored);
        this.published.inc({ result: 'duplicate' }, duplicates);
        throw ack.reason;
      }
      if (ack.value.duplicate) duplicates += 1;
      else stored += 1;
    }
    this.published.inc({ result: 'stored' }, stored);
    this.published.inc({ result: 'duplicate' }, duplicates);
    if (duplicates > 0) {
      this.logger.log(
        { duplicates, stored },
        `JetStream dropped ${duplicates} repeated events (published before the last crash or failure)`,
      );
    }
  }

  /** The connection and the stream, made when missing (the client reconnects by itself). */
  private async ensureJetStream(url: string, stream: string): Promise<JetStreamClient> {
    if (this.jetStream && this.connection && !this.connection.isClosed()) return this.jetStream;
    if (!this.connection || this.connection.isClosed()) {
      this.connection = await connect({
        ...connectionOptions(url),
        name: `rollcall ${hostname()} ${process.pid}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 2_000,
        timeout: 5_000,
      });
      this.logger.log(`Connected to NATS at ${describeNatsUrl(url)}`);
      void this.watchStatus(this.connection, url);
    }
    const manager = await this.connection.jetstreamManager();
    try {
      const info = await manager.streams.info(stream);
      const window = (info.config.duplicate_window ?? 0) / 1_000_000;
      this.logger.log(
        { stream, subjects: info.config.subjects, duplicateWindowMs: window },
        `Using the JetStream stream ${stream} (subjects ${info.config.subjects?.join(', ') ?? 'none'})`,
      );
      if (window < NATS_DUPLICATE_WINDOW_MS) {
        this.logger.warn(
          `The stream ${stream}'s duplicate window is ${window} ms: repeats after a crash are dropped only within it (at least ${NATS_DUPLICATE_WINDOW_MS} ms is advised)`,
        );
      }
    } catch (error) {
      if ((error as NatsError).api_error?.err_code !== 10059) throw error;
      await manager.streams.add({
        name: stream,
        subjects: STREAM_SUBJECTS,
        duplicate_window: nanos(NATS_DUPLICATE_WINDOW_MS),
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
      });
      this.logger.log(
        { stream, subjects: STREAM_SUBJECTS, duplicateWindowMs: NATS_DUPLICATE_WINDOW_MS },
        `Created the JetStream stream ${stream} (subjects ${STREAM_SUBJECTS.join(', ')}, duplicate window ${NATS_DUPLICATE_WINDOW_MS / 1000} s)`,
      );
    }
    this.jetStream = this.connection.jetstream({ timeout: ACK_TIMEOUT_MS });
    return this.jetStream;
  }

  private async watchStatus(connection: NatsConnection, url: string): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect) {
        this.logger.warn(`Disconnected from NATS at ${describeNatsUrl(url)}; reconnecting`);
      } else if (status.type === Events.Reconnect) {
        this.logger.log(`Reconnected to NATS at ${describeNatsUrl(url)}`);
      }
    }
  }

  /** Waits for `wait`, or less when the application stops. */
  private async pause(wait: Promise<void>): Promise<void> {
    await Promise.race([wait, this.stopping]);
  }

  private async shutDown(): Promise<void> {
    if (this.cursor !== undefined) {
      this.cursor = undefined;
      await this.publishers
        .release(this.name, this.token)
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error },
            'Could not release the NATS publisher lease; it expires by itself',
          ),
        );
    }
    const connection = this.connection;
    this.connection = undefined;
    this.jetStream = undefined;
    await connection?.close().catch(() => undefined);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

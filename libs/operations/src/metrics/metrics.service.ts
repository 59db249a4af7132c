import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Pools reported one by one; the rest are summed into one `(other)` series (see docs/operations.md). */
export const MAX_POOL_SERIES = 500;

export type ScimOperation = 'create' | 'get' | 'list' | 'search' | 'replace' | 'patch' | 'delete';
export type EmailResult = 'sent' | 'logged' | 'skipped' | 'retry' | 'failed';

/** Seats of one pool, as the seat gauges report them. */
export interface PoolSeatUsage {
  organizationSlug: string;
  poolName: string;
  used: number;
  capacity: number;
}

/** The email outbox's backlog, as the outbox gauges report it. */
export interface OutboxBacklog {
  pending: number;
  failed: number;
  oldestPendingSeconds: number;
}

/** Per kind of rate limit, the fullest bucket whose window is still open on this instance. */
export interface RateLimitUsage {
  limit: string;
  peakRatio: number;
}
export type RateLimitUsageReader = () => RateLimitUsage[];

/** Reads the `limit` fullest pools one by one and every other pool summed into one row. */
export type SeatUsageReader = (limit: number) => Promise<PoolSeatUsage[]>;
export type OutboxBacklogReader = () => Promise<OutboxBacklog>;

/**
 * The Prometheus metrics of one application instance, in a registry of its own (so that several
 * instances in one process, as in the tests, do not collide). Seats and the outbox backlog are read
 * from the database at scrape time, through readers that the modules owning them hand in
 * (`reportSeatUsage`, `reportOutboxBacklog`): operations knows the gauges, not the domain. Until a
 * reader is handed in, its gauges have no series.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'rollcall_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'rollcall_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly scimOperations = new Counter({
    name: 'rollcall_scim_operations_total',
    help: 'SCIM requests by resource, operation, outcome and SCIM error type',
    labelNames: ['resource', 'operation', 'outcome', 'scim_type'] as const,
    registers: [this.registry],
  });

  private readonly emails = new Counter({
    name: 'rollcall_emails_total',
    help: 'Outbox delivery attempts by kind and result',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  private readonly signIns = new Counter({
    name: 'rollcall_sso_sign_ins_total',
    help: 'SAML sign-in attempts by outcome (success, refused, rejected) and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitRefusals = new Counter({
    name: 'rollcall_rate_limit_refusals_total',
    help: 'Requests refused with 429 by rate limit (scim, admin-key, operator-token-failures)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  private readRateLimitUsage: RateLimitUsageReader = () => [];
  private seatsScrape: Promise<PoolSeatUsage[]> | undefined;
  private backlogScrape: Promise<OutboxBacklog> | undefined;
  private readSeats: SeatUsageReader = async () => [];
  private readBacklog: OutboxBacklogReader | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Each pair of gauges shares one query per scrape (prom-client collects them concurrently).
    const seatsOnce = () =>
      (this.seatsScrape ??= once(
        this.readSeats(MAX_POOL_SERIES),
        () => (this.seatsScrape = undefined),
      ));
    const backlogOnce = (read: OutboxBacklogReader) =>
      (this.backlogScrape ??= once(read(), () => (this.backlogScrape = undefined)));
    const backlogReader = () => this.readBacklog;
    const poolGauge = (name: string, help: string, pick: (p: PoolSeatUsage) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['organization', 'pool'] as const,
        registers: [this.registry],
        async collect() {
          const usage = await seatsOnce();
          this.reset();
          for (const pool of usage) {
            this.set({ organization: pool.organizationSlug, pool: pool.poolName }, pick(pool));
          }
        },
      });
    poolGauge('rollcall_license_pool_seats_used', 'Seats in use per license pool', (p) => p.used);
    poolGauge('rollcall_license_pool_seats_capacity', 'Seats per license pool', (p) => p.capacity);
    const rateLimitUsage = () => this.readRateLimitUsage();
    new Gauge({
      name: 'rollcall_rate_limit_peak_usage_ratio',
      help: 'Per limit, the largest share of its budget that one credential has used in its current window (1: the next request is refused)',
      labelNames: ['limit'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const usage of rateLimitUsage()) this.set({ limit: usage.limit }, usage.peakRatio);
      },
    });
    new Gauge({
      name: 'rollcall_outbox_messages',
      help: 'Outbox emails not sent: pending (incl. waiting for a retry) and failed (gave up)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const read = backlogReader();
        if (!read) return;
        const backlog = await backlogOnce(read);
        this.set({ state: 'pending' }, backlog.pending);
        this.set({ state: 'failed' }, backlog.failed);
      },
    });
    new Gauge({
      name: 'rollcall_outbox_oldest_pending_seconds',
      help: 'Age of the oldest pending outbox email (0 when none)',
      registers: [this.registry],
      async collect() {
        const read = backlogReader();
        if (!read) return;
        this.set((await backlogOnce(read)).oldestPendingSeconds);
      },
    });
  }

  /** The seat gauges read through `read` from now on (the license pools' owner hands it in). */
  reportSeatUsage(read: SeatUsageReader): void {
    this.readSeats = read;
  }

  /** The outbox gauges read through `read` from now on (the outbox worker's module hands it in). */
  reportOutboxBacklog(read: OutboxBacklogReader): void {
    this.readBacklog = read;
  }

  /** The rate-limit gauge reads through `read` from now on (the rate limiter hands it in). */
  reportRateLimitUsage(read: RateLimitUsageReader): void {
    this.readRateLimitUsage = read;
  }

  recordRateLimitRefusal(limit: string): void {
    this.rateLimitRefusals.inc({ limit });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  recordScimOperation(
    resource: string,
    operation: ScimOperation,
    outcome: 'success' | 'failure',
    scimType: string | undefined,
  ): void {
    this.scimOperations.inc({ resource, operation, outcome, scim_type: scimType ?? 'none' });
  }

  recordEmail(kind: string, result: EmailResult): void {
    this.emails.inc({ kind, result });
  }

  /** `reason` is one of a fixed set of codes (signed_in, pool_full, invalid_signature…). */
  recordSignIn(outcome: 'success' | 'refused' | 'rejected', reason: string): void {
    this.signIns.inc({ outcome, reason });
  }
}

/** The promise, with `done` run once it settles. */
function once<T>(promise: Promise<T>, done: () => void): Promise<T> {
  return promise.finally(done);
}

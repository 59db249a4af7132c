import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DomainError } from '@rollcall/common';
import { MetricsService, type RateLimitUsage } from '../metrics/metrics.service';
import { type CounterRow, RateLimitCountersRepository } from './rate-limit-counters.repository';

/** At most `limit` requests per `windowSeconds`; a limit of 0 is no limit. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  hits: number;
  /** Whole seconds until the window ends and the budget is full again (at least 1). */
  retryAfterSeconds: number;
}

/** How often each instance deletes counters whose window ended. */
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/** An instance reserves at most this share of a limit at once (and never more than MAX_CHUNK). */
const CHUNK_SHARE = 0.01;
const MAX_CHUNK = 50;

const UNLIMITED: RateLimitDecision = { allowed: true, hits: 0, retryAfterSeconds: 1 };

/** Hits this instance reserved in the shared counter and has not spent yet, for one bucket. */
interface Reservation {
  /** The next reserved position in the window's count, and the last one. */
  next: number;
  last: number;
  limit: number;
  /** performance.now() by which the window has certainly ended (never later than it does). */
  expiresAt: number;
  /** A reservation being made; requests meanwhile wait for it rather than reserve their own. */
  claiming?: Promise<void>;
}

/**
 * Fixed-window request counters shared by every instance through PostgreSQL: one row per bucket (a
 * credential, or a kind of failure), counted with an atomic upsert, so N instances behind a load
 * balancer enforce one budget between them. A window starts with a bucket's first request after the
 * previous window ended. The time is the database's, never an instance's clock.
 *
 * Large limits are counted in chunks: an instance adds up to 1% of the limit (at most 50) to the
 * shared counter at once and spends those positions locally, one per request, until they run out or
 * the window ends, so a busy credential costs one statement per chunk rather than one per request.
 * Reserved positions are counted before they are spent, so the instances together never admit more
 * than the limit in a window; the slack is the other way: positions an instance reserved but did not
 * use before the window ended (at most one chunk per instance and bucket) are lost to the others,
 * who may be refused up to that many requests early. Limits under 200 are counted one request at a
 * time, exactly. A refusal is remembered until the window ends (the count only grows within a
 * window), so requests over the limit cost no statement either.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private cleanupTimer: NodeJS.Timeout | undefined;
  private cleanupRun: Promise<void> | undefined;
  private longestWindowSeconds = 0;
  private readonly reservations = new Map<string, Reservation>();
  /** Each bucket's last decision, while its window lasts: the headroom gauge reads them. */
  private readonly usage = new Map<string, BucketUsage>();

  constructor(
    private readonly counters: RateLimitCountersRepository,
    private readonly metrics: MetricsService,
  ) {
    metrics.reportRateLimitUsage(() => this.peakUsage());
  }

  /** Counts one request against `bucket` (128 characters at most): is it within the limit? */
  async hit(bucket: string, rule: RateLimit): Promise<RateLimitDecision> {
    if (rule.limit <= 0) return UNLIMITED;
    return this.observe(bucket, rule, await this.decideHit(bucket, rule));
  }

  private async decideHit(bucket: string, rule: RateLimit): Promise<RateLimitDecision> {
    this.longestWindowSeconds = Math.max(this.longestWindowSeconds, rule.windowSeconds);
    const chunk = Math.min(MAX_CHUNK, Math.floor(rule.limit * CHUNK_SHARE));
    if (chunk <= 1) return decide(await this.count(bucket, rule, 1), rule, true);
    for (;;) {
      const reservation = this.reservations.get(bucket);
      const now = performance.now();
      if (reservation && reservation.limit === rule.limit && reservation.expiresAt > now) {
        const retryAfterSeconds = Math.max(1, Math.ceil((reservation.expiresAt - now) / 1000));
        if (reservation.next > rule.limit) {
          return { allowed: false, hits: reservation.next, retryAfterSeconds };
        }
        if (reservation.next <= reservation.last) {
          const hits = reservation.next++;
          return { allowed: true, hits, retryAfterSeconds };
        }
      }
      if (reservation?.claiming) await reservation.claiming;
      else await this.reserve(bucket, rule, chunk);
    }
  }

  /** Adds `chunk` to the shared counter and keeps the positions it bought for this instance. */
  private reserve(bucket: string, rule: RateLimit, chunk: number): Promise<void> {
    const reservation: Reservation = { next: 1, last: 0, limit: rule.limit, expiresAt: 0 };
    const sent = performance.now();
    reservation.claiming = this.count(bucket, rule, chunk)
      .then((row) => {
        const hits = Number(row?.hits ?? chunk);
        reservation.next = hits - chunk + 1;
        reservation.last = hits;
        // The window's end as the database put it, measured from before the statement was sent:
        // never later than the real end, so no position outlives its window.
        reservation.expiresAt = sent + Number(row?.reset_in ?? 0) * 1000;
      })
      .finally(() => (reservation.claiming = undefined));
    this.reservations.set(bucket, reservation);
    return reservation.claiming.catch((error: unknown) => {
      this.reservations.delete(bucket);
      throw error;
    });
  }

  /** Adds `hits` to the bucket's counter, starting a new window when the last one ended. */
  private count(bucket: string, rule: RateLimit, hits: number): Promise<CounterRow | undefined> {
    return this.counters.add(bucket, rule.windowSeconds, hits);
  }

  /** Whether `bucket` has already used up its budget in the current window; counts nothing. */
  async exhausted(bucket: string, rule: RateLimit): Promise<RateLimitDecision> {
    if (rule.limit <= 0) return UNLIMITED;
    const decision = decide(
      await this.counters.findCurrent(bucket, rule.windowSeconds),
      rule,
      false,
    );
    if (!decision.allowed) this.metrics.recordRateLimitRefusal(limitName(bucket));
    return decision;
  }

  /** Counts a refusal, and keeps the bucket's use of its window for the headroom gauge. */
  private observe(bucket: string, rule: RateLimit, decision: RateLimitDecision): RateLimitDecision {
    const limit = limitName(bucket);
    if (!decision.allowed) this.metrics.recordRateLimitRefusal(limit);
    const expiresAt = performance.now() + decision.retryAfterSeconds * 1000;
    this.usage.set(bucket, { limit, ratio: Math.min(1, decision.hits / rule.limit), expiresAt });
    return decision;
  }

  /** Per kind of limit, the fullest bucket whose window has not ended (by this instance's count). */
  private peakUsage(): RateLimitUsage[] {
    const now = performance.now();
    const peaks = new Map<string, number>();
    for (const [bucket, usage] of this.usage) {
      if (usage.expiresAt <= now) {
        this.usage.delete(bucket);
        continue;
      }
      peaks.set(usage.limit, Math.max(peaks.get(usage.limit) ?? 0, usage.ratio));
    }
    return [...peaks].map(([limit, peakRatio]) => ({ limit, peakRatio }));
  }

  /** Deletes the counters whose window ended (they would start over anyway). */
  async removeExpired(): Promise<void> {
    if (this.longestWindowSeconds === 0) return;
    await this.counters.pruneOlderThan(this.longestWindowSeconds);
  }

  onApplicationBootstrap(): void {
    this.cleanupTimer = setInterval(() => {
      const now = performance.now();
      for (const [bucket, reservation] of this.reservations) {
        if (!reservation.claiming && reservation.expiresAt <= now) this.reservations.delete(bucket);
      }
      for (const [bucket, usage] of this.usage) {
        if (usage.expiresAt <= now) this.usage.delete(bucket);
      }
      this.cleanupRun ??= this.removeExpired()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'could not delete expired rate-limit counters'),
        )
        .finally(() => (this.cleanupRun = undefined));
    }, CLEANUP_INTERVAL_MS);
    this.cleanupTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.cleanupTimer);
    await this.cleanupRun;
  }
}

/** A bucket's share of its budget used in the window that ends at `expiresAt` (performance.now()). */
interface BucketUsage {
  limit: string;
  ratio: number;
  expiresAt: number;
}

/** The kind of limit a bucket counts for: its name up to the first colon (`scim:<id>` → `scim`). */
function limitName(bucket: string): string {
  const colon = bucket.indexOf(':');
  return colon < 0 ? bucket : bucket.slice(0, colon);
}

/** `counting`: the row includes this request (hit), else it is what came before (exhausted). */
function decide(
  row: CounterRow | undefined,
  rule: RateLimit,
  counting: boolean,
): RateLimitDecision {
  const hits = Number(row?.hits ?? 0);
  const retryAfterSeconds = Math.max(1, Math.ceil(Number(row?.reset_in ?? rule.windowSeconds)));
  return { allowed: counting ? hits <= rule.limit : hits < rule.limit, hits, retryAfterSeconds };
}

/**
 * The 429 for a refused request: sets `Retry-After` (the error filter keeps it) and returns the
 * error to throw, which the filter answers as problem+json, or in the SCIM envelope under /scim/v2.
 */
export function tooManyRequests(
  response: { setHeader(name: string, value: string): unknown },
  decision: RateLimitDecision,
  detail: string,
): DomainError {
  response.setHeader('Retry-After', String(decision.retryAfterSeconds));
  return new DomainError(
    'too_many_requests',
    `${detail} Retry after ${decision.retryAfterSeconds} s.`,
  );
}

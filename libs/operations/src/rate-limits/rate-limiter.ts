import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@rollcall/common';

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

const UNLIMITED: RateLimitDecision = { allowed: true, hits: 0, retryAfterSeconds: 1 };

interface CounterRow {
  hits: number;
  reset_in: number | string | null;
}

/**
 * Fixed-window request counters shared by every instance through PostgreSQL: one row per bucket (a
 * credential, or a kind of failure), counted with one atomic upsert per request, so N instances
 * behind a load balancer enforce one budget between them. A window starts with a bucket's first
 * request after the previous window ended. The time is the database's, never an instance's clock.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private cleanupTimer: NodeJS.Timeout | undefined;
  private cleanupRun: Promise<void> | undefined;
  private longestWindowSeconds = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one request against `bucket` (128 characters at most): is it within the limit? */
  async hit(bucket: string, rule: RateLimit): Promise<RateLimitDecision> {
    if (rule.limit <= 0) return UNLIMITED;
    this.longestWindowSeconds = Math.max(this.longestWindowSeconds, rule.windowSeconds);
    const rows = await this.dataSource.query<CounterRow[]>(
      `INSERT INTO rate_limit_counters AS c (bucket, window_started_at, hits)
       VALUES ($1, now(), 1)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN c.window_started_at > now() - $2 * interval '1 second'
                     THEN LEAST(c.hits, 2147483646) + 1 ELSE 1 END,
         window_started_at = CASE WHEN c.window_started_at > now() - $2 * interval '1 second'
                                  THEN c.window_started_at ELSE now() END
       RETURNING c.hits,
         ceil(extract(epoch FROM c.window_started_at + $2 * interval '1 second' - now())) AS reset_in`,
      [bucket, rule.windowSeconds],
    );
    return decide(rows[0], rule, true);
  }

  /** Whether `bucket` has already used up its budget in the current window; counts nothing. */
  async exhausted(bucket: string, rule: RateLimit): Promise<RateLimitDecision> {
    if (rule.limit <= 0) return UNLIMITED;
    const rows = await this.dataSource.query<CounterRow[]>(
      `SELECT hits,
         ceil(extract(epoch FROM window_started_at + $2 * interval '1 second' - now())) AS reset_in
       FROM rate_limit_counters
       WHERE bucket = $1 AND window_started_at > now() - $2 * interval '1 second'`,
      [bucket, rule.windowSeconds],
    );
    return decide(rows[0], rule, false);
  }

  /** Deletes the counters whose window ended (they would start over anyway). */
  async removeExpired(): Promise<void> {
    if (this.longestWindowSeconds === 0) return;
    await this.dataSource.query(
      `DELETE FROM rate_limit_counters WHERE window_started_at <= now() - $1 * interval '1 second'`,
      [this.longestWindowSeconds],
    );
  }

  onApplicationBootstrap(): void {
    this.cleanupTimer = setInterval(() => {
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

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export type RuntimeEnvironment = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/**
 * How log lines are written: `json` (one JSON object a line), `pretty` (for a person at a terminal,
 * through pino-pretty, a development dependency) or `auto` (pretty when stdout is a terminal outside
 * production, else JSON).
 */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Where the system of record lives: a PostgreSQL server, or PGlite embedded in this process. */
export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | {
      kind: 'embedded';
      /** A folder on disk, or `memory://` for a throw-away database. */
      dataDir: string;
      /** A tarball made by PGlite's dumpDataDir to start from (tests reuse one migrated snapshot). */
      snapshotFile?: string;
    };

/**
 * Requests allowed per window, counted in PostgreSQL so that every instance shares one budget.
 * A limit of 0 turns that limit off.
 */
export interface RateLimitConfig {
  /** Length of a window, counted from a bucket's first request in it. */
  windowSeconds: number;
  /** Requests per window for each organization's SCIM credentials. */
  scim: number;
  /** Requests per window for each admin API key. */
  admin: number;
  /** Failed operator-token attempts per window, all callers together; then the operator API pauses. */
  operatorAuthFailures: number;
}

/** Where log lines go instead of stdout. Set by tests only (it is not an environment variable). */
export interface LogSink {
  write(line: string): void;
}

export interface AppConfig {
  env: RuntimeEnvironment;
  host: string;
  port: number;
  /** Base of every absolute URL we hand out (SCIM baseUrl, meta.location, SAML metadata). No trailing slash. */
  publicUrl: string;
  database: DatabaseConfig;
  operatorToken: { value: string; generated: boolean };
  logLevel: LogLevel;
  /** Unset: `auto`. Ignored when `logSink` is set (always JSON). */
  logFormat?: LogFormat;
  /** Tests capture the JSON log lines here; unset, they go to stdout. */
  logSink?: LogSink;
  /** Create the `demo` organization when the database holds none. */
  seedDemo: boolean;
  /** Email delivery: SMTP when `url` is set, else the log. */
  smtp: { url: string | undefined; from: string };
  /** The outbox worker that delivers emails and checks SCIM credential expiry. */
  outbox: { worker: boolean; pollIntervalMs: number; maxAttempts: number };
  /** Bearer token `/metrics` demands when set. */
  metricsToken: string | undefined;
  rateLimits: RateLimitConfig;
  events: EventsConfig;
  saml: SamlWorkerConfig;
  portal: PortalConfig;
  /**
   * SCIM reads (GET /Users, /Groups and by id) answered by a middleware in front of the router, as
   * the controllers would (ROLLCALL_SCIM_READ_LANE, default true; docs/performance.md).
   */
  scimReadLane: boolean;
}

/** Admin portal sessions (docs/admin-portal.md, "Sessions and sign-in"). */
export interface PortalConfig {
  /** A session unused this long ends (ROLLCALL_PORTAL_IDLE_MINUTES, default 30). */
  idleMinutes: number;
  /** A session ends this long after it began, used or not (ROLLCALL_PORTAL_ABSOLUTE_HOURS, default 12). */
  absoluteHours: number;
}

/** The SAML worker (docs/saml.md): IdP metadata refresh and certificate expiry notices. */
export interface SamlWorkerConfig {
  /** Run it on this instance (ROLLCALL_SAML_WORKER, default true; off in tests, driven by hand). */
  worker: boolean;
  /** How often each connection's IdP metadata URL is fetched again (ROLLCALL_SAML_METADATA_REFRESH_HOURS, default 6). */
  metadataRefreshHours: number;
}

/** The event log and what delivers it (docs/events.md). */
export interface EventsConfig {
  /** How long events are kept (ROLLCALL_EVENT_RETENTION_DAYS, default 30). */
  retentionDays: number;
  /** Run the event workers on this instance: retention, webhook delivery, the NATS publisher. */
  workers: boolean;
  webhooks: {
    /**
     * The key (32 bytes, from base64 or hex) that encrypts webhook signing secrets at rest
     * (ROLLCALL_WEBHOOK_SECRET_KEY). Unset: generated into the data folder (embedded database)
     * or kept in the database with a warning (PostgreSQL outside production; required there).
     */
    secretKey: Buffer | undefined;
    /** Allow endpoints on private, loopback and link-local addresses (development and tests). */
    allowPrivateUrls: boolean;
    /** How long a failing endpoint is retried before it is disabled (hours, default 24). */
    retryHours: number;
    /** How often an idle delivery worker looks for work without being woken (ms). */
    pollIntervalMs: number;
  };
  nats: {
    /** Publish every event to NATS JetStream when set (ROLLCALL_NATS_URL, nats://host:port). */
    url: string | undefined;
    /** The JetStream stream that holds the subjects `rollcall.>` (created when missing). */
    stream: string;
  };
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];
const ENVIRONMENTS: readonly RuntimeEnvironment[] = ['development', 'production', 'test'];

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  /** `user@host` or `Display Name <user@host>`. */
  mailbox(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (/^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(value)) return value;
    this.problems.push(`${name} must be an email address, optionally "Name <address>"`);
    return undefined;
  }

  /** 32 bytes, written as base64 (or base64url) or as 64 hex digits. */
  key(name: string): Buffer | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const bytes = /^[0-9a-f]{64}$/i.test(value)
      ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
        ? Buffer.from(value, 'base64')
        : undefined;
    if (bytes?.length === 32) return bytes;
    this.problems.push(`${name} must be 32 bytes, as base64 or 64 hex digits`);
    return undefined;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return value;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
    return undefined;
  }
}

/**
 * Reads and validates every setting at once, so a bad deployment fails at boot with one message that
 * names each bad variable. Nothing else in the code base reads process.env.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const read = new Reader(env);
  const runtime = read.oneOf('NODE_ENV', ENVIRONMENTS, 'development');
  const port = read.integer('PORT', 3000, 0, 65535);
  const host = read.raw('HOST') ?? '0.0.0.0';
  const publicUrl = (
    read.url('ROLLCALL_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');

  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const poolSize = read.integer('DATABASE_POOL_SIZE', 10, 1, 1000);
  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgres', url: databaseUrl, poolSize }
    : { kind: 'embedded', dataDir: resolve(read.raw('ROLLCALL_DATA_DIR') ?? './.rollcall-data') };

  let operatorToken: AppConfig['operatorToken'];
  const token = read.raw('ROLLCALL_OPERATOR_TOKEN');
  if (token !== undefined) {
    if (token.length < 32) {
      read.problems.push('ROLLCALL_OPERATOR_TOKEN must be at least 32 characters long');
    }
    operatorToken = { value: token, generated: false };
  } else {
    if (runtime === 'production') {
      read.problems.push('ROLLCALL_OPERATOR_TOKEN is required when NODE_ENV=production');
    }
    operatorToken = { value: `rcop_${randomBytes(32).toString('base64url')}`, generated: true };
  }

  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, runtime === 'test' ? 'silent' : 'info');
  const logFormat = read.oneOf('LOG_FORMAT', LOG_FORMATS, 'auto');
  const seedDemo = read.boolean('ROLLCALL_SEED_DEMO', runtime !== 'production');

  const smtp = {
    url: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    from: read.mailbox('SMTP_FROM') ?? `Rollcall <no-reply@${new URL(publicUrl).hostname}>`,
  };
  const outbox = {
    worker: read.boolean('ROLLCALL_OUTBOX_WORKER', true),
    pollIntervalMs: read.integer('ROLLCALL_OUTBOX_POLL_MS', 5_000, 10, 3_600_000),
    maxAttempts: read.integer('ROLLCALL_OUTBOX_MAX_ATTEMPTS', 10, 1, 100),
  };
  const metricsToken = read.raw('ROLLCALL_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    read.problems.push('ROLLCALL_METRICS_TOKEN must be at least 16 characters long');
  }

  const rateLimits: RateLimitConfig = {
    windowSeconds: read.integer('ROLLCALL_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3_600),
    scim: read.integer('ROLLCALL_RATE_LIMIT_SCIM', 6_000, 0, 10_000_000),
    admin: read.integer('ROLLCALL_RATE_LIMIT_ADMIN', 1_200, 0, 10_000_000),
    operatorAuthFailures: read.integer('ROLLCALL_RATE_LIMIT_OPERATOR_FAILURES', 20, 0, 10_000_000),
  };

  const secretKey = read.key('ROLLCALL_WEBHOOK_SECRET_KEY');
  if (secretKey === undefined && runtime === 'production' && database.kind === 'postgres') {
    read.problems.push(
      'ROLLCALL_WEBHOOK_SECRET_KEY is required when NODE_ENV=production and DATABASE_URL is set (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  const events: EventsConfig = {
    retentionDays: read.integer('ROLLCALL_EVENT_RETENTION_DAYS', 30, 1, 3_650),
    workers: read.boolean('ROLLCALL_EVENT_WORKERS', true),
    webhooks: {
      secretKey,
      allowPrivateUrls: read.boolean('ROLLCALL_WEBHOOKS_ALLOW_PRIVATE_URLS', false),
      retryHours: read.integer('ROLLCALL_WEBHOOK_RETRY_HOURS', 24, 1, 24 * 30),
      pollIntervalMs: read.integer('ROLLCALL_WEBHOOK_POLL_MS', 5_000, 10, 3_600_000),
    },
    nats: {
      url: read.url('ROLLCALL_NATS_URL', ['nats:', 'tls:']),
      stream: read.raw('ROLLCALL_NATS_STREAM') ?? 'ROLLCALL',
    },
  };

  const saml: SamlWorkerConfig = {
    worker: read.boolean('ROLLCALL_SAML_WORKER', true),
    metadataRefreshHours: read.integer('ROLLCALL_SAML_METADATA_REFRESH_HOURS', 6, 1, 24 * 7),
  };

  const portal: PortalConfig = {
    idleMinutes: read.integer('ROLLCALL_PORTAL_IDLE_MINUTES', 30, 1, 24 * 60),
    absoluteHours: read.integer('ROLLCALL_PORTAL_ABSOLUTE_HOURS', 12, 1, 24 * 30),
  };

  const scimReadLane = read.boolean('ROLLCALL_SCIM_READ_LANE', true);

  if (read.problems.length > 0) throw new ConfigValidationError(read.problems);
  return {
    env: runtime,
    host,
    port,
    publicUrl,
    database,
    operatorToken,
    logLevel,
    logFormat,
    seedDemo,
    smtp,
    outbox,
    metricsToken,
    rateLimits,
    events,
    saml,
    portal,
    scimReadLane,
  };
}

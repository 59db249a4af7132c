/**
 * A scenario is one small file: an id, a title, the tenant it runs in, and `prepare`, which turns
 * the fixtures into a workload — a function giving the next HTTP request (autocannon sends it), or
 * a runner of its own (the raw-SQL yardstick). Register it in scenarios/index.ts.
 */
import type { Pool } from 'pg';
import type { BenchTenant } from '../lib/fixtures';
import type { LoadResult, RequestSpec } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import type { PeerName, ScimTarget, Side } from '../lib/peer';

export type { RequestSpec } from '../lib/load';

/** Statements one request sent to PostgreSQL, in order (bench/capture-hook.js). */
export interface CapturedStatement {
  seq: number;
  backend: number | null;
  text: string;
  values: (string | null)[];
  row?: Record<string, unknown> | null;
  error?: string;
}

export interface CapturedRequest {
  request: RequestSpec;
  status: number;
  body: string;
  statements: CapturedStatement[];
}

export interface ScenarioContext {
  db: Pool;
  databaseUrl: string;
  baseUrl: string;
  tenants: { large: BenchTenant; small: BenchTenant };
  options: BenchOptions;
  /** Unique per run: names of what the run creates. */
  runId: string;
  /** What a scenario's captured request sent to PostgreSQL (after the capture phase). */
  captured: (scenarioId: string) => CapturedRequest | undefined;
  /** With --peer: both sides of the side-by-side scenarios. */
  targets?: Partial<Record<Side, ScimTarget>>;
  /** Stops what a scenario started (servers, receivers) when the bench ends. */
  onCleanup(stop: () => Promise<void>): void;
}

export interface HttpWorkload {
  kind: 'http';
  /** Another server than Rollcall's (the peer), and its process for the CPU per request. */
  baseUrl?: string;
  serverPid?: number;
  /** The Authorization header value. */
  auth: string;
  /**
   * The next request; called once per request, from every connection. `state` belongs to one
   * connection for one cycle of `steps` requests, sent in order (step 0, 1, …, then a new cycle).
   */
  next(state: Record<string, unknown>, step: number): RequestSpec;
  /** Requests per cycle (default 1). */
  steps?: number;
  /** A check of each 2xx body; a false answer counts as an error. */
  verify?(body: string): boolean;
  /** Overrides --connections (e.g. for requests that take a second each). */
  connections?: number;
  timeoutSeconds?: number;
  /** Statuses that count as success (default: 2xx). */
  okStatuses?: number[];
}

export interface CustomWorkload {
  kind: 'custom';
  /** Runs `connections` clients for `seconds`, one latency per operation. */
  run(connections: number, seconds: number): Promise<LoadResult>;
  connections?: number;
}

export type Workload = HttpWorkload | CustomWorkload;

export interface Scenario {
  /** Stable id for --only/--skip and the targets, e.g. "lookup-username-large". */
  id: string;
  /** What the table shows (may depend on the sizes chosen). */
  title: string | ((options: BenchOptions) => string);
  tenant: 'large' | 'small';
  /** Runs only with `--peer <name>` (the side-by-side scenarios). */
  peer?: PeerName;
  /**
   * Capture the statements of one request before the measurement (on a separate, instrumented
   * instance); `explain` also prints/records their EXPLAIN (ANALYZE, BUFFERS) plans.
   */
  capture?: boolean;
  explain?: boolean;
  /**
   * The statement budget (issue 17): the most round trips to PostgreSQL one request may take in
   * the steady state, counting every statement its capture saw — transaction control and the
   * provisioning log's write included. Needs `capture`; over budget is a missed target.
   */
  budget?: number;
  /** Scenarios whose capture this one needs (prepared, and captured, even when not selected). */
  needs?: string[];
  /** Why it cannot run (yet); the table shows the reason instead of numbers, and it is no error. */
  unavailable?(context: ScenarioContext): Promise<string | undefined> | string | undefined;
  prepare(context: ScenarioContext): Promise<Workload>;
}

/** A small deterministic random generator (mulberry32), so runs draw the same users. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number in [min, max]. */
export function between(next: () => number, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}

/** `LoadResult` re-exported for custom workloads. */
export type { LoadResult };

/**
 * Drives HTTP load with autocannon (keep-alive connections, one request in flight per connection)
 * and records every response's latency, so that rounds can be merged and percentiles computed over
 * all of them.
 */
import autocannon from 'autocannon';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  method: Method;
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead (e.g. a SAML HTTP-POST binding form). */
  form?: Record<string, string>;
}

/** One measured stretch of load (or several, merged). */
export interface LoadResult {
  requests: number;
  seconds: number;
  /** Milliseconds, one per response. */
  latencies: number[];
  /** Connection errors, timeouts, non-2xx answers and bodies that failed verification. */
  errors: number;
  statuses: Record<string, number>;
  /** A few words on the errors (first status and body seen, connection error). */
  errorSamples: string[];
  /**
   * PostgreSQL's CPU seconds during the load, when the workload measured them itself (the
   * yardstick's backends end with its clients, before the bench could read them).
   */
  databaseCpuSeconds?: number;
}

export function emptyResult(): LoadResult {
  return { requests: 0, seconds: 0, latencies: [], errors: 0, statuses: {}, errorSamples: [] };
}

export function merge(into: LoadResult, from: LoadResult): LoadResult {
  into.requests += from.requests;
  into.seconds += from.seconds;
  for (const latency of from.latencies) into.latencies.push(latency);
  into.errors += from.errors;
  for (const [status, count] of Object.entries(from.statuses)) {
    into.statuses[status] = (into.statuses[status] ?? 0) + count;
  }
  for (const sample of from.errorSamples) {
    if (into.errorSamples.length < 5) into.errorSamples.push(sample);
  }
  return into;
}

export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export interface HttpLoad {
  baseUrl: string;
  auth: string;
  /**
   * The next request. `state` belongs to one connection and lives for one cycle of `steps`
   * requests, which that connection sends in order (step 0, 1, …): a cycle of an add and a remove
   * of the same member never overtakes itself.
   */
  next: (state: Record<string, unknown>, step: number) => RequestSpec;
  /** Requests per cycle (default 1). */
  steps?: number;
  /** Checks a 2xx response body (e.g. that a lookup found its one user). */
  verify?: (body: string) => boolean;
  connections: number;
  seconds: number;
  timeoutSeconds?: number;
  /** Statuses that count as success (default: 2xx), e.g. 303 for the SAML ACS's redirect. */
  okStatuses?: number[];
}

export function runHttpLoad(load: HttpLoad): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let mismatches = 0;
  let refused = 0;
  const ok = (status: number) =>
    load.okStatuses ? load.okStatuses.includes(status) : status >= 200 && status < 300;
  const sample = (text: string) => {
    if (errorSamples.length < 5) errorSamples.push(text.slice(0, 300));
  };
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const instance = autocannon(
      {
        url: load.baseUrl,
        connections: load.connections,
        duration: load.seconds,
        timeout: load.timeoutSeconds ?? 30,
        headers: {
          authorization: load.auth,
          'content-type': 'application/scim+json',
          accept: 'application/scim+json, application/json',
        },
        // autocannon keeps one context per connection and resets it after the last request of the
        // list: the list is one cycle of steps.
        requests: Array.from({ length: load.steps ?? 1 }, (_, step) => ({
          setupRequest: (request: autocannon.Request, context: object) => {
            const state = context as Record<string, unknown>;
            const spec = load.next(state, step);
            state.spec = spec;
            if (spec.form) {
              return {
                ...request,
                method: spec.method,
                path: spec.path,
                headers: {
                  ...(request.headers ?? {}),
                  'content-type': 'application/x-www-form-urlencoded',
                },
                body: new URLSearchParams(spec.form).toString(),
              };
            }
            return {
              ...request,
              method: spec.method,
              path: spec.path,
              body: spec.body === undefined ? '' : JSON.stringify(spec.body),
            };
          },
          // Called for the response to the request setupRequest built with the same context.
          onResponse: (status: number, body: string, context: object) => {
            const spec = (context as { spec?: RequestSpec }).spec;
            const what = spec ? `${spec.method} ${spec.path}` : 'request';
            if (!ok(status)) {
              refused++;
              sample(`${what} → ${status}: ${body}`);
            } else if (load.verify && !load.verify(body)) {
              mismatches++;
              sample(`${what} → ${status} but an unexpected body: ${body}`);
            }
          },
        })),
      },
      (error, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (result.errors > 0) sample(`${result.errors} connection errors/timeouts`);
        resolve({
          requests: latencies.length,
          seconds: (Date.now() - started) / 1000,
          latencies,
          errors: result.errors + refused + mismatches,
          statuses,
          errorSamples,
        });
      },
    );
    instance.on('response', (_client, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      const key = String(statusCode);
      statuses[key] = (statuses[key] ?? 0) + 1;
    });
  });
}

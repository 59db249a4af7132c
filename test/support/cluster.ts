import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { builtApp, type BuiltApp } from './built-app';
import { freePort } from './private-postgres';

/**
 * Several API processes — the built application, `node dist/apps/api/main.js`, exactly as operators
 * run it — on one PostgreSQL database, and a client that spreads requests over them round-robin like
 * a simple load balancer.
 */

export const PUBLIC_URL = 'http://rollcall.test';
export const OPERATOR_TOKEN = 'rcop_cluster-operator-token-with-enough-length-0123456789';

/**
 * Suites that run several API processes under load take turns (acquireMachineLock) instead of
 * sharing two cores, so that their timings mean something.
 */
export const MULTI_PROCESS_SUITES = 'multi-process-suites';

export interface HttpResult {
  /** 0 when no response came back (see `error`). */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, when there is one. */
  body: unknown;
  /** The network error code (ECONNREFUSED, ECONNRESET, TIMEOUT...) when no response came back. */
  error?: string;
  startedAt: number;
  ms: number;
  /** Which instance answered (its index in the cluster). */
  instance: number;
  /** `METHOD /path?query` */
  request: string;
}

export interface PlannedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  timeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ApiInstance {
  private readonly output: string[] = [];
  private readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  private constructor(
    readonly index: number,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.agent.destroy();
        resolve(this.exit);
      }),
    );
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get exitStatus(): Exit | undefined {
    return this.exit;
  }

  /** Spawns the built app and waits until /health/ready answers 200. */
  static async start(
    app: BuiltApp,
    index: number,
    databaseUrl: string,
    env: Record<string, string> = {},
  ): Promise<ApiInstance> {
    const port = await freePort();
    const child = spawn(process.execPath, [app.main], {
      env: {
        PATH: process.env.PATH,
        NODE_PATH: app.nodePath,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '10',
        ROLLCALL_PUBLIC_URL: PUBLIC_URL,
        ROLLCALL_OPERATOR_TOKEN: OPERATOR_TOKEN,
        // Production requires it; every instance of a cluster shares it.
        ROLLCALL_WEBHOOK_SECRET_KEY: Buffer.alloc(32, 13).toString('base64'),
        ROLLCALL_SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        // Load tests send far more than a real IdP; the rate-limit tests test the limits.
        ROLLCALL_RATE_LIMIT_SCIM: '10000000',
        ROLLCALL_RATE_LIMIT_ADMIN: '10000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = new ApiInstance(index, port, child);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (!instance.alive) {
        throw new Error(`instance ${index} exited while starting:\n${instance.logTail()}`);
      }
      const ready = await instance.send({ method: 'GET', path: '/health/ready', timeoutMs: 2_000 });
      if (ready.status === 200) return instance;
      if (Date.now() > deadline) {
        instance.kill('SIGKILL');
        throw new Error(`instance ${index} never became ready:\n${instance.logTail()}`);
      }
      await sleep(200);
    }
  }

  send(planned: PlannedRequest, agent: Agent | false = this.agent): Promise<HttpResult> {
    return send(this.baseUrl, this.index, planned, agent);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  waitForExit(timeoutMs = 30_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`instance ${this.index} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.alive) return this.exit!;
    this.kill('SIGTERM');
    try {
      return await this.waitForExit(graceMs);
    } catch {
      this.kill('SIGKILL');
      return this.exited;
    }
  }

  /** The last lines the process wrote, JSON log lines shortened to what explains a failure. */
  logTail(lines = 60): string {
    return this.output.slice(-lines).map(shorten).join('\n');
  }
}

function shorten(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      level?: number;
      msg?: string;
      req?: { method?: string; path?: string };
      res?: { statusCode?: number };
      err?: { message?: string };
    };
    return [
      entry.level,
      entry.req ? `${entry.req.method} ${entry.req.path}` : '',
      entry.res?.statusCode,
      entry.msg,
      entry.err?.message,
    ]
      .filter((part) => part !== undefined && part !== '')
      .join(' ')
      .slice(0, 300);
  } catch {
    return line.slice(0, 300);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function send(
  baseUrl: string,
  instance: number,
  planned: PlannedRequest,
  agent: Agent | false,
): Promise<HttpResult> {
  const startedAt = Date.now();
  const payload =
    planned.body === undefined
      ? undefined
      : typeof planned.body === 'string'
        ? planned.body
        : JSON.stringify(planned.body);
  const headers: Record<string, string> = {
    Accept: 'application/json, application/scim+json, application/problem+json',
    ...(payload !== undefined
      ? {
          'Content-Type': planned.path.startsWith('/scim/')
            ? 'application/scim+json'
            : 'application/json',
          'Content-Length': String(Buffer.byteLength(payload)),
        }
      : {}),
    ...planned.headers,
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<HttpResult, 'startedAt' | 'ms' | 'instance' | 'request'>) => {
      if (settled) return;
      settled = true;
      const request = `${planned.method} ${planned.path}`;
      resolve({ ...result, startedAt, ms: Date.now() - startedAt, instance, request });
    };
    const req = httpRequest(
      `${baseUrl}${planned.path}`,
      { method: planned.method, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          finish({ status: 0, headers: {}, text: '', body: undefined, error: error.code }),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          finish({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.setTimeout(planned.timeoutMs ?? 30_000, () => {
      finish({ status: 0, headers: {}, text: '', body: undefined, error: 'TIMEOUT' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        status: 0,
        headers: {},
        text: '',
        body: undefined,
        error: error.code ?? error.message,
      }),
    );
    req.end(payload);
  });
}

export class Cluster {
  private next = 0;

  private constructor(
    private readonly app: BuiltApp,
    readonly databaseUrl: string,
    readonly instances: ApiInstance[],
    private readonly env: Record<string, string>,
  ) {}

  /** Starts `count` instances on `databaseUrl` together (they take turns migrating it). */
  static async start(
    count: number,
    databaseUrl: string,
    env: Record<string, string> = {},
  ): Promise<Cluster> {
    const app = await builtApp();
    try {
      const instances = await Promise.all(
        Array.from({ length: count }, (_, i) => ApiInstance.start(app, i, databaseUrl, env)),
      );
      return new Cluster(app, databaseUrl, instances, env);
    } catch (error) {
      app.remove();
      throw error;
    }
  }

  /** The next instance in turn (round-robin over all of them, dead or alive, like a plain balancer). */
  send(planned: PlannedRequest): Promise<HttpResult> {
    const instance = this.instances[this.next % this.instances.length];
    this.next += 1;
    return instance.send(planned);
  }

  /**
   * Replaces instance `index` (after it died or was stopped) by a fresh process on the same
   * database, with `env` on top of the cluster's.
   */
  async restart(index: number, env: Record<string, string> = {}): Promise<ApiInstance> {
    await this.instances[index].stop();
    this.instances[index] = await ApiInstance.start(this.app, index, this.databaseUrl, {
      ...this.env,
      ...env,
    });
    return this.instances[index];
  }

  async stop(): Promise<Exit[]> {
    const exits = await Promise.all(this.instances.map((i) => i.stop()));
    this.app.remove();
    return exits;
  }

  /** Each instance's last log lines; more of them for an instance that died (its crash report). */
  logTail(lines = 40): string {
    return this.instances
      .map((i) =>
        i.alive
          ? `--- instance ${i.index}\n${i.logTail(lines)}`
          : `--- instance ${i.index} (exited: ${JSON.stringify(i.exitStatus)})\n${i.logTail(lines * 4)}`,
      )
      .join('\n');
  }
}

/** An organization on the enterprise plan with SCIM on (bearer), made through the HTTP API. */
export interface HttpTenant {
  id: string;
  slug: string;
  /** `Authorization` values. */
  adminAuth: string;
  scimAuth: string;
}

export async function createScimTenant(
  cluster: Pick<Cluster, 'send'>,
  slug: string,
  totalLicenses: number,
): Promise<HttpTenant> {
  const org = await cluster.send({
    method: 'POST',
    path: '/api/v1/organizations',
    headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` },
    body: { name: `Org ${slug}`, slug, plan: 'enterprise', totalLicenses },
  });
  if (org.status !== 201) throw new Error(`creating ${slug} failed: ${org.status} ${org.text}`);
  const { id, adminApiKey } = org.body as { id: string; adminApiKey: string };
  const adminAuth = `Bearer ${adminApiKey}`;
  const scim = await cluster.send({
    method: 'POST',
    path: '/api/v1/scim/integration',
    headers: { Authorization: adminAuth },
    body: { idp: 'okta', authMethod: 'bearer' },
  });
  if (scim.status !== 201) throw new Error(`enabling SCIM failed: ${scim.status} ${scim.text}`);
  return { id, slug, adminAuth, scimAuth: `Bearer ${(scim.body as { token: string }).token}` };
}

/** Requests from `workers` concurrent loops until `until()` says stop; every result is kept. */
export async function runLoad(
  workers: number,
  next: (n: number) => Promise<HttpResult>,
  until: () => boolean,
): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!until()) {
        const result = await next(n++);
        results.push(result);
        // A refused connection returns at once; don't spin.
        if (result.status === 0) await sleep(20);
      }
    }),
  );
  return results;
}

export { sleep };

/**
 * `npm run bench`: Rollcall's benchmarks on PostgreSQL (issue 8). See docs/performance.md.
 *
 * 1. Starts the built app (or uses BENCH_URL) on DATABASE_URL.
 * 2. Prepares two tenants through the operator, admin and SCIM APIs and seeds them in SQL: the
 *    large one (1,000,000 users, a 100,000-member group and a ten-member one) and the small one
 *    (10,000 users). Seeded fixtures are found again by slug on later runs.
 * 3. Captures, on a separate instrumented instance, the statements one request of each scenario
 *    sends to PostgreSQL; EXPLAINs the lookups' and membership changes' statements.
 * 4. Runs every scenario with autocannon for `--rounds` rounds of `--duration` seconds, sampling
 *    the server's RSS, and the raw-SQL replay of one SCIM create as the yardstick.
 * 5. A full run then drives a 10-minute long run of mixed load watching RSS growth (`--soak`), and
 *    prints one table and the targets.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import { SCENARIOS } from './scenarios';
import type { CapturedRequest, Scenario, ScenarioContext, Workload } from './scenarios/types';
import { captureRequests, describeStatements, listStatements } from './lib/capture';
import { describeServer, ensureDatabase, isLocalDatabase, openPool } from './lib/database';
import { type Explained, explainCaptured, plansMarkdown } from './lib/explain';
import { type BenchTenant, prepareTenant, userIds } from './lib/fixtures';
import { type PeerServer, prepareTargets } from './lib/peer';
import { emptyResult, type LoadResult, merge, runHttpLoad } from './lib/load';
import { type BenchOptions, parseOptions, USAGE } from './lib/options';
import {
  judge,
  judgeBudgets,
  judgeEvents,
  judgePeer,
  peerTable,
  type Row,
  stats,
  table,
  targetLine,
} from './lib/report';
import {
  megabytes,
  ownCpuSeconds,
  readCpuSeconds,
  postgresCpuSecondsBetween,
  readPostgresCpu,
  RssSampler,
} from './lib/rss';
import { ensureBuilt, externalServer, type Server, sleep, startServer } from './lib/server';

const RSS_LIMIT = 300 * 1024 * 1024;
/** What the long run mixes, in turns of SOAK_SLICE seconds. */
const SOAK_MIX = [
  'scim-create',
  'lookup-username-large',
  'put-user',
  'lookup-email-large',
  'patch-group-big',
  'admin-users-pool-large',
];
const SOAK_SLICE = 15;

/** A workload that drives another server than the one the bench started (the peer). */
function isPeerWorkload(workload: Workload, server: Server): boolean {
  return (
    workload.kind === 'http' &&
    workload.serverPid !== undefined &&
    workload.serverPid !== server.pid
  );
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function titleOf(scenario: Scenario, options: BenchOptions): string {
  return typeof scenario.title === 'function' ? scenario.title(options) : scenario.title;
}

function matches(id: string, patterns: string[]): boolean {
  return patterns.some((p) => id === p || id.startsWith(p));
}

function select(options: BenchOptions): Scenario[] {
  const unknown = [...options.only, ...options.skip].filter(
    (p) => !SCENARIOS.some((s) => matches(s.id, [p])),
  );
  if (unknown.length > 0) {
    throw new Error(`no scenario matches ${unknown.join(', ')} (see --list)`);
  }
  const peerOnly = options.only.filter((p) =>
    SCENARIOS.every(
      (s) => !matches(s.id, [p]) || (s.peer !== undefined && s.peer !== options.peer),
    ),
  );
  if (peerOnly.length > 0) {
    throw new Error(
      `--only ${peerOnly.join(', ')}: those scenarios run only against a peer (add --peer jackson)`,
    );
  }
  return SCENARIOS.filter(
    (s) =>
      (s.peer === undefined || s.peer === options.peer) &&
      (options.only.length === 0 || matches(s.id, options.only)) &&
      !matches(s.id, options.skip),
  );
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}`;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

async function prepareTenants(
  db: Pool,
  server: Server,
  options: BenchOptions,
  runId: string,
): Promise<{ large: BenchTenant; small: BenchTenant }> {
  const started = Date.now();
  log(`Fixtures: ${options.smallUsers} and ${options.largeUsers} users…`);
  const small = await prepareTenant(
    db,
    server.url,
    server.operatorToken,
    { key: 'small', users: options.smallUsers },
    runId,
  );
  const large = await prepareTenant(
    db,
    server.url,
    server.operatorToken,
    {
      key: 'large',
      users: options.largeUsers,
      groups: { big: options.groupSize, small: options.smallGroupSize },
    },
    runId,
  );
  log(
    `Fixtures ready in ${elapsed(started)}: ${small.slug}, ${large.slug} (groups of ${large.groups?.big.size ?? 0} and ${large.groups?.small.size ?? 0})`,
  );
  return { large, small };
}

async function runWorkload(
  workload: Workload,
  baseUrl: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  if (workload.kind === 'custom') return workload.run(connections, seconds);
  return runHttpLoad({
    baseUrl: workload.baseUrl ?? baseUrl,
    auth: workload.auth,
    next: (state, step) => workload.next(state, step),
    ...(workload.steps ? { steps: workload.steps } : {}),
    ...(workload.verify ? { verify: (body: string) => workload.verify?.(body) ?? true } : {}),
    connections,
    seconds,
    ...(workload.timeoutSeconds ? { timeoutSeconds: workload.timeoutSeconds } : {}),
    ...(workload.okStatuses ? { okStatuses: workload.okStatuses } : {}),
  });
}

interface SoakResult {
  seconds: number;
  growth: number;
  baseline: number;
  final: number;
  max: number;
  requests: number;
  errors: number;
}

interface Prepared {
  scenario: Scenario;
  workload: Workload;
  connections: number;
  result: LoadResult;
  rssMax?: number;
  /** CPU seconds used during the measured runs: the server's, PostgreSQL's and the bench's. */
  cpu: { server: number; database: number; client: number };
  selected: boolean;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const s of SCENARIOS) console.log(`${s.id.padEnd(26)} ${titleOf(s, options)}`);
    return 0;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL must name the PostgreSQL database to bench on');
  const selected = select(options);
  const started = Date.now();
  await ensureDatabase(databaseUrl);
  ensureBuilt(options.build);
  const benchUrl = process.env.BENCH_URL;
  const server = benchUrl
    ? await externalServer(benchUrl, process.env.ROLLCALL_OPERATOR_TOKEN)
    : await startServer({
        databaseUrl,
        logLevel: options.logLevel,
        // Without the event workers, as the statement capture's instance: what delivery costs is
        // measured by the event scenarios' own servers (events-create-on/off).
        env: { ROLLCALL_EVENT_WORKERS: 'false' },
      });
  const db = openPool(databaseUrl);
  const localDatabase = isLocalDatabase(databaseUrl);
  const rss = new RssSampler(server.pid);
  let stopPeer: () => Promise<void> = () => Promise.resolve();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const postgres = await describeServer(db);
    log(`Machine: ${machine()}`);
    log(`PostgreSQL: ${postgres}`);
    log(
      `Server: ${server.url}${server.pid ? ` (pid ${server.pid})` : ' (BENCH_URL: RSS not sampled)'}`,
    );
    const tenants = await prepareTenants(db, server, options, runId);
    let peer: PeerServer | undefined;
    let sides: ScenarioContext['targets'];
    if (options.peer && selected.some((s) => s.peer === options.peer)) {
      let servers: PeerServer[];
      ({ targets: sides, servers } = await prepareTargets({
        peer: options.peer,
        databaseUrl,
        rollcall: { url: server.url, ...(server.pid !== undefined ? { pid: server.pid } : {}) },
        tenant: tenants.small,
        userIdsOf: (from, to) => userIds(db, tenants.small, from, to),
        runId,
        log,
      }));
      peer = servers.find((s) => s.name === options.peer);
      stopPeer = () => Promise.all(servers.map((s) => s.stop())).then(() => undefined);
    }

    const captures = new Map<string, CapturedRequest>();
    const context: ScenarioContext = {
      db,
      databaseUrl,
      baseUrl: server.url,
      tenants,
      options,
      runId,
      captured: (id) => captures.get(id),
      ...(sides ? { targets: sides } : {}),
      onCleanup: (stop) => cleanups.push(stop),
    };

    // Which scenarios to prepare: the selected ones, what they need, and the long run's mix.
    const wanted = new Set(selected.map((s) => s.id));
    for (const s of selected) for (const need of s.needs ?? []) wanted.add(need);
    if (options.soak > 0) for (const id of SOAK_MIX) wanted.add(id);
    const rows: Row[] = [];
    const prepared = new Map<string, Prepared>();
    for (const scenario of SCENARIOS.filter((s) => wanted.has(s.id))) {
      const isSelected = selected.includes(scenario);
      const row: Row = {
        id: scenario.id,
        title: titleOf(scenario, options),
        users: tenants[scenario.tenant].users,
        connections: options.connections,
      };
      const unavailable = await scenario.unavailable?.(context);
      if (unavailable) {
        row.note = unavailable;
        if (isSelected) rows.push(row);
        log(`  ${scenario.id}: ${unavailable}`);
        continue;
      }
      try {
        const workload = await scenario.prepare(context);
        const connections = workload.connections ?? options.connections;
        row.connections = connections;
        prepared.set(scenario.id, {
          scenario,
          workload,
          connections,
          result: emptyResult(),
          cpu: { server: 0, database: 0, client: 0 },
          selected: isSelected,
        });
      } catch (error) {
        row.note = `failed to prepare: ${(error as Error).message}`;
        row.failed = true;
        log(`  ${scenario.id}: ${row.note}`);
      }
      if (isSelected) rows.push(row);
    }

    // Capture (and explain) one request of each scenario that asks for it.
    const captureStarted = Date.now();
    const toCapture = [...prepared.values()].filter(
      (p) => p.scenario.capture && p.workload.kind === 'http',
    );
    const captured = await captureRequests(
      databaseUrl,
      toCapture.map((p) => ({
        id: p.scenario.id,
        workload: p.workload as Extract<Workload, { kind: 'http' }>,
      })),
    );
    for (const [id, value] of captured) captures.set(id, value);
    const seqScans = new Map<string, string[]>();
    const plans: string[] = [];
    for (const p of toCapture) {
      const c = captures.get(p.scenario.id);
      if (!c) continue;
      if (c.status >= 300) {
        // The request the scenario would send fails outright: no point measuring it.
        const row = rows.find((r) => r.id === p.scenario.id);
        if (row) {
          row.failed = true;
          row.note = `its request answered ${c.status}: ${c.body.slice(0, 200)}`;
        }
        p.selected = false;
        log(
          `  ${p.scenario.id}: its captured request answered ${c.status}: ${c.body.slice(0, 300)}`,
        );
        continue;
      }
      let summary = `${describeStatements(c.statements)}; status ${c.status}`;
      if (p.scenario.explain) {
        const explained: Explained = await explainCaptured(db, c);
        seqScans.set(p.scenario.id, explained.seqScans);
        summary += `; indexes ${explained.indexes.join(', ') || 'none'}; whole-table scans: ${explained.seqScans.join(', ') || 'none'}; ${explained.buffers} buffers; ${explained.executionMs.toFixed(2)} ms in PostgreSQL`;
        plans.push(
          plansMarkdown(
            `${titleOf(p.scenario, options)} — ${tenants[p.scenario.tenant].users.toLocaleString('en-US')} users (${p.scenario.id})`,
            explained,
          ),
        );
      }
      log(`  ${p.scenario.id}: ${summary}`);
      if (options.statements) log(listStatements(c.statements));
    }
    log(`Captured ${captured.size} requests in ${elapsed(captureStarted)}`);
    if (options.explain) console.log(`\n${plans.join('\n')}`);

    // The measurement: rounds of every selected scenario, warm-up before the first.
    rss.start();
    const runnable = [...prepared.values()].filter((p) => p.selected);
    // The server has served only the fixtures' few requests so far: its JIT is cold, and the code
    // every request shares (HTTP, Express, Nest, the driver) warms up in the first scenario's
    // warm-up, which therefore runs longer than the others'.
    let firstWarmup = true;
    for (let round = 1; round <= options.rounds; round++) {
      // Every other round runs the list backwards, so no scenario always follows the same one.
      for (const p of round % 2 === 0 ? [...runnable].reverse() : runnable) {
        const windowStart = Date.now();
        try {
          if (round === 1 && options.warmup > 0) {
            const seconds =
              firstWarmup && p.workload.kind === 'http' ? 4 * options.warmup : options.warmup;
            if (p.workload.kind === 'http') firstWarmup = false;
            await runWorkload(p.workload, server.url, p.connections, seconds);
          }
          // Where the machine's CPU went: the server (HTTP scenarios), PostgreSQL (when it runs
          // here) and this process (the load generator, or the raw-SQL client).
          const serverPid =
            p.workload.kind === 'http' ? (p.workload.serverPid ?? server.pid) : undefined;
          const serverBefore = serverPid !== undefined ? readCpuSeconds(serverPid) : undefined;
          const databaseBefore = localDatabase ? readPostgresCpu() : undefined;
          const clientBefore = ownCpuSeconds();
          const result = await runWorkload(p.workload, server.url, p.connections, options.duration);
          const serverAfter = serverPid !== undefined ? readCpuSeconds(serverPid) : undefined;
          const databaseAfter = localDatabase ? readPostgresCpu() : undefined;
          p.cpu.client += ownCpuSeconds() - clientBefore;
          if (serverBefore !== undefined && serverAfter !== undefined) {
            p.cpu.server += serverAfter - serverBefore;
          }
          // The yardstick's backends end with its clients: it reads PostgreSQL's CPU itself.
          if (localDatabase && result.databaseCpuSeconds !== undefined) {
            p.cpu.database += result.databaseCpuSeconds;
          } else if (databaseBefore && databaseAfter) {
            p.cpu.database += postgresCpuSecondsBetween(databaseBefore, databaseAfter);
          }
          merge(p.result, result);
          const s = stats(result);
          log(
            `  round ${round}/${options.rounds} ${p.scenario.id.padEnd(24)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${(s.p50 ?? 0).toFixed(2)} ms  p99 ${(s.p99 ?? 0).toFixed(2)} ms  errors ${result.errors}${result.errorSamples[0] ? `  (${result.errorSamples[0]})` : ''}`,
          );
        } catch (error) {
          const row = rows.find((r) => r.id === p.scenario.id);
          if (row) {
            row.failed = true;
            row.note = `failed: ${(error as Error).message}`;
          }
          log(`  ${p.scenario.id} failed: ${(error as Error).message}`);
        }
        // The sampler watches Rollcall's server: a peer's rows have no RSS of theirs.
        const max = rss.maxBetween(windowStart, Date.now());
        if (max !== undefined && !isPeerWorkload(p.workload, server)) {
          p.rssMax = Math.max(p.rssMax ?? 0, max);
        }
        await sleep(300);
      }
    }
    for (const p of runnable) {
      const row = rows.find((r) => r.id === p.scenario.id);
      if (!row || row.failed) continue;
      row.result = p.result;
      if (p.rssMax !== undefined) row.rssMax = p.rssMax;
      if (p.result.requests > 0) {
        const perRequest = (seconds: number) => (seconds * 1000) / p.result.requests;
        if (p.workload.kind === 'http' && (p.workload.serverPid ?? server.pid)) {
          row.serverCpuMs = perRequest(p.cpu.server);
        }
        if (localDatabase) row.databaseCpuMs = perRequest(p.cpu.database);
        row.clientCpuMs = perRequest(p.cpu.client);
      }
    }

    // The long run.
    let soak: SoakResult | undefined;
    if (options.soak > 0) {
      soak = await runSoak(options, prepared, server, rss);
    }
    rss.stop();

    const targets = [
      ...judge(rows, {
        seqScans,
        rssLimit: RSS_LIMIT,
        ...(soak ? { soak } : {}),
      }),
      ...judgePeer(rows, peer ? options.peer : undefined),
      ...judgeEvents(rows),
    ];
    const budgets = judgeBudgets(
      selected
        .filter((s) => s.budget !== undefined && s.capture)
        .map((s) => ({
          id: s.id,
          title: titleOf(s, options),
          budget: s.budget ?? 0,
          statements: captures.get(s.id)?.statements,
        })),
    );
    targets.push(...budgets.targets);
    const create = captures.get('scim-create');
    const header = [
      `Rollcall bench ${new Date().toISOString()} — ${machine()}`,
      `PostgreSQL: ${postgres}`,
      `Rounds: ${options.rounds} × ${options.duration} s per scenario (warm-up ${options.warmup} s); server LOG_LEVEL=${benchUrl ? 'n/a' : options.logLevel}; total ${elapsed(started)}`,
      ...(create ? [`One SCIM create = ${describeStatements(create.statements)}`] : []),
    ];
    const peerRows = options.peer ? peerTable(rows, options.peer, peer?.label ?? options.peer) : [];
    const output = [
      ...header,
      '',
      table(rows),
      ...(peerRows.length > 0 ? ['', ...peerRows] : []),
      ...(budgets.table.length > 0 ? ['', ...budgets.table] : []),
      '',
      ...targets.map(targetLine),
    ].join('\n');
    console.log(`\n${output}`);
    if (options.out) {
      const dir = resolve(options.out);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'table.md'), `${output}\n`);
      writeFileSync(join(dir, 'plans.md'), `${plans.join('\n')}\n`);
      writeFileSync(
        join(dir, 'results.json'),
        `${JSON.stringify(
          {
            header,
            rows: rows.map((r) => ({
              id: r.id,
              title: r.title,
              users: r.users,
              connections: r.connections,
              note: r.note,
              rssMax: r.rssMax,
              cpuMsPerRequest: {
                server: r.serverCpuMs,
                database: r.databaseCpuMs,
                client: r.clientCpuMs,
              },
              ...(r.result
                ? {
                    requests: r.result.requests,
                    seconds: r.result.seconds,
                    errors: r.result.errors,
                    statuses: r.result.statuses,
                    ...stats(r.result),
                  }
                : {}),
            })),
            targets,
            soak,
            captured: Object.fromEntries(captures),
          },
          null,
          2,
        )}\n`,
      );
      log(`Results written to ${dir}`);
    }
    for (const row of rows) {
      for (const sample of row.result?.errorSamples.slice(0, 2) ?? []) {
        log(`  ${row.id}: ${sample.slice(0, 240)}`);
      }
    }
    const errors = targets.find((t) => t.name.startsWith('zero errors'))?.ok === false;
    if (errors || (soak?.errors ?? 0) > 0) return 1;
    if (options.targets === 'enforce' && targets.some((t) => t.ok === false)) return 2;
    return 0;
  } catch (error) {
    const output = server.output();
    if (output) log(`Server output (last lines):\n${output}`);
    throw error;
  } finally {
    rss.stop();
    await db.end().catch(() => undefined);
    await stopPeer();
    for (const stop of cleanups) await stop().catch(() => undefined);
    await server.stop();
  }
}

/**
 * Mixed load for `--soak` seconds, in turns of SOAK_SLICE seconds per scenario. RSS: the median of
 * the second tenth of the run (after the first tenth's warm-up) against the median of the last
 * tenth.
 */
async function runSoak(
  options: BenchOptions,
  prepared: Map<string, Prepared>,
  server: Server,
  rss: RssSampler,
): Promise<SoakResult | undefined> {
  const mix = SOAK_MIX.map((id) => prepared.get(id)).filter((p): p is Prepared => !!p);
  if (mix.length === 0 || !server.pid) {
    log('Long run skipped: nothing to run, or the server is not ours (BENCH_URL)');
    return undefined;
  }
  log(`Long run: ${options.soak} s of ${mix.map((p) => p.scenario.id).join(', ')}…`);
  const start = Date.now();
  const end = start + options.soak * 1000;
  let errors = 0;
  let requests = 0;
  let turn = 0;
  let nextReport = start + 60_000;
  while (Date.now() < end) {
    const p = mix[turn++ % mix.length];
    if (!p) break;
    const seconds = Math.max(1, Math.min(SOAK_SLICE, (end - Date.now()) / 1000));
    const result = await runWorkload(p.workload, server.url, p.connections, seconds);
    errors += result.errors;
    requests += result.requests;
    if (Date.now() >= nextReport) {
      nextReport += 60_000;
      log(
        `  ${elapsed(start)}: RSS ${megabytes(rss.samples[rss.samples.length - 1]?.bytes)}, ${requests} requests, ${errors} errors`,
      );
    }
  }
  const span = end - start;
  const baseline = rss.medianBetween(start + span * 0.1, start + span * 0.2);
  const final = rss.medianBetween(end - span * 0.1, end);
  const max = rss.maxBetween(start, end);
  if (baseline === undefined || final === undefined || max === undefined) return undefined;
  log(
    `Long run done: ${requests} requests, ${errors} errors; RSS ${megabytes(baseline)} → ${megabytes(final)}, max ${megabytes(max)}`,
  );
  if (errors > 0) log(`  the long run had ${errors} errors`);
  return {
    seconds: options.soak,
    growth: final / baseline - 1,
    baseline,
    final,
    max,
    requests,
    errors,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);

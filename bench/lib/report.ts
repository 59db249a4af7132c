/** The table the bench prints, and the targets of issue 8 judged on it. */
import { megabytes } from './rss';
import { type LoadResult, percentile } from './load';
import type { CapturedStatement } from '../scenarios/types';

export interface Row {
  id: string;
  title: string;
  /** Users in the scenario's tenant. */
  users: number;
  connections: number;
  result?: LoadResult;
  rssMax?: number;
  /** CPU time (user + system) of the server per request, when the bench started it. */
  serverCpuMs?: number;
  /** CPU time of every PostgreSQL process per request, when the database runs on this machine. */
  databaseCpuMs?: number;
  /** CPU time of the bench process per request: the load generator, or the raw-SQL client. */
  clientCpuMs?: number;
  /** Why it did not run (not available yet, or failed to prepare). */
  note?: string;
  failed?: boolean;
}

export interface Stats {
  rps: number;
  p50?: number;
  p99?: number;
}

export function stats(result: LoadResult): Stats {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return {
    rps: result.seconds > 0 ? result.requests / result.seconds : 0,
    ...(sorted.length > 0 ? { p50: percentile(sorted, 50), p99: percentile(sorted, 99) } : {}),
  };
}

function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function table(rows: Row[]): string {
  const header = [
    'scenario',
    'users',
    'conc.',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'server RSS',
    'server CPU ms',
    'PG CPU ms',
    'client CPU ms',
  ];
  const lines = rows.map((row) => {
    if (!row.result) {
      return [
        row.title,
        count(row.users),
        String(row.connections),
        (row.note ?? '–').slice(0, 60),
        '',
        '',
        row.failed ? 'failed' : '–',
        '',
        '',
        '',
        '',
      ];
    }
    const s = stats(row.result);
    return [
      row.title,
      count(row.users),
      String(row.connections),
      s.rps.toFixed(s.rps >= 100 ? 0 : 1),
      ms(s.p50),
      ms(s.p99),
      count(row.result.errors),
      megabytes(row.rssMax),
      ms(row.serverCpuMs),
      ms(row.databaseCpuMs),
      ms(row.clientCpuMs),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [render(header), rule, ...lines.map(render)].join('\n');
}

export interface TargetResult {
  name: string;
  ok: boolean | undefined;
  detail: string;
}

export function targetLine(t: TargetResult): string {
  const mark = t.ok === undefined ? 'n/a ' : t.ok ? 'PASS' : 'FAIL';
  return `${mark}  ${t.name}: ${t.detail}`;
}

/** "10-minute", "90-second". */
function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}-minute` : `${seconds}-second`;
}

/** Issue 8's targets (ratios within this run). `undefined` ok: not measured in this run. */
export function judge(
  rows: Row[],
  extra: {
    seqScans: Map<string, string[]>;
    rssLimit: number;
    soak?: {
      seconds: number;
      growth: number;
      baseline: number;
      final: number;
      max: number;
      requests: number;
      errors: number;
    };
  },
): TargetResult[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const p50 = (id: string) => {
    const result = byId.get(id)?.result;
    return result ? stats(result).p50 : undefined;
  };
  const results: TargetResult[] = [];
  const ratio = (name: string, small: string, large: string, limit: number) => {
    const a = p50(small);
    const b = p50(large);
    if (a === undefined || b === undefined) {
      results.push({ name, ok: undefined, detail: `needs ${small} and ${large}` });
      return;
    }
    const scans = [...(extra.seqScans.get(small) ?? []), ...(extra.seqScans.get(large) ?? [])];
    const r = b / a;
    results.push({
      name,
      ok: r <= limit && scans.length === 0,
      detail: `p50 ${ms(b)} ms vs ${ms(a)} ms = ${r.toFixed(2)}× (limit ${limit}×)${scans.length > 0 ? `; plans scan: ${scans.join(', ')}` : '; plans use indexes only'}`,
    });
  };
  ratio(
    'userName lookup p50, large vs small tenant ≤ 1.3×',
    'lookup-username-small',
    'lookup-username-large',
    1.3,
  );
  ratio(
    'email lookup p50, large vs small tenant ≤ 1.3×',
    'lookup-email-small',
    'lookup-email-large',
    1.3,
  );
  ratio(
    'cursor page p50, large vs small tenant ≤ 1.3×',
    'cursor-page-small',
    'cursor-page-large',
    1.3,
  );
  ratio(
    'one-member PATCH p50, big vs small group ≤ 1.5×',
    'patch-group-small',
    'patch-group-big',
    1.5,
  );

  const create = byId.get('scim-create')?.result;
  const sql = byId.get('sql-create')?.result;
  if (create && sql) {
    const fraction = stats(create).rps / stats(sql).rps;
    results.push({
      name: 'SCIM create ≥ 50% of the raw-SQL rate of its statements',
      ok: fraction >= 0.5,
      detail: `${stats(create).rps.toFixed(0)} vs ${stats(sql).rps.toFixed(0)} req/s = ${(fraction * 100).toFixed(0)}%`,
    });
  } else {
    results.push({
      name: 'SCIM create ≥ 50% of the raw-SQL rate of its statements',
      ok: undefined,
      detail: 'needs scim-create and sql-create',
    });
  }

  const rss = rows.map((r) => r.rssMax).filter((v): v is number => v !== undefined);
  const maxRss = Math.max(...rss, extra.soak?.max ?? 0);
  results.push(
    rss.length === 0
      ? { name: 'server RSS ≤ 300 MB throughout', ok: undefined, detail: 'not sampled (BENCH_URL)' }
      : {
          name: 'server RSS ≤ 300 MB throughout',
          ok: maxRss <= extra.rssLimit,
          detail: `max ${megabytes(maxRss)}`,
        },
  );
  if (extra.soak) {
    results.push({
      name: `no RSS growth over a ${duration(extra.soak.seconds)} run (≤ 5%)`,
      ok: extra.soak.growth <= 0.05,
      detail: `${megabytes(extra.soak.baseline)} → ${megabytes(extra.soak.final)} (${(extra.soak.growth * 100).toFixed(1)}%), max ${megabytes(extra.soak.max)}`,
    });
    results.push({
      name: 'zero errors in the long run',
      ok: extra.soak.errors === 0,
      detail: `${count(extra.soak.requests)} requests, ${count(extra.soak.errors)} errors`,
    });
  } else {
    results.push({
      name: 'no RSS growth over a 10-minute run (≤ 5%)',
      ok: undefined,
      detail: 'needs the long run (a full run, or --soak 10m)',
    });
  }

  // The peer's own errors are the peer's: they show in its rows, and judge nothing of ours.
  const ran = rows.filter((r) => r.result && !isPeerRow(r));
  const withErrors = ran.filter((r) => (r.result?.errors ?? 0) > 0 || r.failed);
  const failed = rows.filter((r) => r.failed && !isPeerRow(r));
  results.push({
    name: 'zero errors in every scenario',
    ok: withErrors.length === 0 && failed.length === 0,
    detail:
      withErrors.length === 0 && failed.length === 0
        ? `${ran.length} scenarios, ${count(ran.reduce((n, r) => n + (r.result?.requests ?? 0), 0))} requests`
        : [...withErrors, ...failed]
            .map((r) => `${r.id}: ${r.failed ? 'failed' : count(r.result?.errors ?? 0)}`)
            .join(', '),
  });
  return results;
}

/** A row measuring the peer rather than Rollcall (`peer-<op>-<peer>`). */
function isPeerRow(row: Row): boolean {
  return row.id.startsWith('peer-') && !row.id.endsWith('-rollcall');
}

/** Issue 17's targets against the peer: Rollcall's rate over the peer's, same requests, same run. */
const PEER_TARGETS: { op: string; name: string; least: number }[] = [
  { op: 'create', name: 'create', least: 2 },
  { op: 'lookup', name: 'userName eq lookup', least: 2 },
  { op: 'get', name: 'GET by id', least: 2 },
  { op: 'patch10', name: 'PATCH +10 members', least: 10 },
];

/** An operation's two rows, and Rollcall's rate over the peer's when both ran. */
function peerPair(rows: Row[], op: string, peer: string) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const theirs = byId.get(`peer-${op}-${peer}`);
  const ours = byId.get(`peer-${op}-rollcall`);
  const theirRate = theirs?.result ? stats(theirs.result).rps : 0;
  const ourRate = ours?.result ? stats(ours.result).rps : 0;
  const ratio = ours?.result && theirRate > 0 ? ourRate / theirRate : undefined;
  return { theirs, ours, theirRate, ourRate, ratio };
}

/**
 * The side-by-side table: each operation's rate on the peer and on Rollcall, and the ratio; for
 * the reads, also the floor (bench/peer/floor) and each side's share of it.
 */
export function peerTable(rows: Row[], peer: string, label: string): string[] {
  const ops = [
    ...new Set(rows.filter((r) => r.id.startsWith('peer-')).map((r) => r.id.split('-')[1] ?? '')),
  ];
  if (ops.length === 0) return [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const rate = (row: Row | undefined) => (row?.result ? stats(row.result).rps : undefined);
  const cell = (row: Row | undefined) => {
    if (!row?.result) return row?.note ?? '–';
    const s = stats(row.result);
    const errors = row.result.errors > 0 ? `, ${count(row.result.errors)} errors` : '';
    return `${s.rps.toFixed(s.rps >= 100 ? 0 : 1)} req/s (p50 ${ms(s.p50)} ms, ${ms(row.serverCpuMs)} ms server CPU${errors})`;
  };
  const share = (row: Row | undefined, floor: Row | undefined) => {
    const [a, b] = [rate(row), rate(floor)];
    return a !== undefined && b ? `${((a / b) * 100).toFixed(0)}%` : '–';
  };
  const lines = ops.map((op) => {
    const { theirs, ours, ratio } = peerPair(rows, op, peer);
    const floor = byId.get(`peer-${op}-floor`);
    const shown = ratio === undefined ? '–' : `${ratio.toFixed(2)}×`;
    return `| ${[(ours?.title ?? theirs?.title ?? op).replace(/ — .*$/, ''), cell(theirs), cell(ours), shown, floor ? cell(floor) : '–', floor ? `${share(theirs, floor)} / ${share(ours, floor)}` : '–'].join(' | ')} |`;
  });
  return [
    `Side by side with ${label} (same requests, connections and rounds; ${count(rows.find((r) => r.id.startsWith('peer-'))?.users ?? 0)} users each). The floor: plain node:http and pg, one prepared statement on Rollcall's tables, no authentication, no log (bench/peer/floor/server.js), the most any Node.js service can do here:`,
    '',
    `| operation | ${label} | Rollcall | Rollcall ÷ peer | floor | peer / Rollcall of the floor |`,
    '|---|---:|---:|---:|---:|---:|',
    ...lines,
  ];
}

/** Issue 17's ratios against the peer, when its rows ran. */
export function judgePeer(rows: Row[], peer: string | undefined): TargetResult[] {
  if (!peer) return [];
  return PEER_TARGETS.map(({ op, name, least }) => {
    const { theirRate, ourRate, ratio } = peerPair(rows, op, peer);
    const title = `${name} ≥ ${least}× the peer`;
    if (ratio === undefined) {
      return {
        name: title,
        ok: undefined,
        detail: `needs peer-${op}-${peer} and peer-${op}-rollcall`,
      };
    }
    return {
      name: title,
      ok: ratio >= least,
      detail: `${ourRate.toFixed(0)} vs ${theirRate.toFixed(0)} req/s = ${ratio.toFixed(2)}×`,
    };
  });
}

/** A captured scenario's round trips against its budget (Scenario.budget). */
export interface BudgetRow {
  id: string;
  title: string;
  budget: number;
  statements: CapturedStatement[] | undefined;
}

/** The statement budget per scenario, as a table and as targets. */
export function judgeBudgets(rows: BudgetRow[]): { table: string[]; targets: TargetResult[] } {
  if (rows.length === 0) return { table: [], targets: [] };
  const table = [
    'Statement budget (round trips to PostgreSQL for one request, steady state):',
    '',
    '| scenario | budget | sent | what |',
    '|---|---:|---:|---|',
  ];
  const targets: TargetResult[] = [];
  for (const row of rows) {
    const sent = row.statements?.length;
    const what = (row.statements ?? []).map((s) => statementKind(s.text)).join(' · ');
    table.push(`| ${row.title} (${row.id}) | ${row.budget} | ${sent ?? 'n/a'} | ${what} |`);
    targets.push({
      name: `${row.id} within its statement budget (≤ ${row.budget})`,
      ok: sent === undefined ? undefined : sent <= row.budget,
      detail: sent === undefined ? 'not captured' : `${sent} round trips: ${what}`,
    });
  }
  return { table, targets };
}

/** "SELECT users", "INSERT scim_request_logs", "BEGIN": what a statement is, in two words. */
export function statementKind(text: string): string {
  const sql = text.replace(/\s+/g, ' ').trim();
  const verb = /^(WITH|SELECT|INSERT|UPDATE|DELETE|START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i
    .exec(sql)?.[1]
    ?.toUpperCase();
  if (!verb) return sql.slice(0, 20);
  if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)$/.test(verb)) return verb;
  // WITH u AS (INSERT INTO users …), e AS (INSERT INTO events …) SELECT …: the writes it makes.
  const writes = [...sql.matchAll(/\bAS \((INSERT INTO|UPDATE|DELETE FROM) "?(\w+)/gi)].map(
    (m) => `${(m[1] ?? '').split(' ')[0]?.toUpperCase()} ${m[2]}`,
  );
  if (verb === 'WITH' && writes.length > 0) return writes.join(' + ');
  const table =
    verb === 'INSERT'
      ? /INSERT INTO "?(\w+)/i.exec(sql)?.[1]
      : verb === 'UPDATE'
        ? /UPDATE "?(\w+)/i.exec(sql)?.[1]
        : topLevelFrom(sql);
  return `${verb} ${table ?? ''}`.trim();
}

/** The table after the first FROM outside parentheses (the main query's, not a subquery's). */
function topLevelFrom(sql: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^FROM\s/i.test(sql.slice(i, i + 5)) && /\s/.test(sql[i - 1] ?? ' ')) {
      return /^FROM\s+"?(\w+)/i.exec(sql.slice(i))?.[1];
    }
  }
  return /FROM "?(\w+)/i.exec(sql)?.[1];
}

/**
 * The event targets (docs/events.md and docs/performance.md): SCIM create throughput with the event workers
 * delivering (NATS, webhooks) within 10% of the workers off, and the delivery rows' numbers as
 * reports. `undefined` ok: not measured in this run.
 */
export function judgeEvents(rows: Row[]): TargetResult[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const on = byId.get('events-create-on')?.result;
  const off = byId.get('events-create-off')?.result;
  const name = 'SCIM create with event delivery on ≥ 90% of events off';
  const results: TargetResult[] = [];
  if (on && off && stats(off).rps > 0) {
    const ratio = stats(on).rps / stats(off).rps;
    results.push({
      name,
      ok: ratio >= 0.9,
      detail: `${stats(on).rps.toFixed(0)} vs ${stats(off).rps.toFixed(0)} req/s = ${(ratio * 100).toFixed(0)}%`,
    });
  } else {
    results.push({ name, ok: undefined, detail: 'needs events-create-on and events-create-off' });
  }
  for (const channel of ['nats', 'webhook']) {
    for (const mode of ['idle', 'load']) {
      const row = byId.get(`events-${channel}-${mode}`);
      if (!row?.result) continue;
      const s = stats(row.result);
      results.push({
        name: `every event delivered (${channel}, ${mode})`,
        ok: row.result.errors === 0,
        detail: `${count(row.result.requests)} events at ${s.rps.toFixed(0)}/s; commit→receipt p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms; ${count(row.result.errors)} missing or failed`,
      });
    }
  }
  return results;
}

/**
 * The bench's command line. Every option has a default that makes `npm run bench` the full run the
 * targets are judged on; `npm run bench:smoke` passes tiny sizes.
 */
import { PEERS, type PeerName } from './peer';

export type TargetMode = 'enforce' | 'report';

export interface BenchOptions {
  /** Scenario ids or prefixes to run (empty: all). */
  only: string[];
  /** Scenario ids or prefixes to leave out. */
  skip: string[];
  /** Users in the large tenant (the "1M" one). */
  largeUsers: number;
  /** Users in the small tenant (the "10k" one). */
  smallUsers: number;
  /** Members of the large group (the "100,000" one) in the large tenant. */
  groupSize: number;
  /** Members of the small group (the "10" one). */
  smallGroupSize: number;
  /** HTTP connections (and raw-SQL clients) per scenario unless the scenario says otherwise. */
  connections: number;
  /** Seconds measured per scenario and round. */
  duration: number;
  /** Rounds: every scenario runs once per round, so paired scenarios interleave in time. */
  rounds: number;
  /** Seconds of unrecorded warm-up before a scenario's first round. */
  warmup: number;
  /** Long run: seconds of mixed load watching the server's RSS (0: none). */
  soak: number;
  targets: TargetMode;
  /** Print the EXPLAIN (ANALYZE, BUFFERS) plans of the captured statements. */
  explain: boolean;
  /** Print the statements each captured request sent, in order. */
  statements: boolean;
  /** Write results (table, plans, JSON) into this folder. */
  out?: string;
  /** LOG_LEVEL of the server the bench starts. */
  logLevel: string;
  /** Build the app first when the sources are newer than dist/. */
  build: boolean;
  /** A peer to run the side-by-side scenarios against (installed on demand). */
  peer?: PeerName;
  list: boolean;
  help: boolean;
}

export const DEFAULTS: BenchOptions = {
  only: [],
  skip: [],
  largeUsers: 1_000_000,
  smallUsers: 10_000,
  groupSize: 100_000,
  smallGroupSize: 10,
  connections: 10,
  duration: 3,
  rounds: 3,
  warmup: 1,
  soak: 0,
  targets: 'enforce',
  explain: false,
  statements: false,
  logLevel: 'warn',
  build: true,
  list: false,
  help: false,
};

export const USAGE = `Usage: npm run bench -- [options]

Runs the Rollcall benchmarks against PostgreSQL (DATABASE_URL). Starts the built app on a free port,
or drives BENCH_URL (then ROLLCALL_OPERATOR_TOKEN must be that server's operator token).

  --only a,b           run only these scenarios (ids or id prefixes; see --list)
  --skip a,b           leave these scenarios out
  --users N            users in the large tenant            (default 1000000)
  --small-users N      users in the small tenant            (default 10000)
  --group-size N       members of the large group           (default 100000)
  --small-group N      members of the small group           (default 10)
  --connections N      concurrent connections per scenario  (default 10)
  --duration S         seconds measured per scenario and round (default 3)
  --rounds N           rounds; scenarios interleave across rounds (default 3)
  --warmup S           unrecorded warm-up before a scenario's first round (default 1)
  --soak D             after the scenarios, D of mixed load checking RSS growth (e.g. 10m, 90s,
                       0 for none; default 10m in a full run, none with --only or --skip)
  --targets MODE       enforce (exit 2 when a target is missed) or report (default enforce)
  --explain            print the query plans of the captured statements
  --statements         print the statements each captured request sent, in order
  --out DIR            write table.md, plans.md and results.json into DIR
  --log-level L        LOG_LEVEL of the server the bench starts (default warn)
  --no-build           use dist/ as it is
  --peer NAME          also run the side-by-side scenarios (peer-*) against a peer on the same
                       PostgreSQL (a database of its own): jackson (BoxyHQ SAML Jackson's Directory
                       Sync, installed on demand into bench/peer/jackson)
  --list               list the scenarios and exit
  --help               this text

Exit codes: 0 fine; 1 a scenario had errors or the bench failed; 2 a target was missed (enforce).`;

/** "10m", "90s", "1h", "600" (seconds). */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: "${text}" (e.g. 10m, 90s)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const seconds = { ms: value / 1000, s: value, m: value * 60, h: value * 3600 }[unit];
  if (seconds === undefined) throw new Error(`not a duration: "${text}"`);
  return seconds;
}

function positiveInteger(name: string, text: string | undefined, min = 1): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min) {
    throw new Error(`${name} needs a whole number ≥ ${min} (got "${text ?? ''}")`);
  }
  return value;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The long run of a full run (no --only or --skip): the "10-minute run". */
export const FULL_RUN_SOAK_SECONDS = 600;

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, only: [], skip: [] };
  let soakGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const [flag, inline] = raw.includes('=')
      ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)]
      : [raw, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--only':
        options.only.push(...list(value()));
        break;
      case '--skip':
        options.skip.push(...list(value()));
        break;
      case '--users':
        options.largeUsers = positiveInteger(flag, value(), 100);
        break;
      case '--small-users':
        options.smallUsers = positiveInteger(flag, value(), 100);
        break;
      case '--group-size':
        options.groupSize = positiveInteger(flag, value());
        break;
      case '--small-group':
        options.smallGroupSize = positiveInteger(flag, value());
        break;
      case '--connections':
        options.connections = positiveInteger(flag, value());
        break;
      case '--duration':
        options.duration = parseDuration(value());
        break;
      case '--rounds':
        options.rounds = positiveInteger(flag, value());
        break;
      case '--warmup':
        options.warmup = parseDuration(value());
        break;
      case '--soak':
        options.soak = parseDuration(value());
        soakGiven = true;
        break;
      case '--targets': {
        const mode = value();
        if (mode !== 'enforce' && mode !== 'report') {
          throw new Error(`--targets is enforce or report (got "${mode}")`);
        }
        options.targets = mode;
        break;
      }
      case '--explain':
        options.explain = true;
        break;
      case '--statements':
        options.statements = true;
        break;
      case '--out':
        options.out = value();
        break;
      case '--log-level':
        options.logLevel = value();
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--peer': {
        const peer = value();
        if (!(PEERS as readonly string[]).includes(peer)) {
          throw new Error(`--peer is one of ${PEERS.join(', ')} (got "${peer}")`);
        }
        options.peer = peer as PeerName;
        break;
      }
      case '--list':
        options.list = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option "${raw}" (see --help)`);
    }
  }
  if (!soakGiven && options.only.length === 0 && options.skip.length === 0) {
    options.soak = FULL_RUN_SOAK_SECONDS;
  }
  if (options.groupSize + options.smallGroupSize + 2_000 > options.largeUsers) {
    throw new Error(
      `--users (${options.largeUsers}) must exceed --group-size + --small-group by at least 2000 (users outside both groups are needed)`,
    );
  }
  if (options.smallUsers > options.largeUsers) {
    throw new Error('--small-users cannot exceed --users');
  }
  return options;
}

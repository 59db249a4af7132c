/** Samples the server's resident set size (VmRSS in /proc/<pid>/status) while load runs. */
import { readdirSync, readFileSync } from 'node:fs';

export function readRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process has used, in seconds (/proc/<pid>/stat, clock ticks). */
export function readCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ticks of each PostgreSQL process on this machine, by pid and start time. */
export type PostgresCpu = Map<string, number>;

/**
 * The CPU time (user + system) of every PostgreSQL process on this machine now: the postmaster, its
 * background workers and every backend. Undefined when no `postgres` process is visible.
 */
export function readPostgresCpu(): PostgresCpu | undefined {
  const ticks: PostgresCpu = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (name !== 'postgres') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(used)) ticks.set(`${entry}:${fields[19]}`, used);
  }
  return ticks.size > 0 ? ticks : undefined;
}

/**
 * PostgreSQL's CPU seconds between two readings: what every process alive at the second one used
 * since the first (all of it, for processes started in between). A process that ended in between
 * counts nothing, so keep the backends that do the work connected until the second reading.
 */
export function postgresCpuSecondsBetween(before: PostgresCpu, after: PostgresCpu): number {
  let ticks = 0;
  for (const [key, used] of after) ticks += used - (before.get(key) ?? 0);
  return ticks / 100;
}

/** CPU time this process has used, in seconds. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface RssSample {
  at: number;
  bytes: number;
}

/** Samples every `intervalMs` from start() to stop(); windows give the max over part of the run. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number | undefined,
    private readonly intervalMs = 200,
  ) {}

  get available(): boolean {
    return this.pid !== undefined && readRssBytes(this.pid) !== undefined;
  }

  start(): void {
    if (this.pid === undefined || this.timer) return;
    const pid = this.pid;
    const sample = () => {
      const bytes = readRssBytes(pid);
      if (bytes !== undefined) this.samples.push({ at: Date.now(), bytes });
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The highest RSS sampled between two times (undefined when none was). */
  maxBetween(from: number, to: number): number | undefined {
    let max: number | undefined;
    for (const s of this.samples) {
      if (s.at >= from && s.at <= to && (max === undefined || s.bytes > max)) max = s.bytes;
    }
    return max;
  }

  /** The median RSS sampled between two times. */
  medianBetween(from: number, to: number): number | undefined {
    const values = this.samples
      .filter((s) => s.at >= from && s.at <= to)
      .map((s) => s.bytes)
      .sort((a, b) => a - b);
    return values.length === 0 ? undefined : values[Math.floor(values.length / 2)];
  }

  max(): number | undefined {
    return this.samples.reduce<number | undefined>(
      (max, s) => (max === undefined || s.bytes > max ? s.bytes : max),
      undefined,
    );
  }
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

import pino, { type DestinationStream } from 'pino';
import type { AppConfig, LogFormat, RuntimeEnvironment } from '../config/app-config';

/** The format the lines are actually written in, once `auto` is decided. */
export type ChosenLogFormat = Exclude<LogFormat, 'auto'>;

/**
 * `auto` is pretty for a person at a terminal outside production, JSON everywhere else: in
 * production, and whenever stdout is a file or a pipe (tests, CI, Docker, a log shipper).
 */
export function chooseLogFormat(
  requested: LogFormat,
  env: RuntimeEnvironment,
  stdoutIsTty: boolean,
): ChosenLogFormat {
  if (requested !== 'auto') return requested;
  return stdoutIsTty && env !== 'production' ? 'pretty' : 'json';
}

interface RequestFields {
  id: string;
  method: string;
  path: string;
}

function requestOf(value: unknown): RequestFields | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, method, path } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof method === 'string' && typeof path === 'string'
    ? { id, method, path }
    : undefined;
}

/** Fields pretty lines leave out: noise at a terminal (pid, hostname) or folded into the message. */
export const PRETTY_FOLDED_FIELDS = ['pid', 'hostname', 'context', 'req', 'res', 'responseTime'];

/**
 * The message of a pretty line: `[Context] message`, and for a request's line (requestLogger) its
 * method, path, status, time and request id, e.g.
 * `request completed: GET /api/v1/users 200 in 4 ms (request 3b2f…)`. The error filter's lines keep
 * their `requestId` among the other fields.
 */
export function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const message = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  const request = requestOf(log.req);
  if (!request) return `${context}${message}`;
  const response = log.res as { statusCode?: unknown } | undefined;
  const status = typeof response?.statusCode === 'number' ? ` ${response.statusCode}` : '';
  const time = typeof log.responseTime === 'number' ? ` in ${log.responseTime} ms` : '';
  return `${context}${message}: ${request.method} ${request.path}${status}${time} (request ${request.id})`;
}

/**
 * Where the log's lines go, and where the start-up banner is printed after them. pino writes to
 * stdout asynchronously (sonic-boom); text written to stdout any other way can overtake lines still
 * queued, so the banner goes through the same destination, behind every line logged before it.
 */
export class LogOutput {
  constructor(
    /** What pino writes to. */
    readonly stream: DestinationStream,
    readonly format: ChosenLogFormat,
    private readonly printText: (text: string) => void,
    /** Why the requested format could not be used, for the logger to warn about once. */
    readonly warning?: string,
  ) {}

  /** Plain text for a person (not a log line), after every line logged so far. */
  print(text: string): void {
    this.printText(text);
  }
}

/**
 * pino-pretty's line formatter, or undefined when pino-pretty cannot be loaded: it is a development
 * dependency, absent from a production install (`npm ci --omit=dev`, the Docker image).
 */
async function loadPrettifier(isTty: boolean): Promise<((line: string) => string) | undefined> {
  let pretty: Pick<typeof import('pino-pretty'), 'prettyFactory' | 'isColorSupported'>;
  try {
    pretty = await import('pino-pretty');
  } catch {
    return undefined;
  }
  return pretty.prettyFactory({
    // colorette's answer honours NO_COLOR, FORCE_COLOR and TERM=dumb.
    colorize: isTty && pretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: PRETTY_FOLDED_FIELDS.join(','),
    singleLine: true,
    messageFormat: prettyMessage,
  });
}

/**
 * The output of this process's log: the test's sink when there is one (JSON), else stdout in the
 * chosen format. Pretty lines are formatted in this thread, synchronously, into the same sonic-boom
 * stream as JSON lines would be (no worker transport), so {@link LogOutput.print} stays in order.
 */
export async function createLogOutput(
  config: Pick<AppConfig, 'env' | 'logFormat' | 'logSink'>,
  stdout: { isTTY?: boolean } = process.stdout,
): Promise<LogOutput> {
  if (config.logSink) {
    return new LogOutput(config.logSink, 'json', (text) => void process.stdout.write(text));
  }
  const requested = config.logFormat ?? 'auto';
  const isTty = stdout.isTTY === true;
  const format = chooseLogFormat(requested, config.env, isTty);
  const destination = pino.destination({ dest: 1, sync: false });
  const print = (text: string) => void destination.write(text);
  if (format === 'json') return new LogOutput(destination, 'json', print);
  const prettify = await loadPrettifier(isTty);
  if (!prettify) {
    const warning =
      requested === 'pretty'
        ? 'LOG_FORMAT=pretty needs pino-pretty, a development dependency that is not installed: logging JSON'
        : undefined;
    return new LogOutput(destination, 'json', print, warning);
  }
  const stream = { write: (line: string) => void destination.write(prettify(line)) };
  return new LogOutput(stream, 'pretty', print);
}

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  connect,
  type JetStreamManager,
  type NatsConnection,
  type NatsError,
  StringCodec,
} from 'nats';
import { acquireMachineLock } from '../support/machine-lock';

/** The NATS server the suites publish to (.ci/run makes sure one listens, with JetStream). */
export const NATS_URL = process.env.ROLLCALL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Streams the suites make start with this; leftovers of a crashed run are removed. */
export const TEST_STREAM_PREFIX = 'ROLLCALL_TEST_';
/**
 * JetStream refuses two streams whose subjects overlap, and every Rollcall stream holds
 * `rollcall.>`: the suites that publish take turns on this machine.
 */
const NATS_LOCK = 'nats-rollcall-subjects';

const codec = StringCodec();

/**
 * Whether a NATS server with JetStream answers at NATS_URL: asked synchronously (a child process
 * reads the server's INFO line), so that `describe` can be chosen while jest collects the suites.
 */
function natsProblem(): string | undefined {
  const { hostname, port } = new URL(NATS_URL);
  const probe = `
    const socket = require('node:net').connect(${Number(port || 4222)}, ${JSON.stringify(hostname)});
    let text = '';
    socket.setTimeout(2000, () => { process.stdout.write('timeout'); process.exit(0); });
    socket.on('error', (e) => { process.stdout.write(e.code || e.message); process.exit(0); });
    socket.on('data', (d) => {
      text += d;
      if (text.includes('\\n')) { process.stdout.write(text.split('\\n')[0]); process.exit(0); }
    });`;
  const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 5_000 });
  const line = result.stdout ?? '';
  if (!line.startsWith('INFO ')) return `no NATS server at ${NATS_URL} (${line || 'no answer'})`;
  if (!/"jetstream":\s*true/.test(line)) {
    return `the NATS server at ${NATS_URL} runs without JetStream (start it with -js)`;
  }
  return undefined;
}

/**
 * `describe` for suites that need the NATS server: where none answers, the suite is skipped and
 * says why, in its name and on stderr — unless REQUIRE_NATS is set (CI), where it fails.
 */
export function describeWithNats(name: string, body: () => void): void {
  const problem = natsProblem();
  if (!problem) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_NATS) {
    describe(name, () => {
      it('has a NATS server with JetStream to publish to (REQUIRE_NATS is set)', () => {
        throw new Error(problem);
      });
    });
    return;
  }
  const reason = `skipped: ${problem}; run \`nats-server -js\` (.ci/run starts one)`;
  process.stderr.write(`${name}: ${reason}\n`);
  describe.skip(`${name} (${reason})`, body);
}

/** A message as the stream stored it. */
export interface StoredMessage {
  seq: number;
  subject: string;
  msgId: string | undefined;
  body: Record<string, unknown> & { id: string; type: string; organizationId: string };
}

/** A connection for the suite, the machine's turn on `rollcall.>`, and a fresh stream name. */
export class NatsFixture {
  private constructor(
    readonly connection: NatsConnection,
    readonly manager: JetStreamManager,
    private readonly release: () => void,
  ) {}

  static async open(): Promise<NatsFixture> {
    const release = await acquireMachineLock(NATS_LOCK);
    try {
      const connection = await connect({ servers: NATS_URL.replace(/^nats:\/\//, '') });
      const manager = await connection.jetstreamManager();
      const fixture = new NatsFixture(connection, manager, release);
      await fixture.removeLeftovers();
      return fixture;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A stream name no run used before. */
  newStreamName(): string {
    return `${TEST_STREAM_PREFIX}${randomBytes(5).toString('hex').toUpperCase()}`;
  }

  async streamExists(stream: string): Promise<boolean> {
    try {
      await this.manager.streams.info(stream);
      return true;
    } catch (error) {
      if ((error as NatsError).api_error?.err_code === 10059) return false;
      throw error;
    }
  }

  /** Every message the stream holds, in stream order. */
  async messages(stream: string): Promise<StoredMessage[]> {
    if (!(await this.streamExists(stream))) return [];
    const info = await this.manager.streams.info(stream);
    const out: StoredMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
      const message = await this.manager.streams.getMessage(stream, { seq });
      out.push({
        seq: message.seq,
        subject: message.subject,
        msgId: message.header.get('Nats-Msg-Id') || undefined,
        body: JSON.parse(codec.decode(message.data)) as StoredMessage['body'],
      });
    }
    return out;
  }

  /** The stream's messages of one organization, once at least `count` are there. */
  async waitForMessages(
    stream: string,
    organizationId: string,
    count: number,
    timeoutMs = 20_000,
  ): Promise<StoredMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = (await this.messages(stream)).filter(
        (m) => m.body.organizationId === organizationId,
      );
      if (mine.length >= count) return mine;
      if (Date.now() > deadline) {
        throw new Error(
          `the stream ${stream} holds ${mine.length} of ${count} events of ${organizationId} after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async removeStream(stream: string): Promise<void> {
    if (await this.streamExists(stream)) await this.manager.streams.delete(stream);
  }

  /**
   * Streams of earlier runs that died before removing theirs; and a stream of someone else's on
   * `rollcall.>` (an app run with ROLLCALL_NATS_URL against this server) is an error that says so.
   */
  private async removeLeftovers(): Promise<void> {
    for (const name of await this.manager.streams.names().next()) {
      if (name.startsWith(TEST_STREAM_PREFIX)) await this.manager.streams.delete(name);
    }
    const owner = await this.manager.streams.find('rollcall.probe').catch(() => undefined);
    if (owner) {
      throw new Error(
        `the stream ${owner} on ${NATS_URL} already holds rollcall.>, so the suites' streams cannot: remove it (nats stream rm ${owner}) or point ROLLCALL_TEST_NATS_URL at another server`,
      );
    }
  }

  async close(): Promise<void> {
    try {
      await this.connection.close();
    } finally {
      this.release();
    }
  }
}

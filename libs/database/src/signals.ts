import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  DatabaseSignals,
  driverPool,
  noteStatement,
  SIGNAL_STALENESS_MS,
  type SignalWatch,
} from '@rollcall/common';
import { type EmbeddedPoolBase, isEmbeddedPool } from './embedded-driver';

/** The listening connection's name in pg_stat_activity (and the bench's capture leaves it out). */
export const SIGNALS_APPLICATION_NAME = 'rollcall-signals';
/** How often the listening connection proves it is alive and caught up. */
const HEARTBEAT_MS = 200;
const RECONNECT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;

interface Watcher {
  channel: string;
  onSignal: () => void;
}

/**
 * LISTEN on a PostgreSQL server, over one connection of the instance's own (outside the pool). A
 * heartbeat (`SELECT 1`) every 200 ms proves the connection current: PostgreSQL delivers every
 * notification committed before a statement began ahead of that statement's answer, so once a
 * heartbeat sent at time t has been answered, nothing committed before t is still on its way. A
 * watch is current while the last answered heartbeat was sent within SIGNAL_STALENESS_MS; a lost
 * connection tells every watcher to forget (notifications may have been missed) and is made again.
 */
export class PostgresSignals extends DatabaseSignals implements OnApplicationShutdown {
  private readonly logger = new Logger('DatabaseSignals');
  private readonly watchers = new Set<Watcher>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private beating = false;
  /** performance.now() when the last answered heartbeat was sent. */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly url: string) {
    super();
  }

  watch(channel: string, onSignal: () => void): SignalWatch {
    const watcher = { channel, onSignal };
    this.watchers.add(watcher);
    const client = this.client;
    if (client && !this.connecting) {
      this.listen(client, [channel]).catch((error: unknown) => this.lost(client, error));
    } else this.start();
    return {
      current: () =>
        this.client !== undefined &&
        !this.connecting &&
        performance.now() - this.confirmedAt < SIGNAL_STALENESS_MS,
      stop: () => this.watchers.delete(watcher),
    };
  }

  private start(): void {
    if (this.connecting || this.client || this.stopped) return;
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: SIGNALS_APPLICATION_NAME,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      for (const watcher of this.watchers) {
        if (watcher.channel === message.channel) watcher.onSignal();
      }
    });
    try {
      await client.connect();
      await this.listen(client, [...new Set([...this.watchers].map((w) => w.channel))]);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    this.client = client;
    // Whatever was cached before this connection listened may be stale.
    this.forgetAll();
    this.heartbeat = setInterval(() => this.beat(client), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.beat(client);
  }

  private async listen(client: pg.Client, channels: string[]): Promise<void> {
    for (const channel of channels) {
      const text = `LISTEN "${channel.replace(/"/g, '""')}"`;
      noteStatement(text, []);
      await client.query(text);
    }
  }

  private beat(client: pg.Client): void {
    if (this.beating) return;
    this.beating = true;
    const sent = performance.now();
    noteStatement('SELECT 1', []);
    client
      .query('SELECT 1')
      .then(() => {
        if (this.client === client) this.confirmedAt = Math.max(this.confirmedAt, sent);
      })
      .catch((error: unknown) => this.lost(client, error))
      .finally(() => (this.beating = false));
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client === client) {
      this.client = undefined;
      clearInterval(this.heartbeat);
      this.confirmedAt = Number.NEGATIVE_INFINITY;
      // Notifications may be missed from now until a new connection listens.
      this.forgetAll();
      if (!this.stopped) {
        this.logger.warn(
          { err: error },
          'lost the connection that listens for changes; caches answer from the database until it is back',
        );
      }
    } else if (this.client !== undefined) {
      return; // a late event of a connection already replaced
    }
    client.end().catch(() => undefined);
    if (this.stopped || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      this.start();
    }, RECONNECT_MS);
    this.reconnect.unref();
  }

  private forgetAll(): void {
    for (const watcher of this.watchers) watcher.onSignal();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnect);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * The embedded database: one process, one session, so a notification reaches the listener as the
 * transaction that sent it commits (PGlite calls listeners synchronously); always current.
 */
export class EmbeddedSignals extends DatabaseSignals {
  constructor(private readonly pool: EmbeddedPoolBase) {
    super();
  }

  watch(channel: string, onSignal: () => void): SignalWatch {
    let unlisten: (() => Promise<void>) | undefined;
    let stopped = false;
    // PGlite sends these two statements itself, as written here.
    noteStatement(`LISTEN ${channel}`, []);
    void this.pool.embedded.pglite.listen(channel, onSignal).then((stop) => {
      if (stopped) void stop();
      else unlisten = stop;
    });
    return {
      current: () => unlisten !== undefined,
      stop: () => {
        stopped = true;
        if (unlisten) noteStatement(`UNLISTEN ${channel}`, []);
        void unlisten?.();
      },
    };
  }
}

/** The signals of a data source: PostgreSQL's (at `url`) or the embedded database's. */
export function createSignals(dataSource: DataSource, url: string | undefined): DatabaseSignals {
  const pool = driverPool(dataSource);
  if (isEmbeddedPool(pool)) return new EmbeddedSignals(pool);
  if (!url) throw new Error('DatabaseSignals needs the PostgreSQL URL');
  return new PostgresSignals(url);
}

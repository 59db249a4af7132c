import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig, RoundTimer } from '@rollcall/common';
import { EventLog } from '@rollcall/identity';

/** How often retention runs. */
export const RETENTION_INTERVAL_MS = 15 * 60_000;
/** Events deleted per statement (a big backlog goes in several). */
const PRUNE_BATCH = 5_000;

/**
 * Deletes events older than ROLLCALL_EVENT_RETENTION_DAYS (default 30), a batch at a time, on
 * every instance that runs the event workers (deleting twice is harmless).
 */
@Injectable()
export class EventRetentionWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventRetentionWorker.name);
  private readonly timer = new RoundTimer({
    round: async () => {
      await this.pruneAll();
    },
    intervalMs: RETENTION_INTERVAL_MS,
    logger: this.logger,
    failure: 'event retention failed; retrying at the next round',
  });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly log: EventLog,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.events.workers) this.timer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.timer.stop();
  }

  /** Deletes every event older than the retention period; answers how many went. */
  async pruneAll(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.events.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const deleted = await this.log.prune(before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH || this.timer.stopped) break;
    }
    if (total > 0) this.logger.log({ deleted: total, before }, 'pruned events past retention');
    return total;
  }
}

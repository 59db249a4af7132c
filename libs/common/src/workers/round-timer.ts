import type { Logger } from '@nestjs/common';

export interface RoundTimerOptions {
  /**
   * One round of the worker; answers how long to wait before the next one (undefined: the
   * `intervalMs`).
   */
  round: () => Promise<number | void>;
  /** The wait after a round that answers nothing, and after a failed one. */
  intervalMs: number;
  /** Where a failed round is logged (the worker's own logger, so the line names the worker). */
  logger: Logger;
  /** The message logged, with the error as `err`, when a round fails. */
  failure: string;
  /** Whether a pending timer lets the process exit (default true). */
  unref?: boolean;
}

/**
 * A worker's rounds on a timer, on every instance that starts it: a round at a time, the next one
 * scheduled when the one before it has settled (a failure is logged, and the next round waits the
 * interval). `stop()` clears the pending timer and waits for the round in progress; the rounds
 * read `stopped` to hand back early.
 */
export class RoundTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private halted = false;

  constructor(private readonly options: RoundTimerOptions) {}

  /** Whether `stop()` was called: a round in progress stops at its next batch. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Schedules the first round `delayMs` from now. */
  start(delayMs = 0): void {
    this.schedule(delayMs);
  }

  /** No round starts after this; answers when the one in progress (if any) has settled. */
  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.halted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.next().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    if (this.options.unref ?? true) this.timer.unref();
  }

  private async next(): Promise<void> {
    const { round, intervalMs, logger, failure } = this.options;
    let wait = intervalMs;
    try {
      wait = (await round()) ?? intervalMs;
    } catch (error) {
      logger.error({ err: error }, failure);
    }
    this.schedule(wait);
  }
}

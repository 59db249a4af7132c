import type { Logger } from '@nestjs/common';
import { RoundTimer } from './round-timer';

/** A timer (interval 1 s) on `round`, counting the rounds and keeping what it logs as errors. */
function timerOn(round: () => Promise<number | void>) {
  const errors: unknown[][] = [];
  const logger = { error: (...args: unknown[]) => errors.push(args) } as unknown as Logger;
  let rounds = 0;
  const timer = new RoundTimer({
    round: () => {
      rounds += 1;
      return round();
    },
    intervalMs: 1_000,
    logger,
    failure: 'the round failed',
  });
  return { timer, errors, rounds: () => rounds };
}

describe('RoundTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a round after the start delay, then after the interval or the delay a round answers', async () => {
    const answers: (number | undefined)[] = [0, undefined, undefined];
    const { timer, rounds } = timerOn(() => Promise.resolve(answers.shift()));
    timer.start(500);
    await jest.advanceTimersByTimeAsync(499);
    expect(rounds()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(1);
    // The first round answered 0: the next one runs at once (a timer of 0 fires within 1 ms).
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(2);
    // The second answered nothing: the interval.
    await jest.advanceTimersByTimeAsync(998);
    expect(rounds()).toBe(2);
    await jest.advanceTimersByTimeAsync(2);
    expect(rounds()).toBe(3);
    await timer.stop();
  });

  it('logs a failed round and runs the next one after the interval', async () => {
    const { timer, errors, rounds } = timerOn(() => Promise.reject(new Error('boom')));
    timer.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(1);
    expect(errors).toEqual([[{ err: new Error('boom') }, 'the round failed']]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(rounds()).toBe(2);
    await timer.stop();
  });

  it('stop() waits for the round in progress, which sees `stopped`, and schedules no other', async () => {
    let finish: () => void = () => undefined;
    let sawStopped: boolean | undefined;
    const { timer, rounds } = timerOn(async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      sawStopped = timer.stopped;
    });
    timer.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(1);
    let stopped = false;
    const stopping = timer.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(sawStopped).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(rounds()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stop() before the first round runs none', async () => {
    const { timer, rounds } = timerOn(() => Promise.resolve());
    timer.start(100);
    await timer.stop();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(rounds()).toBe(0);
  });
});

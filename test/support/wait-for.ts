/** A value that counts as "the condition holds". */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export interface WaitForOptions {
  /** Only bounds a failure: the wait ends as soon as the condition holds. */
  timeoutMs?: number;
  /** Pause between two checks. */
  intervalMs?: number;
  /** What is awaited, for the failure message (a function: read when the wait fails). */
  what?: string | (() => string);
}

/**
 * Checks `condition` until it returns a truthy value, and resolves with that value at once. Fails
 * (with the last value seen) only if it still does not hold after `timeoutMs`, so a slow machine
 * makes the test slower, never red.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 30_000, intervalMs = 20, what = 'the condition' }: WaitForOptions = {},
): Promise<Truthy<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as Truthy<Awaited<T>>;
    if (Date.now() > deadline) {
      const described = typeof what === 'function' ? what() : what;
      throw new Error(`${described} did not hold within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

import { DomainError } from '@rollcall/common';

/** Runs `run` and returns the DomainError it throws; fails the test when it throws nothing or else. */
export function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

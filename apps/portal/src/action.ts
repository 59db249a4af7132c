import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { describeProblem } from './format';

/** What went wrong, in the words the admin reads: the API's problem explained, or the error. */
export function messageOf(caught: unknown): string {
  return caught instanceof ApiError ? describeProblem(caught.problem) : String(caught);
}

/**
 * A form's or button's request: `busy` while it runs (so the control is disabled), and its failure
 * in words in `error`. `setError` reports what the form itself refuses before sending anything.
 */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, run };
}

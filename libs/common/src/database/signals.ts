/**
 * PostgreSQL's LISTEN/NOTIFY, for caches that must not outlive a change made on another instance.
 * libs/database provides the implementation (a connection of its own on a PostgreSQL server; the
 * embedded database's session in-process); this class is its injection token and its contract.
 */
export abstract class DatabaseSignals {
  /**
   * Calls `onSignal` for every notification on `channel`, and also whenever notifications may have
   * been missed (the listening connection was lost or re-made): either way the watcher forgets
   * what it cached. Answers the watch.
   */
  abstract watch(channel: string, onSignal: () => void): SignalWatch;
}

export interface SignalWatch {
  /**
   * True when every notification committed on the channel more than `DatabaseSignals`' staleness
   * bound ago (under a second) has been delivered; while false (the connection is lost, or too slow
   * to confirm), a cache must not answer from memory.
   */
  current(): boolean;
  stop(): void;
}

/** How stale a watch may be when `current()` says yes: notices committed earlier have arrived. */
export const SIGNAL_STALENESS_MS = 750;

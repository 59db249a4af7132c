import { DatabaseSignals, type SignalWatch } from '@rollcall/common';
import type { CredentialRow } from './scim-integrations.repository';

/** The channel the `scim_integrations_changed` trigger notifies (migration ScimCredentialSignals). */
export const SCIM_CREDENTIALS_CHANNEL = 'rollcall_scim_credentials';
/** More distinct credentials than any deployment has; past it the cache starts over. */
const MAX_ENTRIES = 10_000;

/**
 * The SCIM credentials this instance has read, by credential id, so that a SCIM request costs no
 * statement to authenticate. Kept honest by the database: any change to a credential (rotated,
 * disabled, its organization deleted, its expiry moved) notifies every instance, which forgets them
 * all; and while this instance cannot be sure it has heard every notification committed more than
 * SIGNAL_STALENESS_MS ago (its listening connection is lost or behind), the cache answers nothing
 * and every request reads the database, as without a cache. Unknown credentials are never cached.
 *
 * A read that started before a change and ends after it must not put the old row back: every
 * signal starts a new generation, and a row read in an older one is dropped.
 */
export class ScimCredentialCache {
  private readonly entries = new Map<string, CredentialRow>();
  private readonly watch: SignalWatch;
  private generation = 0;

  constructor(signals: DatabaseSignals) {
    this.watch = signals.watch(SCIM_CREDENTIALS_CHANNEL, () => this.forget());
  }

  /**
   * Forgets every row and starts a new generation. The signal does it on every instance; the
   * instance that made a change also does it as soon as the change commits, so that its own next
   * request never waits for the notification to come back.
   */
  forget(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** The cached row, when the cache may answer; and the generation to store a fresh read under. */
  lookup(credentialId: string): { row: CredentialRow | undefined; generation: number } {
    const row = this.watch.current() ? this.entries.get(credentialId) : undefined;
    return { row, generation: this.generation };
  }

  /** Keeps a row read from the database in generation `generation`, unless a change came since. */
  remember(credentialId: string, row: CredentialRow, generation: number): void {
    if (generation !== this.generation || !this.watch.current()) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(credentialId, row);
  }

  stop(): void {
    this.watch.stop();
  }
}

import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '@rollcall/common';
import { type PersonalDataHolder, PersonalDataHolders, type UserErasure } from '@rollcall/identity';
import { ScimRequestLogsRepository } from './scim-request-logs.repository';

export type ProvisioningOutcome = 'success' | 'failure';

export interface ProvisioningLogEntry {
  id: string;
  occurredAt: Date;
  requestId: string | null;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  status: number;
  outcome: ProvisioningOutcome;
  scimType: string | null;
  detail: string | null;
  reason: string | null;
  durationMs: number;
}

export type NewProvisioningLogEntry = Omit<ProvisioningLogEntry, 'id'> & { organizationId: string };

export interface ProvisioningLogQuery {
  limit: number;
  cursor?: string;
  from?: Date;
  to?: Date;
  outcome?: ProvisioningOutcome;
  resourceType?: string;
  resourceId?: string;
  method?: string;
}

/** How long a recorded entry may wait for others to share its INSERT. */
const BATCH_DELAY_MS = 20;
/** Entries per INSERT at most (14 parameters each). */
const MAX_BATCH = 250;

/**
 * Every SCIM request, as admins page through it (SPEC §6). Newest first. Entries are written in the
 * background, in batches: an entry waits at most 20 ms for others to join its multi-row INSERT, so
 * under load one statement records many requests. `flush()` (and shutdown) writes what is waiting.
 */
@Injectable()
export class ProvisioningLogService
  implements OnModuleInit, OnApplicationShutdown, PersonalDataHolder
{
  private readonly logger = new Logger(ProvisioningLogService.name);
  private readonly pending = new Set<Promise<void>>();
  private queued: NewProvisioningLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logs: ScimRequestLogsRepository,
    private readonly personalData: PersonalDataHolders,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this);
  }

  /** Records an entry in the background; failures are logged, never surfaced to the IdP. */
  record(entry: NewProvisioningLogEntry): void {
    this.queued.push(entry);
    if (this.queued.length >= MAX_BATCH) this.writeQueued();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.writeQueued(), BATCH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes the entries waiting for company now, without waiting for the write. */
  private writeQueued(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    const write = this.insert(batch).finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /**
   * One multi-row INSERT; should it fail (an entry PostgreSQL refuses), the entries are written one
   * by one so that one bad entry does not cost the others theirs.
   */
  private async insert(batch: NewProvisioningLogEntry[]): Promise<void> {
    try {
      await this.logs.insertMany(batch);
    } catch (error) {
      if (batch.length === 1) {
        this.logger.warn({ err: error }, 'could not record a SCIM request');
        return;
      }
      for (const entry of batch) await this.insert([entry]);
    }
  }

  /** Writes the waiting entries and waits for every write in flight (tests, and shutdown). */
  async flush(): Promise<void> {
    this.writeQueued();
    await Promise.all([...this.pending]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Before an anonymization's transaction: on the embedded database a pending write would wait for its connection. */
  beforeErasure(): Promise<void> {
    return this.flush();
  }

  /**
   * Anonymization: entries of the user, and entries without an id that carried its userName (e.g.
   * refused creates), lose the userName, in the caller's transaction (after `beforeErasure`).
   */
  async eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void> {
    await this.logs.eraseUser(erasure, manager);
  }

  async list(
    organizationId: string,
    query: ProvisioningLogQuery,
  ): Promise<Page<ProvisioningLogEntry>> {
    const rows = await this.logs.list(
      organizationId,
      query,
      decodeCursor(query.cursor),
      query.limit + 1,
    );
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      data: items.map(({ organizationId: _org, organization: _o, ...entry }) => entry),
      nextCursor: more && last ? encodeCursor({ createdAt: last.occurredAt, id: last.id }) : null,
    };
  }
}

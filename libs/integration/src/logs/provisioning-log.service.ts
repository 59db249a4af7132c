import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  decodeCursor,
  encodeCursor,
  escapeRegExp,
  type Page,
  runStatement,
} from '@rollcall/common';
import { ScimRequestLogEntity } from './scim-request-log.entity';

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
/** Entries per INSERT at most (13 parameters each). */
const MAX_BATCH = 250;
const COLUMNS = 13;

/**
 * Every SCIM request, as admins page through it (SPEC §6). Newest first. Entries are written in the
 * background, in batches: an entry waits at most 20 ms for others to join its multi-row INSERT, so
 * under load one statement records many requests. `flush()` (and shutdown) writes what is waiting.
 */
@Injectable()
export class ProvisioningLogService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProvisioningLogService.name);
  private readonly pending = new Set<Promise<void>>();
  private queued: NewProvisioningLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
      await runStatement(
        this.dataSource,
        insertStatement(batch.length),
        batch.flatMap(entryParameters),
      );
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

  /**
   * Anonymization: entries of the user, and entries without an id that carried its userName (e.g.
   * refused creates), lose the userName, in the caller's transaction. (Call `flush()` before that
   * transaction: on the embedded database a pending write would wait for its connection.)
   */
  async eraseUser(
    erasure: { organizationId: string; userId: string; oldUserName: string; placeholder: string },
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE scim_request_logs
       SET user_name = $4::text, detail = regexp_replace(detail, $5::text, $4::text, 'gi')
       WHERE organization_id = $1
         AND (resource_id = $2 OR (resource_id IS NULL AND lower(user_name) = lower($3::text)))`,
      [
        erasure.organizationId,
        erasure.userId,
        erasure.oldUserName,
        erasure.placeholder,
        escapeRegExp(erasure.oldUserName),
      ],
    );
  }

  async list(
    organizationId: string,
    query: ProvisioningLogQuery,
  ): Promise<Page<ProvisioningLogEntry>> {
    const q = this.dataSource
      .getRepository(ScimRequestLogEntity)
      .createQueryBuilder('l')
      .where('l.organization_id = :organizationId', { organizationId })
      .orderBy('l.occurred_at', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .limit(query.limit + 1);
    const after = decodeCursor(query.cursor);
    if (after)
      q.andWhere('(l.occurred_at, l.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    if (query.from) q.andWhere('l.occurred_at >= :from', { from: query.from });
    if (query.to) q.andWhere('l.occurred_at < :to', { to: query.to });
    if (query.outcome) q.andWhere('l.outcome = :outcome', { outcome: query.outcome });
    if (query.resourceType) q.andWhere('l.resource_type = :type', { type: query.resourceType });
    if (query.resourceId) q.andWhere('l.resource_id = :rid', { rid: query.resourceId });
    if (query.method) q.andWhere('l.method = :method', { method: query.method });
    const rows = await q.getMany();
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      data: items.map(({ organizationId: _org, organization: _o, ...entry }) => entry),
      nextCursor: more && last ? encodeCursor({ createdAt: last.occurredAt, id: last.id }) : null,
    };
  }
}

function insertStatement(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) => {
    const first = row * COLUMNS;
    return `(${Array.from({ length: COLUMNS }, (_, column) => `$${first + column + 1}`).join(', ')})`;
  });
  return `INSERT INTO scim_request_logs (organization_id, occurred_at, request_id, method, path,
    resource_type, resource_id, user_name, status, outcome, scim_type, detail, duration_ms)
    VALUES ${values.join(', ')}`;
}

function entryParameters(entry: NewProvisioningLogEntry): unknown[] {
  return [
    entry.organizationId,
    entry.occurredAt,
    entry.requestId,
    entry.method,
    entry.path,
    entry.resourceType,
    entry.resourceId,
    entry.userName,
    entry.status,
    entry.outcome,
    entry.scimType,
    entry.detail,
    entry.durationMs,
  ];
}

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '@rollcall/common';
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

/** Every SCIM request, as admins page through it (SPEC §6). Newest first. */
@Injectable()
export class ProvisioningLogService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProvisioningLogService.name);
  private readonly pending = new Set<Promise<void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records an entry in the background; failures are logged, never surfaced to the IdP. */
  record(entry: NewProvisioningLogEntry): void {
    const write = this.dataSource
      .getRepository(ScimRequestLogEntity)
      .insert(entry)
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error }, 'could not record a SCIM request'),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for entries still being written (tests, and shutdown). */
  async flush(): Promise<void> {
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
        erasure.oldUserName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
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

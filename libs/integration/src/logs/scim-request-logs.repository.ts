import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Cursor, escapeRegExp, newestFirst, runStatement } from '@rollcall/common';
import type { UserErasure } from '@rollcall/identity';
import type { NewProvisioningLogEntry, ProvisioningLogQuery } from './provisioning-log.service';
import { ScimRequestLogEntity } from './scim-request-log.entity';

/** Parameters per row of the multi-row INSERT. */
const COLUMNS = 14;

/**
 * The `scim_request_logs` table: one row per SCIM request. Rows are written in batches (one
 * multi-row INSERT per batch), read newest first in keyset pages, and anonymized with their user.
 * One round trip per method.
 */
@Injectable()
export class ScimRequestLogsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the entries in one multi-row INSERT (all or none). */
  async insertMany(entries: NewProvisioningLogEntry[]): Promise<void> {
    await runStatement(
      this.dataSource,
      insertStatement(entries.length),
      entries.flatMap(entryParameters),
    );
  }

  /**
   * Anonymization: entries of the user, and entries without an id that carried its userName (e.g.
   * refused creates), get the placeholder as userName and in their detail, in the caller's
   * transaction.
   */
  async eraseUser(erasure: UserErasure, manager: EntityManager): Promise<void> {
    await runStatement(
      manager,
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

  /**
   * Up to `limit` of the organization's entries matching the filters, newest first, after the
   * `after` position (occurred_at, id).
   */
  list(
    organizationId: string,
    query: Omit<ProvisioningLogQuery, 'cursor'>,
    after: Cursor | undefined,
    limit: number,
  ): Promise<ScimRequestLogEntity[]> {
    const q = newestFirst(
      this.dataSource
        .getRepository(ScimRequestLogEntity)
        .createQueryBuilder('l')
        .where('l.organization_id = :organizationId', { organizationId }),
      'l.occurred_at',
      after,
      limit,
    );
    if (query.from) q.andWhere('l.occurred_at >= :from', { from: query.from });
    if (query.to) q.andWhere('l.occurred_at < :to', { to: query.to });
    if (query.outcome) q.andWhere('l.outcome = :outcome', { outcome: query.outcome });
    if (query.resourceType) q.andWhere('l.resource_type = :type', { type: query.resourceType });
    if (query.resourceId) q.andWhere('l.resource_id = :rid', { rid: query.resourceId });
    if (query.method) q.andWhere('l.method = :method', { method: query.method });
    return q.getMany();
  }
}

function insertStatement(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) => {
    const first = row * COLUMNS;
    return `(${Array.from({ length: COLUMNS }, (_, column) => `$${first + column + 1}`).join(', ')})`;
  });
  return `INSERT INTO scim_request_logs (organization_id, occurred_at, request_id, method, path,
    resource_type, resource_id, user_name, status, outcome, scim_type, detail, reason, duration_ms)
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
    entry.reason,
    entry.durationMs,
  ];
}

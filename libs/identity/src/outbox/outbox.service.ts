import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OutboxKind } from './outbox-message.entity';

/** A message a worker has claimed: nobody else may send it until its lease runs out. */
export interface ClaimedMessage {
  id: string;
  organizationId: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
  /** Attempts including this one; also the fencing token for the outcome updates below. */
  attempts: number;
}

export interface OutboxBacklog {
  /** Waiting to be sent (including those waiting for a retry). */
  pending: number;
  /** Given up after the maximum number of attempts. */
  failed: number;
  /** Age of the oldest pending message, 0 when none. */
  oldestPendingSeconds: number;
}

interface ClaimedRow {
  id: string;
  organization_id: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * The email outbox as its worker sees it. Claiming is one statement (`FOR UPDATE SKIP LOCKED` plus a
 * lease on `available_at`), so any number of API instances can drain the table without sending a
 * message twice; the outcome updates only apply while the claim (its `attempts`) is still current.
 */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queues one message per admin of the organization (active, provisioned or pending, with an email). */
  async enqueueForAdmins(
    organizationId: string,
    kind: OutboxKind,
    payload: Record<string, unknown>,
    manager: EntityManager,
  ): Promise<number> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO outbox_messages (organization_id, kind, recipient, payload)
       SELECT organization_id, $2, primary_email, $3::jsonb FROM users
       WHERE organization_id = $1 AND role = 'admin' AND primary_email IS NOT NULL
         AND status IN ('active', 'provisioned', 'pending')
       RETURNING id`,
      [organizationId, kind, JSON.stringify(payload)],
    );
    return rows.length;
  }

  /** Claims up to `limit` due messages for `leaseMs`, counting the attempt. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const [rows] = await this.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE outbox_messages SET attempts = attempts + 1,
         available_at = now() + $2 * interval '1 millisecond'
       WHERE id IN (
         SELECT id FROM outbox_messages
         WHERE sent_at IS NULL AND failed_at IS NULL AND available_at <= now()
         ORDER BY available_at LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING id, organization_id, kind, recipient, payload, attempts`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      kind: row.kind,
      recipient: row.recipient,
      payload: row.payload,
      attempts: row.attempts,
    }));
  }

  /** Done: delivered, or (with a note) deliberately not sent. */
  async markSent(message: ClaimedMessage, note: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox_messages SET sent_at = now(), last_error = $3
       WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts, note],
    );
  }

  /** Hands a claimed message back untried (shutting down, or too little of the claim left). */
  async release(message: ClaimedMessage): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox_messages SET attempts = attempts - 1, available_at = now()
       WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts],
    );
  }

  /** A failed attempt: retry after `retryInMs`, or give up for good when it is null. */
  async markAttemptFailed(
    message: ClaimedMessage,
    error: string,
    retryInMs: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      retryInMs === null
        ? `UPDATE outbox_messages SET failed_at = now(), last_error = $3
           WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`
        : `UPDATE outbox_messages SET available_at = now() + $4 * interval '1 millisecond', last_error = $3
           WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      retryInMs === null
        ? [message.id, message.attempts, error.slice(0, 2000)]
        : [message.id, message.attempts, error.slice(0, 2000), retryInMs],
    );
  }

  async backlog(): Promise<OutboxBacklog> {
    const [row] = await this.dataSource.query<
      { pending: number; failed: number; oldest: number }[]
    >(
      `SELECT
         (SELECT count(*)::int FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL) AS pending,
         (SELECT count(*)::int FROM outbox_messages WHERE failed_at IS NOT NULL) AS failed,
         (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
            FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL) AS oldest`,
    );
    return {
      pending: row?.pending ?? 0,
      failed: row?.failed ?? 0,
      oldestPendingSeconds: row?.oldest ?? 0,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import { OutboxMessageEntity, type OutboxKind } from './outbox-message.entity';

export interface NewOutboxMessage {
  organizationId: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
}

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
 * The `outbox_messages` table. Messages are queued inside the transaction of the change that causes
 * them; the worker's statements (claim, outcomes, backlog) each run on their own. Claiming is one
 * statement (`FOR UPDATE SKIP LOCKED` plus a lease on `available_at`), and every outcome update
 * applies only while the claim (its `attempts`) is still current. One round trip per method.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queues a message in the caller's transaction. */
  async enqueue(message: NewOutboxMessage, manager: EntityManager): Promise<void> {
    const repo = manager.getRepository(OutboxMessageEntity);
    await repo.save(
      repo.create({ ...message, attempts: 0, sentAt: null, failedAt: null, lastError: null }),
    );
  }

  /**
   * Queues one message per admin of the organization (active, provisioned or pending, with an
   * email) in the caller's transaction; answers how many were queued.
   */
  async enqueueForAdmins(
    organizationId: string,
    kind: OutboxKind,
    payload: Record<string, unknown>,
    manager: EntityManager,
  ): Promise<number> {
    const rows = await runStatement(
      manager,
      `INSERT INTO outbox_messages (organization_id, kind, recipient, payload)
       SELECT organization_id, $2, primary_email, $3::jsonb FROM users
       WHERE organization_id = $1 AND role = 'admin' AND primary_email IS NOT NULL
         AND status IN ('active', 'provisioned', 'pending')
       RETURNING id`,
      [organizationId, kind, JSON.stringify(payload)],
    );
    return rows.length;
  }

  /**
   * Erases a user's address from its messages (those about it, and those sent to one of its
   * addresses): unsent ones are dropped (there is no one to send them to any more), sent ones keep
   * only the kind, the time and the user's id. Two statements, in the caller's transaction.
   */
  async eraseRecipient(
    organizationId: string,
    userId: string,
    addresses: string[],
    placeholder: string,
    manager: EntityManager,
  ): Promise<void> {
    const mine = `organization_id = $1 AND (payload->>'userId' = $2::text OR lower(recipient) = ANY($3::text[]))`;
    const lowered = addresses.map((a) => a.toLowerCase());
    await runStatement(manager, `DELETE FROM outbox_messages WHERE ${mine} AND sent_at IS NULL`, [
      organizationId,
      userId,
      lowered,
    ]);
    await runStatement(
      manager,
      `UPDATE outbox_messages SET recipient = $4, payload = jsonb_build_object('userId', $2::text)
       WHERE ${mine}`,
      [organizationId, userId, lowered, placeholder],
    );
  }

  /**
   * Claims up to `limit` due messages (oldest due first) for `leaseMs`, counting the attempt; rows
   * another worker has locked are skipped, not waited for.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const rows = await runStatement<ClaimedRow>(
      this.dataSource,
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

  /** Records the message as done (`note`: why it was deliberately not sent, else null). */
  async markSent(message: ClaimedMessage, note: string | null): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE outbox_messages SET sent_at = now(), last_error = $3
       WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts, note],
    );
  }

  /** Hands the message back untried: the attempt is not counted and it is due again now. */
  async release(message: ClaimedMessage): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE outbox_messages SET attempts = attempts - 1, available_at = now()
       WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts],
    );
  }

  /** Records a failed attempt and gives the message up for good. */
  async markFailed(message: ClaimedMessage, error: string): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE outbox_messages SET failed_at = now(), last_error = $3
           WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts, error],
    );
  }

  /** Records a failed attempt; the message is due again in `retryInMs`. */
  async scheduleRetry(message: ClaimedMessage, error: string, retryInMs: number): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE outbox_messages SET available_at = now() + $4 * interval '1 millisecond', last_error = $3
           WHERE id = $1 AND attempts = $2 AND sent_at IS NULL AND failed_at IS NULL`,
      [message.id, message.attempts, error, retryInMs],
    );
  }

  /** The backlog in one statement: pending and failed messages, and the oldest pending one's age. */
  async backlog(): Promise<OutboxBacklog> {
    const row = await runStatementForOne<{ pending: number; failed: number; oldest: number }>(
      this.dataSource,
      `SELECT
         (SELECT count(*)::int FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL) AS pending,
         (SELECT count(*)::int FROM outbox_messages WHERE failed_at IS NOT NULL) AS failed,
         (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
            FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL) AS oldest`,
      [],
    );
    return {
      pending: row?.pending ?? 0,
      failed: row?.failed ?? 0,
      oldestPendingSeconds: row?.oldest ?? 0,
    };
  }
}

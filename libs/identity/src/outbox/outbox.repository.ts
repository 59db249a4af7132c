import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxMessageEntity, type OutboxKind } from './outbox-message.entity';

export interface NewOutboxMessage {
  organizationId: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  /** Queues a message in the caller's transaction. */
  async enqueue(message: NewOutboxMessage, manager: EntityManager): Promise<void> {
    const repo = manager.getRepository(OutboxMessageEntity);
    await repo.save(
      repo.create({ ...message, attempts: 0, sentAt: null, failedAt: null, lastError: null }),
    );
  }

  /**
   * Erases a user's address from its messages (those about it, and those sent to one of its
   * addresses): unsent ones are dropped (there is no one to send them to any more), sent ones keep
   * only the kind, the time and the user's id.
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
    await manager.query(`DELETE FROM outbox_messages WHERE ${mine} AND sent_at IS NULL`, [
      organizationId,
      userId,
      lowered,
    ]);
    await manager.query(
      `UPDATE outbox_messages SET recipient = $4, payload = jsonb_build_object('userId', $2::text)
       WHERE ${mine}`,
      [organizationId, userId, lowered, placeholder],
    );
  }
}

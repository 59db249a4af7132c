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
    await repo.save(repo.create({ ...message, attempts: 0, sentAt: null, lastError: null }));
  }
}

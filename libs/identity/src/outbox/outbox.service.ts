import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxKind } from './outbox-message.entity';
import { OutboxRepository, type ClaimedMessage, type OutboxBacklog } from './outbox.repository';

export type { ClaimedMessage, OutboxBacklog } from './outbox.repository';

/** How much of a delivery error is kept on the message. */
const MAX_ERROR_LENGTH = 2000;

/**
 * The email outbox as its worker sees it. Claims are leases (rows locked with SKIP LOCKED by the
 * repository), so any number of API instances can drain the table without sending a message twice;
 * the outcome updates only apply while the claim (its `attempts`) is still current.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly messages: OutboxRepository) {}

  /** Queues one message per admin of the organization (active, provisioned or pending, with an email). */
  enqueueForAdmins(
    organizationId: string,
    kind: OutboxKind,
    payload: Record<string, unknown>,
    manager: EntityManager,
  ): Promise<number> {
    return this.messages.enqueueForAdmins(organizationId, kind, payload, manager);
  }

  /** Claims up to `limit` due messages for `leaseMs`, counting the attempt. */
  claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    return this.messages.claim(limit, leaseMs);
  }

  /** Done: delivered, or (with a note) deliberately not sent. */
  markSent(message: ClaimedMessage, note: string | null = null): Promise<void> {
    return this.messages.markSent(message, note);
  }

  /** Hands a claimed message back untried (shutting down, or too little of the claim left). */
  release(message: ClaimedMessage): Promise<void> {
    return this.messages.release(message);
  }

  /** A failed attempt: retry after `retryInMs`, or give up for good when it is null. */
  markAttemptFailed(
    message: ClaimedMessage,
    error: string,
    retryInMs: number | null,
  ): Promise<void> {
    const kept = error.slice(0, MAX_ERROR_LENGTH);
    return retryInMs === null
      ? this.messages.markFailed(message, kept)
      : this.messages.scheduleRetry(message, kept, retryInMs);
  }

  backlog(): Promise<OutboxBacklog> {
    return this.messages.backlog();
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@rollcall/common';
import {
  type Actor,
  cursorBefore,
  type EventCursor,
  LOG_START,
  type NewEvent,
  type SubjectType,
} from './event.model';
import { type EventPage, type EventQuery, EventsRepository } from './events.repository';

export type { EventPage, EventQuery } from './events.repository';

/**
 * The event log as the rest of the application sees it: the integration and SSO settings record
 * their changes' events in their transactions; readers (the events API, webhook and broker
 * delivery) follow cursors through it; retention prunes it. User and group events are written
 * by the lifecycle services of this module.
 */
@Injectable()
export class EventLog {
  constructor(private readonly events: EventsRepository) {}

  /** Records events about a resource whose representation the caller gives, in its transaction. */
  record(
    organizationId: string,
    subject: { type: SubjectType; id: string },
    events: NewEvent[],
    data: Record<string, unknown>,
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    return this.events.append(organizationId, subject, events, data, actor, manager);
  }

  /**
   * Events after a cursor, oldest first. A cursor older than what retention has pruned is refused
   * with 410 `cursor_expired` (events after it may be gone); the start of the log never is.
   */
  async read(query: EventQuery): Promise<EventPage> {
    // The page and the pruned mark come from one statement (one snapshot).
    const page = await this.events.read(query);
    if (cursorBefore(LOG_START, query.after) && cursorBefore(query.after, page.prunedUpTo)) {
      throw new DomainError(
        'cursor_expired',
        'Events after this cursor have been pruned by retention: start again without a cursor (the oldest event kept) or from now.',
      );
    }
    return page;
  }

  /** A cursor at the present: reading from it returns only events that are still to come. */
  now(): Promise<EventCursor> {
    return this.events.now();
  }

  /** Deletes up to `limit` events that occurred before `before`; answers how many went. */
  prune(before: Date, limit: number): Promise<number> {
    return this.events.prune(before, limit);
  }
}

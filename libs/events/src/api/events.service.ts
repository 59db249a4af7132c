import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DatabaseSignals, DomainError, type SignalWatch } from '@rollcall/common';
import {
  decodeEventCursor,
  encodeEventCursor,
  EVENT_TYPES,
  type EventCursor,
  EventLog,
  type EventType,
  LOG_START,
  type StoredEvent,
} from '@rollcall/identity';
import type { EventDto, EventListQueryDto, EventListResponseDto } from './events.dto';

/** The channel the `events` table notifies on every insert (migration EventLog). */
export const EVENTS_CHANNEL = 'rollcall_events';
/** The longest long poll. */
export const MAX_WAIT_MS = 30_000;
/**
 * While waiting, the log is read again at least this often: an event that committed behind an
 * older transaction still running becomes readable when that transaction ends, which notifies
 * nothing.
 */
const RECHECK_MS = 1_000;

/**
 * Wakes whoever waits for new events: on every notification of the `events` table, and (as a
 * fallback for a lost listening connection or the horizon moving) on a timer.
 */
@Injectable()
export class EventWakeups implements OnModuleDestroy {
  private readonly waiters = new Set<() => void>();
  private readonly watch: SignalWatch;

  constructor(signals: DatabaseSignals) {
    this.watch = signals.watch(EVENTS_CHANNEL, () => this.wakeAll());
  }

  /** Resolves on the next notification, or after `ms`, whichever comes first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  onModuleDestroy(): void {
    this.watch.stop();
    this.wakeAll();
  }
}

/** GET /api/v1/events: an organization's events after a cursor, with an optional long poll. */
@Injectable()
export class EventsApiService {
  constructor(
    private readonly log: EventLog,
    private readonly wakeups: EventWakeups,
  ) {}

  async list(organizationId: string, query: EventListQueryDto): Promise<EventListResponseDto> {
    const types = parseTypes(query.types);
    const limit = query.limit ?? 100;
    const waitMs = parseWait(query.wait);
    let after: EventCursor =
      query.after === undefined
        ? LOG_START
        : query.after === 'now'
          ? await this.log.now()
          : decodeEventCursor(query.after);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const page = await this.log.read({
        organizationId,
        after,
        limit,
        ...(types ? { types } : {}),
      });
      after = page.next;
      const left = deadline - Date.now();
      if (page.events.length > 0 || left <= 0) {
        return { data: page.events.map(toEventDto), nextCursor: encodeEventCursor(page.next) };
      }
      await this.wakeups.next(Math.min(left, RECHECK_MS));
    }
  }
}

export function toEventDto(event: StoredEvent): EventDto {
  return {
    id: event.id,
    type: event.type,
    organizationId: event.organizationId,
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actor,
    subject: event.subject,
    details: event.details,
    data: event.data,
    cursor: encodeEventCursor(event.cursor),
  };
}

function parseTypes(text: string | undefined): EventType[] | undefined {
  if (text === undefined) return undefined;
  const types = [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (types.length === 0 || unknown.length > 0) {
    throw new DomainError(
      'validation_failed',
      `types must be a comma-separated list of event types (${unknown.length > 0 ? `unknown: ${unknown.join(', ')}` : 'none given'}).`,
      [{ field: 'types', message: `one or more of ${EVENT_TYPES.join(', ')}` }],
    );
  }
  return types as EventType[];
}

function parseWait(text: string | undefined): number {
  if (text === undefined) return 0;
  const ms = Math.round(Number.parseFloat(text) * 1000);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_WAIT_MS) {
    throw new DomainError('validation_failed', 'wait must be at most 30s.', [
      { field: 'wait', message: 'a duration from 0s to 30s' },
    ]);
  }
  return ms;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import type {
  Actor,
  EventCursor,
  EventType,
  NewEvent,
  StoredEvent,
  SubjectType,
} from './event.model';

/** What a read of the log asks for. */
export interface EventQuery {
  /** One organization's events; all organizations' when absent (the broker's publisher). */
  organizationId?: string;
  after: EventCursor;
  /** Only these types (all when absent); the cursor still moves past the others. */
  types?: readonly EventType[];
  limit: number;
}

/** A page of the log and where the reader is after it. */
export interface EventPage {
  events: StoredEvent[];
  /**
   * Where the next read starts: the last event returned, or (when the page is not full) the
   * horizon, past which no event can still appear before what this read has seen.
   */
  next: EventCursor;
  /** How far retention had pruned when this page was read: events at or before it may be gone. */
  prunedUpTo: EventCursor;
}

interface EventRow {
  position: string;
  tx: string;
  id: string;
  organization_id: string;
  type: EventType;
  occurred_at: Date | string;
  actor: Actor;
  subject_type: SubjectType;
  subject_id: string;
  details: Record<string, unknown>;
  data: Record<string, unknown>;
}

/** Every transaction older than this has finished: its events are all visible, or never will be. */
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';

/**
 * The `events` table (migration EventLog1795428000000): events are appended in the transaction of
 * the change they describe, and read in `(tx, position)` order only below the horizon of finished
 * transactions, so that a reader following its cursor never skips an event that committed late
 * and never sees one twice. User and group events take their representation from the rows in SQL
 * (`rollcall_user_view`, `rollcall_group_view`), as the change left them.
 */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Events about users, each with its user as it is now in this transaction: one statement. */
  async appendForUsers(
    organizationId: string,
    events: (NewEvent & { userId: string })[],
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    if (events.length === 0) return;
    await runStatement(
      manager,
      `INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
       SELECT u.organization_id, e.type, $2::jsonb, 'user', u.id, e.details, rollcall_user_view(u, p)
       FROM unnest($3::uuid[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(user_id, type, details, n)
       JOIN users u ON u.organization_id = $1 AND u.id = e.user_id
       JOIN license_pools p ON p.id = u.license_pool_id AND p.organization_id = u.organization_id
       ORDER BY e.n`,
      [
        organizationId,
        JSON.stringify(actor),
        events.map((e) => e.userId),
        ...typesAndDetails(events),
      ],
    );
  }

  /**
   * Events about groups, each with its group as it is now in this transaction (a group that is
   * gone writes nothing): one statement for any number of groups.
   */
  async appendForGroups(
    organizationId: string,
    events: (NewEvent & { groupId: string })[],
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    if (events.length === 0) return;
    await runStatement(
      manager,
      `INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
       SELECT g.organization_id, e.type, $2::jsonb, 'group', g.id, e.details, rollcall_group_view(g)
       FROM unnest($3::uuid[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(group_id, type, details, n)
       JOIN groups g ON g.organization_id = $1 AND g.id = e.group_id
       ORDER BY e.n`,
      [
        organizationId,
        JSON.stringify(actor),
        events.map((e) => e.groupId),
        ...typesAndDetails(events),
      ],
    );
  }

  /** Events whose representation the caller gives (integration settings, SSO connections). */
  async append(
    organizationId: string,
    subject: { type: SubjectType; id: string },
    events: NewEvent[],
    data: Record<string, unknown>,
    actor: Actor,
    manager: EntityManager,
  ): Promise<void> {
    if (events.length === 0) return;
    await runStatement(
      manager,
      `INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
       SELECT $1, e.type, $3::jsonb, $6, $2, e.details, $7::jsonb
       FROM unnest($4::text[], $5::jsonb[]) WITH ORDINALITY AS e(type, details, n)
       ORDER BY e.n`,
      [
        organizationId,
        subject.id,
        JSON.stringify(actor),
        ...typesAndDetails(events),
        subject.type,
        JSON.stringify(data),
      ],
    );
  }

  /**
   * Events after `query.after`, oldest first, below the horizon, with the retention's pruned mark:
   * one statement.
   */
  async read(query: EventQuery): Promise<EventPage> {
    const params: unknown[] = [query.after.tx, query.after.position, query.limit];
    const conditions = ['(e.tx, e.position) > ($1::xid8, $2::bigint)', `e.tx < h.horizon`];
    if (query.organizationId !== undefined) {
      params.push(query.organizationId);
      conditions.push(`e.organization_id = $${params.length}::uuid`);
    }
    if (query.types !== undefined) {
      params.push(query.types);
      conditions.push(`e.type = ANY($${params.length}::text[])`);
    }
    const rows = await runStatement<
      EventRow & { horizon: string; pruned_tx: string; pruned_position: string }
    >(
      this.dataSource,
      `WITH h AS MATERIALIZED (
         SELECT ${HORIZON} AS horizon, s.pruned_tx, s.pruned_position FROM event_log_state s)
       SELECT h.horizon::text AS horizon, h.pruned_tx::text AS pruned_tx,
              h.pruned_position::text AS pruned_position,
              e.position::text AS position, e.tx::text AS tx, e.id,
              e.organization_id, e.type, e.occurred_at, e.actor, e.subject_type, e.subject_id,
              e.details, e.data
       FROM h LEFT JOIN LATERAL (
         SELECT * FROM events e WHERE ${conditions.join(' AND ')}
         ORDER BY e.tx, e.position LIMIT $3) e ON true
       ORDER BY e.tx, e.position`,
      params,
    );
    const horizon = rows[0]?.horizon;
    const prunedUpTo = {
      tx: rows[0]?.pruned_tx ?? '0',
      position: rows[0]?.pruned_position ?? '0',
    };
    const events = rows.filter((row) => row.id !== null).map(toStoredEvent);
    const last = events.at(-1)?.cursor;
    if (events.length === query.limit && last) return { events, next: last, prunedUpTo };
    // Nothing more below the horizon: the reader may start there (never behind where it was).
    const atHorizon = horizon ? { tx: horizon, position: '0' } : query.after;
    const base = last ?? query.after;
    return {
      events,
      next: BigInt(atHorizon.tx) > BigInt(base.tx) ? atHorizon : base,
      prunedUpTo,
    };
  }

  /** The present: a cursor before every event that can still appear and after all others. */
  async now(): Promise<EventCursor> {
    const row = await runStatementForOne<{ horizon: string }>(
      this.dataSource,
      `SELECT ${HORIZON}::text AS horizon`,
      [],
    );
    return { tx: row?.horizon ?? '0', position: '0' };
  }

  /**
   * Deletes up to `limit` of the oldest events that occurred before `before` and moves the pruned
   * mark past them, in one statement; answers how many went.
   */
  async prune(before: Date, limit: number): Promise<number> {
    const row = await runStatementForOne<{ n: number }>(
      this.dataSource,
      `WITH gone AS (
         DELETE FROM events WHERE (tx, position) IN (
           SELECT tx, position FROM events WHERE occurred_at < $1
           ORDER BY occurred_at LIMIT $2)
         RETURNING tx, position),
       last AS (SELECT tx, position FROM gone ORDER BY tx DESC, position DESC LIMIT 1),
       mark AS (
         UPDATE event_log_state s SET pruned_tx = last.tx, pruned_position = last.position
         FROM last WHERE (last.tx, last.position) > (s.pruned_tx, s.pruned_position)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return row?.n ?? 0;
  }

  /**
   * Takes a user's personal data out of its earlier events (anonymization): the profile fields of
   * their representation become what the anonymized user shows. In the caller's transaction.
   */
  async erasePersonalData(
    organizationId: string,
    userId: string,
    placeholder: string,
    manager: EntityManager,
  ): Promise<void> {
    await runStatement(
      manager,
      `UPDATE events SET data = data || jsonb_build_object(
         'userName', $3::text, 'displayName', NULL, 'givenName', NULL, 'familyName', NULL,
         'email', NULL, 'externalId', NULL)
       WHERE organization_id = $1 AND subject_id = $2 AND subject_type = 'user'`,
      [organizationId, userId, placeholder],
    );
  }
}

function typesAndDetails(events: NewEvent[]): [string[], string[]] {
  return [events.map((e) => e.type), events.map((e) => JSON.stringify(e.details ?? {}))];
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    organizationId: row.organization_id,
    occurredAt: new Date(row.occurred_at),
    actor: row.actor,
    subject: { type: row.subject_type, id: row.subject_id },
    details: row.details,
    data: row.data,
    cursor: { tx: row.tx, position: row.position },
  };
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runStatement, runStatementForOne } from '@rollcall/common';
import type { EventCursor } from '@rollcall/identity';

/**
 * The `event_publishers` table (migration EventPublishers1795432000000): a broker publisher's
 * cursor and its lease. Every lease is on the database's clock, so instances' clocks never matter;
 * every cursor move is fenced by the holder's lease token, so an instance that lost its lease (it
 * stalled past the expiry and another took over) can never move the cursor again.
 */
@Injectable()
export class NatsPublisherRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Makes the publisher's row (at the start of the log) unless it is there. */
  async ensure(name: string): Promise<void> {
    await runStatement(
      this.dataSource,
      `INSERT INTO event_publishers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`,
      [name],
    );
  }

  /**
   * Takes the lease for `leaseMs` when it is free, expired or already `token`'s, and answers the
   * cursor; answers undefined when another instance holds it (or is taking it right now: the row is
   * skipped, never waited for).
   */
  async claim(name: string, token: string, leaseMs: number): Promise<EventCursor | undefined> {
    const row = await runStatementForOne<{ tx: string; position: string }>(
      this.dataSource,
      `UPDATE event_publishers p
       SET lease_token = $2, leased_until = now() + $3 * interval '1 millisecond', updated_at = now()
       FROM (SELECT name FROM event_publishers
             WHERE name = $1
               AND (lease_token IS NULL OR leased_until < now() OR lease_token = $2)
             FOR UPDATE SKIP LOCKED) free
       WHERE p.name = free.name
       RETURNING p.tx::text AS tx, p.position::text AS position`,
      [name, token, leaseMs],
    );
    return row ?? undefined;
  }

  /**
   * Moves the cursor to `cursor` (never backwards) and renews the lease, if `token` still holds
   * it; answers whether it did (false: the lease was lost, stop publishing).
   */
  async advance(
    name: string,
    token: string,
    cursor: EventCursor,
    leaseMs: number,
  ): Promise<boolean> {
    const rows = await runStatement<{ name: string }>(
      this.dataSource,
      `UPDATE event_publishers
       SET tx = CASE WHEN ($3::xid8, $4::bigint) > (tx, position) THEN $3::xid8 ELSE tx END,
           position = CASE WHEN ($3::xid8, $4::bigint) > (tx, position) THEN $4::bigint ELSE position END,
           leased_until = now() + $5 * interval '1 millisecond', updated_at = now()
       WHERE name = $1 AND lease_token = $2
       RETURNING name`,
      [name, token, cursor.tx, cursor.position, leaseMs],
    );
    return rows.length > 0;
  }

  /** Gives the lease up (on shutdown), if `token` still holds it. */
  async release(name: string, token: string): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE event_publishers SET lease_token = NULL, leased_until = NULL, updated_at = now()
       WHERE name = $1 AND lease_token = $2`,
      [name, token],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Cursor, runStatement, runStatementForOne } from '@rollcall/common';
import type { EventCursor, EventType } from '@rollcall/identity';
import type {
  ClaimedEndpoint,
  DisabledReason,
  NewDelivery,
  StoredEndpoint,
  WebhookDelivery,
} from './webhook.model';

interface EndpointRow {
  id: string;
  organization_id: string;
  url: string;
  description: string | null;
  types: EventType[] | null;
  enabled: boolean;
  disabled_reason: DisabledReason | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  secret_rotated_at: Date | string | null;
  cursor_tx: string;
  cursor_position: string;
  version: number;
  consecutive_failures: number;
  first_failure_at: Date | string | null;
  last_error: string | null;
  next_attempt_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  event_tx: string;
  event_position: string;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  http_status: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: Date | string;
}

const ENDPOINT_COLUMNS = `id, organization_id, url, description, types, enabled, disabled_reason,
  secret, previous_secret, previous_secret_expires_at, secret_rotated_at,
  cursor_tx::text AS cursor_tx, cursor_position::text AS cursor_position, version,
  consecutive_failures, first_failure_at, last_error, next_attempt_at, created_at, updated_at`;

/** The previous secret, while its rotation still keeps it signing. */
const PREVIOUS_SECRET = `CASE WHEN previous_secret_expires_at > now() THEN previous_secret END`;

/** Every transaction older than this has finished (as in the events repository). */
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';

/** What changes when an admin edits an endpoint: the fields given, the rest unchanged. */
export interface EndpointChanges {
  url?: string;
  description?: string | null;
  /** null: every type. */
  types?: EventType[] | null;
  enabled?: boolean;
}

/** The outcome of a failed delivery, for the endpoint. */
export interface FailureOutcome {
  /** The endpoint was disabled by this failure (it had failed for the whole retry period). */
  disabled: boolean;
  failingSince: Date;
  consecutiveFailures: number;
}

/**
 * The `webhook_endpoints` and `webhook_deliveries` tables (migration Webhooks1795430000000). Admin
 * changes bump the endpoint's `version` and take the lease back, so that a worker delivering with
 * the old settings stops at its next step; the worker's updates apply only while its lease token and
 * the version it claimed are current (fencing). The claim reads the event log (read only) to pick
 * just the endpoints that have an event waiting below the horizon. One statement per method.
 */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(endpoint: {
    id: string;
    organizationId: string;
    url: string;
    description: string | null;
    types: EventType[] | null;
    enabled: boolean;
    sealedSecret: string;
    cursor: EventCursor;
  }): Promise<StoredEndpoint> {
    const row = await runStatementForOne<EndpointRow>(
      this.dataSource,
      `INSERT INTO webhook_endpoints (id, organization_id, url, description, types, enabled,
         disabled_reason, secret, cursor_tx, cursor_position)
       VALUES ($1, $2, $3, $4, $5::text[], $6, CASE WHEN $6 THEN NULL ELSE 'manual' END, $7,
         $8::xid8, $9::bigint)
       RETURNING ${ENDPOINT_COLUMNS}`,
      [
        endpoint.id,
        endpoint.organizationId,
        endpoint.url,
        endpoint.description,
        endpoint.types,
        endpoint.enabled,
        endpoint.sealedSecret,
        endpoint.cursor.tx,
        endpoint.cursor.position,
      ],
    );
    return toEndpoint(row!);
  }

  async countInOrganization(organizationId: string): Promise<number> {
    const row = await runStatementForOne<{ n: number }>(
      this.dataSource,
      `SELECT count(*)::int AS n FROM webhook_endpoints WHERE organization_id = $1`,
      [organizationId],
    );
    return row?.n ?? 0;
  }

  async listInOrganization(organizationId: string): Promise<StoredEndpoint[]> {
    const rows = await runStatement<EndpointRow>(
      this.dataSource,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE organization_id = $1
       ORDER BY created_at, id`,
      [organizationId],
    );
    return rows.map(toEndpoint);
  }

  async findInOrganization(organizationId: string, id: string): Promise<StoredEndpoint | null> {
    const row = await runStatementForOne<EndpointRow>(
      this.dataSource,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE organization_id = $1 AND id = $2`,
      [organizationId, id],
    );
    return row ? toEndpoint(row) : null;
  }

  /**
   * Applies an admin's changes. Enabling clears the failure state (the endpoint is due at once and
   * has its whole retry period again); disabling marks it disabled by an admin.
   */
  async update(
    organizationId: string,
    id: string,
    changes: EndpointChanges,
  ): Promise<StoredEndpoint | null> {
    const row = await runStatementForOne<EndpointRow>(
      this.dataSource,
      `UPDATE webhook_endpoints SET
         url = COALESCE($3::text, url),
         description = CASE WHEN $4::boolean THEN $5::text ELSE description END,
         types = CASE WHEN $6::boolean THEN $7::text[] ELSE types END,
         enabled = COALESCE($8::boolean, enabled),
         disabled_reason = CASE
           WHEN $8::boolean IS NULL THEN disabled_reason
           WHEN $8::boolean THEN NULL
           WHEN enabled THEN 'manual'
           ELSE disabled_reason END,
         consecutive_failures = CASE WHEN $8::boolean AND NOT enabled THEN 0
           ELSE consecutive_failures END,
         first_failure_at = CASE WHEN $8::boolean AND NOT enabled THEN NULL
           ELSE first_failure_at END,
         last_error = CASE WHEN $8::boolean AND NOT enabled THEN NULL ELSE last_error END,
         next_attempt_at = CASE WHEN $8::boolean AND NOT enabled THEN now()
           ELSE next_attempt_at END,
         version = version + 1, leased_until = NULL, lease_token = NULL, updated_at = now()
       WHERE organization_id = $1 AND id = $2
       RETURNING ${ENDPOINT_COLUMNS}`,
      [
        organizationId,
        id,
        changes.url ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.types !== undefined,
        changes.types ?? null,
        changes.enabled ?? null,
      ],
    );
    return row ? toEndpoint(row) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const rows = await runStatement(
      this.dataSource,
      `DELETE FROM webhook_endpoints WHERE organization_id = $1 AND id = $2 RETURNING id`,
      [organizationId, id],
    );
    return rows.length > 0;
  }

  /** A new secret; the old one keeps signing until `previousExpiresAt` (null: not at all). */
  async rotateSecret(
    organizationId: string,
    id: string,
    sealedSecret: string,
    sealedPrevious: string | null,
    previousExpiresAt: Date | null,
  ): Promise<StoredEndpoint | null> {
    const row = await runStatementForOne<EndpointRow>(
      this.dataSource,
      `UPDATE webhook_endpoints SET secret = $3, previous_secret = $4,
         previous_secret_expires_at = $5, secret_rotated_at = now(), updated_at = now()
       WHERE organization_id = $1 AND id = $2
       RETURNING ${ENDPOINT_COLUMNS}`,
      [organizationId, id, sealedSecret, sealedPrevious, previousExpiresAt],
    );
    return row ? toEndpoint(row) : null;
  }

  /** Replay: delivery goes on after `cursor` (and any worker delivering now stops). */
  async moveCursor(
    organizationId: string,
    id: string,
    cursor: EventCursor,
  ): Promise<StoredEndpoint | null> {
    const row = await runStatementForOne<EndpointRow>(
      this.dataSource,
      `UPDATE webhook_endpoints SET cursor_tx = $3::xid8, cursor_position = $4::bigint,
         version = version + 1, leased_until = NULL, lease_token = NULL, updated_at = now()
       WHERE organization_id = $1 AND id = $2
       RETURNING ${ENDPOINT_COLUMNS}`,
      [organizationId, id, cursor.tx, cursor.position],
    );
    return row ? toEndpoint(row) : null;
  }

  /** Whether any organization has an enabled endpoint (the worker claims nothing otherwise). */
  async anyEnabled(): Promise<boolean> {
    const row = await runStatementForOne<{ any: boolean }>(
      this.dataSource,
      'SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) AS any',
      [],
    );
    return row?.any === true;
  }

  /**
   * Claims up to `limit` enabled, due, unleased endpoints that have an event waiting after their
   * cursor (of their types, below the horizon) for `leaseMs`; endpoints another worker is claiming
   * are skipped, not waited for. Lease-expired endpoints are claimable: their worker died.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedEndpoint[]> {
    const rows = await runStatement<
      Pick<
        EndpointRow,
        | 'id'
        | 'organization_id'
        | 'url'
        | 'types'
        | 'cursor_tx'
        | 'cursor_position'
        | 'secret'
        | 'previous_secret'
        | 'consecutive_failures'
        | 'version'
      > & { lease_token: string }
    >(
      this.dataSource,
      `UPDATE webhook_endpoints SET leased_until = now() + $2 * interval '1 millisecond',
         lease_token = gen_random_uuid()
       WHERE id IN (
         SELECT w.id FROM webhook_endpoints w
         WHERE w.enabled AND w.next_attempt_at <= now()
           AND (w.leased_until IS NULL OR w.leased_until < now())
           AND EXISTS (
             SELECT 1 FROM events e
             WHERE e.organization_id = w.organization_id
               AND (e.tx, e.position) > (w.cursor_tx, w.cursor_position)
               AND e.tx < ${HORIZON}
               AND (w.types IS NULL OR e.type = ANY(w.types)))
         ORDER BY w.next_attempt_at LIMIT $1
         FOR UPDATE OF w SKIP LOCKED)
       RETURNING id, organization_id, url, types, cursor_tx::text AS cursor_tx,
         cursor_position::text AS cursor_position, secret, ${PREVIOUS_SECRET} AS previous_secret,
         consecutive_failures, version, lease_token`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      url: row.url,
      types: row.types,
      cursor: { tx: row.cursor_tx, position: row.cursor_position },
      sealedSecret: row.secret,
      sealedPreviousSecret: row.previous_secret,
      consecutiveFailures: row.consecutive_failures,
      leaseToken: row.lease_token,
      version: row.version,
    }));
  }

  /**
   * After a delivery (or a stretch of events the endpoint does not take): moves the cursor,
   * clears the failure state and extends the lease, only while the claim is current. Answers
   * whether it was.
   */
  async advance(claim: ClaimedEndpoint, cursor: EventCursor, leaseMs: number): Promise<boolean> {
    const rows = await runStatement(
      this.dataSource,
      `UPDATE webhook_endpoints SET cursor_tx = $4::xid8, cursor_position = $5::bigint,
         consecutive_failures = 0, first_failure_at = NULL, last_error = NULL,
         leased_until = now() + $6 * interval '1 millisecond'
       WHERE id = $1 AND lease_token = $2 AND version = $3
         AND (cursor_tx, cursor_position) <= ($4::xid8, $5::bigint)
       RETURNING id`,
      [claim.id, claim.leaseToken, claim.version, cursor.tx, cursor.position, leaseMs],
    );
    return rows.length > 0;
  }

  /**
   * A failed delivery: counts it, schedules the next attempt in `retryInMs`, and disables the
   * endpoint when it has now failed for `disableAfterMs` without a success in between. Gives the
   * lease back. In the caller's transaction (the disabling email goes in the same one); null when
   * the claim is no longer current.
   */
  async recordFailure(
    claim: ClaimedEndpoint,
    error: string,
    retryInMs: number,
    disableAfterMs: number,
    manager: EntityManager,
  ): Promise<FailureOutcome | null> {
    const row = await runStatementForOne<{
      disabled: boolean;
      first_failure_at: Date | string;
      consecutive_failures: number;
    }>(
      manager,
      `UPDATE webhook_endpoints w SET
         consecutive_failures = w.consecutive_failures + 1,
         first_failure_at = COALESCE(w.first_failure_at, now()),
         last_error = $4,
         next_attempt_at = now() + $5 * interval '1 millisecond',
         enabled = NOT f.give_up,
         disabled_reason = CASE WHEN f.give_up THEN 'failing' END,
         leased_until = NULL, lease_token = NULL
       FROM (SELECT id, COALESCE(first_failure_at, now())
                          <= now() - $6 * interval '1 millisecond' AS give_up
             FROM webhook_endpoints WHERE id = $1) f
       WHERE w.id = f.id AND w.lease_token = $2 AND w.version = $3
       RETURNING NOT w.enabled AS disabled, w.first_failure_at, w.consecutive_failures`,
      [claim.id, claim.leaseToken, claim.version, error, retryInMs, disableAfterMs],
    );
    if (!row) return null;
    return {
      disabled: row.disabled,
      failingSince: new Date(row.first_failure_at),
      consecutiveFailures: row.consecutive_failures,
    };
  }

  /** Gives the lease back (nothing more to deliver, or shutting down). */
  async release(claim: ClaimedEndpoint): Promise<void> {
    await runStatement(
      this.dataSource,
      `UPDATE webhook_endpoints SET leased_until = NULL, lease_token = NULL
       WHERE id = $1 AND lease_token = $2`,
      [claim.id, claim.leaseToken],
    );
  }

  async insertDelivery(delivery: NewDelivery): Promise<void> {
    await runStatement(
      this.dataSource,
      `INSERT INTO webhook_deliveries (organization_id, endpoint_id, event_id, event_type, event_tx,
         event_position, attempt, outcome, http_status, latency_ms, error, response_excerpt)
       SELECT $1, $2, $3, $4, $5::xid8, $6::bigint, $7, $8, $9, $10, $11, $12
       WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $2)`,
      [
        delivery.organizationId,
        delivery.endpointId,
        delivery.eventId,
        delivery.eventType,
        delivery.eventCursor.tx,
        delivery.eventCursor.position,
        delivery.attempt,
        delivery.outcome,
        delivery.httpStatus,
        delivery.latencyMs,
        delivery.error,
        delivery.responseExcerpt,
      ],
    );
  }

  /** The endpoint's delivery log, newest first, `limit + 1` rows after `after`. */
  async listDeliveries(
    organizationId: string,
    endpointId: string,
    after: Cursor | undefined,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    const rows = await runStatement<DeliveryRow>(
      this.dataSource,
      `SELECT id, endpoint_id, event_id, event_type, event_tx::text AS event_tx,
         event_position::text AS event_position, attempt, outcome, http_status, latency_ms, error,
         response_excerpt, created_at
       FROM webhook_deliveries
       WHERE organization_id = $1 AND endpoint_id = $2
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [organizationId, endpointId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      eventId: row.event_id,
      eventType: row.event_type,
      eventCursor: { tx: row.event_tx, position: row.event_position },
      attempt: row.attempt,
      outcome: row.outcome,
      httpStatus: row.http_status,
      latencyMs: row.latency_ms,
      error: row.error,
      responseExcerpt: row.response_excerpt,
      createdAt: new Date(row.created_at),
    }));
  }

  /** Deletes up to `limit` delivery log rows older than `before`; answers how many went. */
  async pruneDeliveries(before: Date, limit: number): Promise<number> {
    const row = await runStatementForOne<{ n: number }>(
      this.dataSource,
      `WITH gone AS (
         DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE created_at < $1 ORDER BY created_at LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return row?.n ?? 0;
  }
}

function date(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function toEndpoint(row: EndpointRow): StoredEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    description: row.description,
    types: row.types,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    cursor: { tx: row.cursor_tx, position: row.cursor_position },
    consecutiveFailures: row.consecutive_failures,
    failingSince: row.first_failure_at === null ? null : date(row.first_failure_at),
    lastError: row.last_error,
    nextAttemptAt: date(row.next_attempt_at),
    secretRotatedAt: row.secret_rotated_at === null ? null : date(row.secret_rotated_at),
    previousSecretExpiresAt:
      row.previous_secret_expires_at === null ? null : date(row.previous_secret_expires_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    sealedSecret: row.secret,
    sealedPreviousSecret: row.previous_secret,
    version: row.version,
  };
}

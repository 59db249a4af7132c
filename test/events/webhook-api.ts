import type { AppConfig } from '@rollcall/common';
import type { ScimTenant, Tenant } from '../support/factories';
import { scimClient, scimUsers } from '../support/scim-client';
import type { TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/** The test configuration's events settings with the workers on (and `webhooks` changes). */
export function eventsWith(
  webhooks: Partial<AppConfig['events']['webhooks']> = {},
  workers = true,
): AppConfig['events'] {
  return {
    retentionDays: 30,
    workers,
    webhooks: {
      secretKey: Buffer.alloc(32, 7),
      allowPrivateUrls: true,
      retryHours: 24,
      pollIntervalMs: 50,
      ...webhooks,
    },
    nats: { url: undefined, stream: 'ROLLCALL_TEST' },
  };
}

export interface EndpointBody {
  id: string;
  url: string;
  types: string[] | null;
  enabled: boolean;
  disabledReason: 'manual' | 'failing' | null;
  cursor: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string;
  secret?: string;
}

export interface DeliveryBody {
  id: string;
  eventId: string;
  eventType: string;
  eventCursor: string;
  replayFrom: string;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  createdAt: string;
}

/** The admin API of webhooks, with the tenant's admin key. */
export function webhooksApi(app: TestApp, tenant: Pick<Tenant, 'auth'>) {
  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    app.http()[method](`/api/v1/webhooks${path}`).set('Authorization', tenant.auth);
  return {
    call,
    async create(body: Record<string, unknown>): Promise<EndpointBody & { secret: string }> {
      const response = await call('post', '').send(body);
      if (response.status !== 201) {
        throw new Error(`POST /api/v1/webhooks: ${response.status} ${response.text}`);
      }
      return response.body as EndpointBody & { secret: string };
    },
    async get(id: string): Promise<EndpointBody> {
      const response = await call('get', `/${id}`).expect(200);
      return response.body as EndpointBody;
    },
    async update(id: string, body: Record<string, unknown>): Promise<EndpointBody> {
      const response = await call('patch', `/${id}`).send(body);
      if (response.status !== 200) {
        throw new Error(`PATCH /api/v1/webhooks/${id}: ${response.status} ${response.text}`);
      }
      return response.body as EndpointBody;
    },
    async replay(id: string, after: string): Promise<EndpointBody> {
      const response = await call('post', `/${id}/replay`).send({ after });
      if (response.status !== 200) {
        throw new Error(`replay: ${response.status} ${response.text}`);
      }
      return response.body as EndpointBody;
    },
    /** The whole delivery log, newest first. */
    async deliveries(id: string): Promise<DeliveryBody[]> {
      const all: DeliveryBody[] = [];
      let cursor: string | null = null;
      do {
        const response = await call('get', `/${id}/deliveries`)
          .query({ limit: 200, ...(cursor ? { cursor } : {}) })
          .expect(200);
        const page = response.body as { data: DeliveryBody[]; nextCursor: string | null };
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
  };
}

let counter = 0;

/** `count` new SCIM users (one `user.created` event each); answers their ids in order. */
export function newUsers(app: TestApp, tenant: ScimTenant, count: number): Promise<string[]> {
  const names = Array.from(
    { length: count },
    () => `wh-${process.pid}-${(counter += 1)}@example.com`,
  );
  return scimUsers(scimClient(app, tenant), names);
}

/**
 * Waits until every event the organization has so far is below the log's horizon, so that an
 * endpoint created now starts after all of them. (A new endpoint starts at the horizon: on a busy
 * PostgreSQL server, events that committed just before it behind an older running transaction
 * are still after the horizon and would be delivered to it too.)
 */
export async function settled(app: TestApp, organizationId: string): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await app.dataSource.query<{ settled: boolean }[]>(
        `SELECT COALESCE(max(tx) < pg_snapshot_xmin(pg_current_snapshot()), true) AS settled
         FROM events WHERE organization_id = $1`,
        [organizationId],
      );
      return row?.settled;
    },
    { what: 'the organization’s events below the horizon' },
  );
}

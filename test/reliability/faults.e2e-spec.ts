import { Client } from 'pg';
import {
  type ApiInstance,
  Cluster,
  MULTI_PROCESS_SUITES,
  createScimTenant,
  type HttpResult,
  type HttpTenant,
  type PlannedRequest,
  runLoad,
} from '../support/cluster';
import { invariantViolations, seedUsers, sql } from '../support/invariants';
import { acquireMachineLock } from '../support/machine-lock';
import { describeOnPostgres } from '../support/postgres-only';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { PATCH_OP, SCIM_ERROR } from '../support/scim-client';
import { waitFor } from '../support/wait-for';

const ROLLCALL_USER = 'urn:ietf:params:scim:schemas:extension:rollcall:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const INSTANCES = 3;

/**
 * Faults, on a PostgreSQL cluster this file creates for itself (initdb in a temporary folder, its
 * own port), so stopping the server hurts no other test: the server restarted under load, an
 * instance killed with SIGKILL under load, and an instance stopped with SIGTERM with requests in
 * flight. Three API processes (the built app) share the one database.
 */
describeOnPostgres('faults', () => {
  let postgres: PrivatePostgres;
  let url: string;
  let cluster: Cluster;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireMachineLock(MULTI_PROCESS_SUITES, { timeoutMs: 480_000 });
    postgres = await startPrivatePostgres();
    url = await postgres.createDatabase('rollcall_faults');
    cluster = await Cluster.start(INSTANCES, url);
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    await postgres?.destroy();
    release?.();
  }, 60_000);

  /** Adds the cluster's recent logs to a failure, since the processes are out of jest's sight. */
  async function explained<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      (error as Error).message +=
        `\n\nAPI logs:\n${cluster.logTail(15)}\n\nPostgreSQL log:\n${postgres.logTail(15)}`;
      throw error;
    }
  }

  it('PostgreSQL restarted under load: no instance dies, 503 at once while it is down, recovery on its own, every 2xx kept', () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'restart', 1_000);
      const groupId = await createGroup(cluster, tenant, 'Restart load');
      const created = new Map<string, string>(); // userName → id, for every 201
      const added = new Set<string>(); // user ids of every 204 member add
      const live = new LiveLoad();
      let stop = false;
      const load = runLoad(
        12,
        live.wrap(async (n) => {
          const kind = n % 4;
          if (kind === 0 || kind === 1) {
            const userName = `restart-${n}@example.com`;
            const result = await cluster.send(scimCreate(tenant, userName));
            if (result.status === 201) created.set(userName, (result.body as { id: string }).id);
            return result;
          }
          if (kind === 2 && created.size > 0) {
            const ids = [...created.values()];
            const userId = ids[n % ids.length];
            const result = await cluster.send(
              scimPatch(tenant, `/Groups/${groupId}`, [
                { op: 'add', path: 'members', value: [{ value: userId }] },
              ]),
            );
            if (result.status === 204) added.add(userId);
            return result;
          }
          return cluster.send({
            method: 'GET',
            path: '/api/v1/users?limit=5',
            headers: { Authorization: tenant.adminAuth },
          });
        }),
        () => stop,
      );
      const pids = cluster.instances.map((i) => i.pid);

      // A quick restart first (connections dropped, then refused for an instant), then an outage.
      await waitFor(() => created.size >= 10 && added.size >= 3, {
        what: () => `load under way (${created.size} created, ${added.size} added)`,
      });
      await postgres.stop('fast');
      await postgres.start();
      const restartedAt = Date.now();
      await live.until(
        () =>
          cluster.instances.every((i) =>
            live.results.some(
              (r) => r.instance === i.index && r.startedAt >= restartedAt && r.status < 300,
            ),
          ),
        'a success on every instance after the quick restart',
      );
      await postgres.stop('fast');
      const downFrom = Date.now();
      // The outage lasts until requests of both kinds have been refused on every instance...
      const sentSinceDown = () => live.results.filter((r) => r.startedAt >= downFrom);
      await live.until(
        () =>
          sentSinceDown().length > 20 &&
          cluster.instances.every((i) => sentSinceDown().some((r) => r.instance === i.index)) &&
          sentSinceDown().some((r) => r.headers['content-type']?.includes('scim+json')) &&
          sentSinceDown().some((r) => r.headers['content-type']?.includes('problem+json')),
        'answers of both kinds from every instance while the database is down',
      );
      // ...and every request sent meanwhile has been answered: the database stays down until then,
      // so a request that waited for it would never be answered (and fail this wait).
      live.pause();
      await live.until(() => live.inFlight === 0, 'every request sent while down answered');
      const downUntil = Date.now();
      await postgres.start();
      live.resume();
      const recovered = await Promise.all(cluster.instances.map((i) => firstSuccess(i, tenant)));
      const recoveredAt = Math.max(...recovered);
      await live.until(
        () =>
          cluster.instances.every(
            (i) =>
              live.results.filter((r) => r.instance === i.index && r.startedAt > recoveredAt)
                .length >= 3,
          ),
        'load answered on every instance after recovery',
      );
      stop = true;
      const results = await load;

      // No process died, nothing hung, and nothing but 503 went wrong on the server's side.
      expect(cluster.instances.filter((i) => !i.alive).map((i) => i.index)).toEqual([]);
      expect(results.filter((r) => r.status === 0).map(show)).toEqual([]);
      expect(results.filter((r) => r.status >= 500 && r.status !== 503).map(show)).toEqual([]);
      expect(results.filter((r) => r.status >= 400 && r.status < 500).map(show)).toEqual([]);

      // While it is down: 503 at once, with the body of the route's kind and Retry-After.
      const whileDown = results.filter(
        (r) => r.startedAt >= downFrom && r.startedAt + r.ms <= downUntil,
      );
      expect(whileDown.length).toBeGreaterThan(20);
      for (const r of whileDown) expectUnavailable(r);
      // No request sent while it was down waited for it: each was answered before it came back.
      const sentWhileDown = results.filter(
        (r) => r.startedAt >= downFrom && r.startedAt <= downUntil,
      );
      expect(sentWhileDown.filter((r) => r.startedAt + r.ms > downUntil).map(show)).toEqual([]);
      expect(whileDown.some((r) => r.headers['content-type']?.includes('scim+json'))).toBe(true);
      expect(whileDown.some((r) => r.headers['content-type']?.includes('problem+json'))).toBe(true);

      // Back on its own (the same processes, none restarted), on every instance; the load ends in
      // success.
      expect(cluster.instances.map((i) => i.pid)).toEqual(pids);
      const afterRecovery = results.filter((r) => r.startedAt > recoveredAt);
      expect(afterRecovery.length).toBeGreaterThan(0);
      expect(afterRecovery.filter((r) => r.status >= 300).map(show)).toEqual([]);

      // Every acknowledged write is there.
      expect(created.size).toBeGreaterThan(20);
      const users = await sql<{ user_name: string; id: string }>(
        url,
        'SELECT user_name, id FROM users WHERE organization_id = $1',
        [tenant.id],
      );
      const stored = new Map(users.map((u) => [u.user_name, u.id]));
      for (const [userName, id] of created) expect(stored.get(userName)).toBe(id);
      const members = await sql<{ user_id: string }>(
        url,
        'SELECT user_id FROM group_members WHERE group_id = $1',
        [groupId],
      );
      const memberIds = new Set(members.map((m) => m.user_id));
      expect(added.size).toBeGreaterThan(5);
      for (const id of added) expect(memberIds.has(id)).toBe(true);
      expect(await invariantViolations(url)).toEqual([]);
    }));

  it('an instance killed with SIGKILL under load leaves no partial user, group or seat', () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'kill', 1_000);
      const pool = await cluster.send({
        method: 'POST',
        path: '/api/v1/license-pools',
        headers: { Authorization: tenant.adminAuth },
        body: { name: 'Seats', capacity: 30 },
      });
      expect(pool.status).toBe(201);
      const poolId = (pool.body as { id: string }).id;
      const [defaultPool] = await sql<{ id: string }>(
        url,
        'SELECT id FROM license_pools WHERE organization_id = $1 AND is_default',
        [tenant.id],
      );
      const seated = await seedUsers(url, {
        organizationId: tenant.id,
        poolId: defaultPool.id,
        status: 'active',
        count: 150,
        prefix: 'kill-seated-',
      });
      const away = await seedUsers(url, {
        organizationId: tenant.id,
        poolId,
        status: 'deactivated',
        count: 60,
        prefix: 'kill-away-',
      });
      const churnGroup = await createGroup(cluster, tenant, 'Churn');
      const groupsSent = new Map<string, number>(); // displayName → members sent
      const pick = (ids: string[], n: number) =>
        ids[(((n * 7919) % ids.length) + ids.length) % ids.length];

      const victim = cluster.instances[1];
      const live = new LiveLoad();
      let stop = false;
      const load = runLoad(
        18,
        live.wrap(async (n) => {
          switch (n % 6) {
            case 0:
              return cluster.send(
                scimCreate(tenant, `kill-new-${n}@example.com`, {
                  [ROLLCALL_USER]: { licensePoolName: 'Seats' },
                }),
              );
            case 1:
              // Into the small pool (a seat there) or back to the default one (a seat there).
              return cluster.send(
                scimPatch(tenant, `/Users/${pick(seated, n)}`, [
                  {
                    op: 'replace',
                    path: `${ROLLCALL_USER}:licensePoolName`,
                    value: n % 12 === 1 ? 'Seats' : '',
                  },
                ]),
              );
            case 2:
              return cluster.send(
                scimPatch(tenant, `/Users/${pick(away, n)}`, [
                  { op: 'replace', path: 'active', value: n % 12 === 2 },
                ]),
              );
            case 3: {
              const displayName = `Kill group ${n}`;
              const members = [0, 1, 2, 3, 4].map((k) => ({ value: pick(seated, n + k * 31) }));
              groupsSent.set(displayName, new Set(members.map((m) => m.value)).size);
              return cluster.send({
                method: 'POST',
                path: '/scim/v2/Groups',
                headers: { Authorization: tenant.scimAuth },
                body: { schemas: [GROUP_SCHEMA], displayName, members },
              });
            }
            case 4:
              return cluster.send(
                scimPatch(tenant, `/Groups/${churnGroup}`, [
                  n % 12 === 4
                    ? {
                        op: 'add',
                        path: 'members',
                        value: [{ value: pick(seated, n) }, { value: pick(away, n) }],
                      }
                    : { op: 'remove', path: `members[value eq "${pick(seated, n - 6)}"]` },
                ]),
              );
            default:
              return cluster.send({
                method: 'GET',
                path: `/scim/v2/Users?filter=${encodeURIComponent('userName sw "kill-"')}&count=20`,
                headers: { Authorization: tenant.scimAuth },
              });
          }
        }),
        () => stop,
      );

      // Killed once every instance has answered writes, with requests in flight on the victim.
      await live.until(
        () =>
          cluster.instances.every(
            (i) => live.results.filter((r) => r.instance === i.index && r.status < 300).length >= 5,
          ) && activeRequests(victim) > 0,
        'load answered on every instance, requests in flight on the victim',
      );
      victim.kill('SIGKILL');
      const exit = await victim.waitForExit();
      const deadAt = Date.now();
      const survivors = cluster.instances.filter((i) => i !== victim);
      await live.until(
        () =>
          survivors.every(
            (i) =>
              live.results.filter((r) => r.instance === i.index && r.startedAt > deadAt).length >=
              5,
          ),
        'load answered by the survivors after the kill',
      );
      stop = true;
      const results = await load;

      expect(exit.signal).toBe('SIGKILL');
      const fromVictim = results.filter((r) => r.instance === victim.index);
      // Requests were cut mid-flight by the kill (the point of the test)...
      expect(fromVictim.filter((r) => r.error === 'ECONNRESET').length).toBeGreaterThan(0);
      // ...while the survivors answered everything without a server error.
      const fromSurvivors = results.filter((r) => r.instance !== victim.index);
      expect(fromSurvivors.filter((r) => r.status === 0 || r.status >= 500).map(show)).toEqual([]);

      // The dead process's transactions are rolled back and its locks released.
      await waitFor(
        async () => {
          const open = await sql(
            url,
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
          );
          return open.length === 0;
        },
        { intervalMs: 100, what: "the dead process's transactions rolled back" },
      );

      expect(await invariantViolations(url)).toEqual([]);
      // Groups are created with all their members or not at all.
      const groups = await sql<{ display_name: string; members: number }>(
        url,
        `SELECT g.display_name, count(m.user_id)::int AS members FROM groups g
         LEFT JOIN group_members m ON m.group_id = g.id
         WHERE g.organization_id = $1 AND g.display_name LIKE 'Kill group %' GROUP BY g.id`,
        [tenant.id],
      );
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) expect(group.members).toBe(groupsSent.get(group.display_name));
      const [seats] = await sql<{ used: number }>(
        url,
        'SELECT used FROM license_pools WHERE id = $1',
        [poolId],
      );
      expect(seats.used).toBeLessThanOrEqual(30);

      // A fresh process takes the dead one's place and serves the same rows.
      await cluster.restart(victim.index);
      const after = await Promise.all(
        cluster.instances.map((i) =>
          i.send(
            scimPatch(tenant, `/Groups/${churnGroup}`, [
              { op: 'add', path: 'members', value: [{ value: seated[i.index] }] },
            ]),
          ),
        ),
      );
      expect(after.map((r) => r.status)).toEqual([204, 204, 204]);
    }));

  it('SIGTERM lets the requests in flight finish, refuses new connections and exits 0', () =>
    explained(async () => {
      const tenant = await createScimTenant(cluster, 'drain', 100);
      const groupId = await createGroup(cluster, tenant, 'Drain');
      const userIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        const result = await cluster.send(scimCreate(tenant, `drain-${i}@example.com`));
        expect(result.status).toBe(201);
        userIds.push((result.body as { id: string }).id);
      }
      // Room for every request to hold a connection while it waits.
      const instance = await cluster.restart(2, { DATABASE_POOL_SIZE: '30' });

      // Hold the group's row so that 20 member additions are stuck mid-transaction on the instance.
      const holder = new Client({ connectionString: url });
      holder.on('error', () => undefined);
      await holder.connect();
      let inFlight: Promise<HttpResult[]>;
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM groups WHERE id = $1 FOR UPDATE', [groupId]);
        inFlight = Promise.all(
          userIds.map((userId) =>
            instance.send(
              scimPatch(tenant, `/Groups/${groupId}`, [
                { op: 'add', path: 'members', value: [{ value: userId }] },
              ]),
            ),
          ),
        );
        await waitFor(
          async () => {
            const waiting = await sql(
              url,
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rollcall' AND wait_event_type = 'Lock'`,
            );
            return waiting.length >= userIds.length;
          },
          { intervalMs: 100, what: 'every member addition waiting on the lock' },
        );

        instance.kill('SIGTERM');
        // New connections are refused while the 20 requests are still stuck on the lock held here.
        // A probe that connects in the instant the listener closes is reset (the server drops idle
        // sockets as it closes), so the poll waits for a refusal; it must never get an answer.
        const probes: HttpResult[] = [];
        await waitFor(
          async () => {
            const probe = await instance.send({ method: 'GET', path: '/health/live' }, false);
            probes.push(probe);
            return probe.error === 'ECONNREFUSED';
          },
          { what: 'new connections refused after SIGTERM' },
        );
        // Once the instance stops answering new connections it never answers one again.
        const closing = probes.slice(probes.findIndex((p) => p.status === 0));
        expect(closing.map((p) => p.error ?? p.status)).not.toContain(200);
        expect(instance.alive).toBe(true);
      } finally {
        await holder.query('COMMIT').catch(() => undefined);
        await holder.end();
      }

      const answers = await inFlight;
      expect(answers.map((r) => r.status)).toEqual(userIds.map(() => 204));
      expect(answers.every((r) => r.headers.connection === 'close')).toBe(true);
      expect(await instance.waitForExit(15_000)).toEqual({ code: 0, signal: null });
      const members = await sql<{ user_id: string }>(
        url,
        'SELECT user_id FROM group_members WHERE group_id = $1',
        [groupId],
      );
      expect(members.map((m) => m.user_id).sort()).toEqual([...userIds].sort());
    }));
});

function scimCreate(
  tenant: HttpTenant,
  userName: string,
  extra: Record<string, unknown> = {},
): PlannedRequest {
  return {
    method: 'POST',
    path: '/scim/v2/Users',
    headers: { Authorization: tenant.scimAuth },
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      name: { givenName: 'Load', familyName: 'Test' },
      emails: [{ value: userName, type: 'work', primary: true }],
      ...extra,
    },
  };
}

function scimPatch(tenant: HttpTenant, path: string, operations: unknown[]): PlannedRequest {
  return {
    method: 'PATCH',
    path: `/scim/v2${path}`,
    headers: { Authorization: tenant.scimAuth },
    body: { schemas: [PATCH_OP], Operations: operations },
  };
}

async function createGroup(
  cluster: Cluster,
  tenant: HttpTenant,
  displayName: string,
): Promise<string> {
  const result = await cluster.send({
    method: 'POST',
    path: '/scim/v2/Groups',
    headers: { Authorization: tenant.scimAuth },
    body: { schemas: [GROUP_SCHEMA], displayName },
  });
  if (result.status !== 201)
    throw new Error(`creating group ${displayName}: ${result.status} ${result.text}`);
  return (result.body as { id: string }).id;
}

/** When an instance first answers a SCIM read with 200 again (polled; the deadline bounds failure). */
async function firstSuccess(instance: ApiInstance, tenant: HttpTenant): Promise<number> {
  return waitFor(
    async () => {
      if (!instance.alive) throw new Error(`instance ${instance.index} died`);
      const result = await instance.send({
        method: 'GET',
        path: '/scim/v2/Users?count=1',
        headers: { Authorization: tenant.scimAuth },
      });
      return result.status === 200 && Date.now();
    },
    { timeoutMs: 60_000, intervalMs: 100, what: `instance ${instance.index} recovered` },
  );
}

/**
 * What a load has answered so far, while it runs (runLoad hands the results over at the end), and
 * a gate that holds new requests back.
 */
class LiveLoad {
  readonly results: HttpResult[] = [];
  /** Requests sent and not answered yet. */
  inFlight = 0;
  private gate: { opened: Promise<void>; open: () => void } | undefined;

  /** New requests wait (until resume) before they are sent; those in flight go on. */
  pause(): void {
    let open = (): void => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { opened, open };
  }

  resume(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** Waits, while the load runs, until `condition` holds. */
  async until(condition: () => boolean, what: string): Promise<void> {
    await waitFor(condition, {
      timeoutMs: 60_000,
      what: () => `${what} (${this.results.length} answered, ${this.inFlight} in flight)`,
    });
  }

  /** The load's request function, its answers recorded as they come. */
  wrap(next: (n: number) => Promise<HttpResult>): (n: number) => Promise<HttpResult> {
    return async (n) => {
      while (this.gate) await this.gate.opened;
      this.inFlight += 1;
      try {
        const result = await next(n);
        this.results.push(result);
        return result;
      } finally {
        this.inFlight -= 1;
      }
    };
  }
}

/** Requests the instance is answering right now (sockets of its agent in use). */
function activeRequests(instance: ApiInstance): number {
  return Object.values(instance.agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0);
}

/** A 503 in the envelope of its route: SCIM error under /scim/v2, problem+json elsewhere. */
function expectUnavailable(result: HttpResult): void {
  expect({ status: result.status, retryAfter: result.headers['retry-after'] }).toEqual({
    status: 503,
    retryAfter: expect.stringMatching(/^\d+$/),
  });
  const type = String(result.headers['content-type']);
  if (result.request.split(' ')[1].startsWith('/scim/v2/')) {
    expect(type).toContain('application/scim+json');
    expect(result.body).toEqual({
      schemas: [SCIM_ERROR],
      status: '503',
      detail: expect.stringMatching(/database is unavailable/),
    });
  } else {
    expect(type).toContain('application/problem+json');
    expect(result.body).toMatchObject({
      status: 503,
      code: 'service_unavailable',
      detail: expect.stringMatching(/database is unavailable/),
    });
  }
}

function show(result: HttpResult): string {
  return `${result.request} on instance ${result.instance}: ${result.status || result.error} after ${result.ms} ms ${result.text.slice(0, 300)}`;
}

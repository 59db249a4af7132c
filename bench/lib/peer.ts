/**
 * The peer: BoxyHQ SAML Jackson's Directory Sync (bench/peer/jackson), installed on demand into its
 * own folder (its own package.json and lock file, so the project's `npm ci` stays lean), started on
 * a database of its own next to the bench's, and given a directory of the same people as
 * Rollcall's small tenant, created through its SCIM API.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { BenchTenant } from './fixtures';
import { userPayload } from './payloads';
import { ROOT, watchChild } from './server';

export const PEERS = ['jackson'] as const;
export type PeerName = (typeof PEERS)[number];
/** A side of the side-by-side rows: Rollcall, the peer, or the floor (bench/peer/floor). */
export type Side = 'rollcall' | PeerName | 'floor';

const JACKSON_DIR = join(ROOT, 'bench', 'peer', 'jackson');
const FLOOR_DIR = join(ROOT, 'bench', 'peer', 'floor');
const SCIM_PATH = '/api/scim/v2.0';

/** One side of a side-by-side comparison: where its SCIM API is and the people it holds. */
export interface ScimTarget {
  name: Side;
  /** e.g. "Jackson 26.2.0" or "Rollcall". */
  label: string;
  baseUrl: string;
  /** The SCIM base path, e.g. "/scim/v2" or "/api/scim/v2.0/<directory>". */
  prefix: string;
  auth: string;
  /** The server's process id, for its CPU per request. */
  pid?: number;
  domain: string;
  /** Ids of users 1…n (index n − 1), for GET by id, PUT and PATCH. */
  userIds: string[];
  /** An empty group per run that the PATCH scenarios add members to. */
  groupIds: { one: string; ten: string };
}

export interface PeerServer {
  name: PeerName | 'floor';
  label: string;
  url: string;
  pid?: number;
  output(): string;
  stop(): Promise<void>;
}

function jacksonVersion(): string {
  const manifest = join(JACKSON_DIR, 'node_modules', '@boxyhq', 'saml-jackson', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** `npm ci` in bench/peer/jackson when its node_modules is missing. */
export function ensurePeerInstalled(log: (message: string) => void): void {
  if (existsSync(join(JACKSON_DIR, 'node_modules', '@boxyhq', 'saml-jackson'))) return;
  log('Installing the peer (npm ci in bench/peer/jackson)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: JACKSON_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm ci in bench/peer/jackson failed');
}

/** The peer's database: the bench's database name with `_peer_jackson` appended. */
function peerDatabaseName(databaseUrl: string): string {
  return `${new URL(databaseUrl).pathname.replace(/^\//, '') || 'postgres'}_peer_jackson`;
}

/** Runs statements on the bench's database (to make or drop the peer's). */
async function onBenchDatabase(databaseUrl: string, statements: string[]): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh database for the peer, next to the bench's; answers its URL. */
async function freshDatabase(databaseUrl: string): Promise<string> {
  const name = peerDatabaseName(databaseUrl);
  await onBenchDatabase(databaseUrl, [
    `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    `CREATE DATABASE "${name}"`,
  ]);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `node server.js` in `cwd`, once it prints `listening <port>`. */
async function spawnListening(
  what: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ url: string; pid?: number; output: () => string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['server.js'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, stop } = watchChild(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start:\n${output()}`)),
      120_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString('utf8'));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}:\n${output()}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    output,
    stop,
  };
}

export async function startPeer(
  name: PeerName,
  databaseUrl: string,
  log: (message: string) => void,
): Promise<PeerServer> {
  ensurePeerInstalled(log);
  const peerDatabase = await freshDatabase(databaseUrl);
  const { stop, ...child } = await spawnListening('the peer', JACKSON_DIR, {
    DATABASE_URL: peerDatabase,
  });
  return {
    name,
    label: `Jackson ${jacksonVersion()}`,
    ...child,
    // Stopped, the peer's database goes too: every run starts the peer on a fresh one.
    stop: async () => {
      await stop();
      await onBenchDatabase(databaseUrl, [
        `DROP DATABASE IF EXISTS "${peerDatabaseName(databaseUrl)}" WITH (FORCE)`,
      ]).catch(() => undefined);
    },
  };
}

/**
 * The floor (bench/peer/floor/server.js): plain node:http and pg reading Rollcall's own tables for
 * the tenant, with as many connections as Rollcall's pool.
 */
export async function startFloor(databaseUrl: string, organizationId: string): Promise<PeerServer> {
  const child = await spawnListening('the floor', FLOOR_DIR, {
    DATABASE_URL: databaseUrl,
    ORGANIZATION_ID: organizationId,
    POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
  });
  return { name: 'floor', label: 'floor (node:http + pg)', ...child };
}

async function call(
  url: string,
  method: string,
  auth: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/scim+json',
      ...(auth ? { authorization: auth } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** An empty group through a target's SCIM API (the PATCH scenarios' group). */
export async function createGroup(
  target: Pick<ScimTarget, 'baseUrl' | 'prefix' | 'auth'>,
  displayName: string,
): Promise<string> {
  const { status, json } = await call(
    `${target.baseUrl}${target.prefix}/Groups`,
    'POST',
    target.auth,
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName,
      members: [],
    },
  );
  if (status !== 201) throw new Error(`creating group ${displayName} answered ${status}`);
  return json.id as string;
}

/**
 * A directory on the peer holding users 1…users of Rollcall's small tenant (the same SCIM bodies),
 * created through its SCIM API, `concurrency` at a time.
 */
export async function preparePeerTarget(
  peer: PeerServer,
  domain: string,
  users: number,
  runId: string,
  log: (message: string) => void,
): Promise<ScimTarget> {
  const setup = await call(`${peer.url}/setup`, 'POST', undefined, {
    name: 'bench',
    tenant: `bench-${runId}`,
    product: 'rollcall-bench',
  });
  if (setup.status !== 201) throw new Error(`the peer's directory setup answered ${setup.status}`);
  const directory = setup.json as { id: string; scim: { secret: string } };
  const target: Omit<ScimTarget, 'userIds' | 'groupIds'> = {
    name: peer.name,
    label: peer.label,
    baseUrl: peer.url,
    prefix: `${SCIM_PATH}/${directory.id}`,
    auth: `Bearer ${directory.scim.secret}`,
    ...(peer.pid !== undefined ? { pid: peer.pid } : {}),
    domain,
  };
  const started = Date.now();
  const userIds: string[] = new Array<string>(users);
  let nextUser = 1;
  const worker = async () => {
    while (nextUser <= users) {
      const n = nextUser++;
      const { status, json } = await call(
        `${target.baseUrl}${target.prefix}/Users`,
        'POST',
        target.auth,
        userPayload(domain, n),
      );
      if (status !== 201) throw new Error(`seeding the peer: user ${n} answered ${status}`);
      userIds[n - 1] = json.id as string;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(
    `  ${peer.label}: ${users.toLocaleString('en-US')} users in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const groupIds = {
    one: await createGroup(target, `bench-${runId}-one`),
    ten: await createGroup(target, `bench-${runId}-ten`),
  };
  return { ...target, userIds, groupIds };
}

/**
 * Every side of the side-by-side scenarios: Rollcall's small tenant (with two empty groups of this
 * run), the peer, started on its own database and given the same people, and the floor on
 * Rollcall's tenant.
 */
export async function prepareTargets(options: {
  peer: PeerName;
  databaseUrl: string;
  rollcall: { url: string; pid?: number };
  tenant: BenchTenant;
  userIdsOf: (from: number, to: number) => Promise<string[]>;
  runId: string;
  log: (message: string) => void;
}): Promise<{ targets: Record<Side, ScimTarget>; servers: PeerServer[] }> {
  const { tenant, runId, log } = options;
  const base = {
    baseUrl: options.rollcall.url,
    prefix: '/scim/v2',
    auth: tenant.scimAuth,
  };
  const rollcall: ScimTarget = {
    name: 'rollcall',
    label: 'Rollcall',
    ...base,
    ...(options.rollcall.pid !== undefined ? { pid: options.rollcall.pid } : {}),
    domain: tenant.domain,
    userIds: await options.userIdsOf(1, tenant.users),
    groupIds: {
      one: await createGroup(base, `bench-${runId}-one`),
      ten: await createGroup(base, `bench-${runId}-ten`),
    },
  };
  log(`Peer: starting ${options.peer} on its own database, and the floor…`);
  const servers: PeerServer[] = [];
  try {
    const floor = await startFloor(options.databaseUrl, tenant.id);
    servers.push(floor);
    const peer = await startPeer(options.peer, options.databaseUrl, log);
    servers.push(peer);
    const target = await preparePeerTarget(peer, tenant.domain, tenant.users, runId, log);
    const floorTarget: ScimTarget = {
      ...rollcall,
      name: 'floor',
      label: floor.label,
      baseUrl: floor.url,
      ...(floor.pid !== undefined ? { pid: floor.pid } : {}),
    };
    return { targets: { rollcall, jackson: target, floor: floorTarget }, servers };
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

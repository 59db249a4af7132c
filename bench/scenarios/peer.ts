import { PATCH_SCHEMA, userName, userPayload } from '../lib/payloads';
import type { PeerName, ScimTarget, Side } from '../lib/peer';
import { between, random, type RequestSpec, type Scenario, type ScenarioContext } from './types';

/**
 * The side-by-side scenarios (`--peer jackson`): each one sends exactly the same requests, with the
 * same connections and rounds, to Rollcall's small tenant and to the peer's directory of the same
 * people, one row each; the report prints the pairs with their ratio.
 */
export interface PeerOperation {
  /** Short id: peer-<op>-<target>. */
  op: string;
  title: string;
  /** Connections for both sides (e.g. one for PATCHes sent one after another). */
  connections?: number;
  /** Rollcall's statement budget for it (Scenario.budget): its side is captured and judged. */
  budget?: number;
  /** The request maker for one side (called once per request, from every connection). */
  next: (target: ScimTarget, context: ScenarioContext) => () => RequestSpec;
  verify?: (body: string) => boolean;
  /** Also a row on the floor (bench/peer/floor: reads only). */
  floor?: true;
}

const addMembers = (size: number): PeerOperation => ({
  op: `patch${size}`,
  title: `PATCH /Groups/{id} adding ${size} member${size === 1 ? '' : 's'}`,
  ...(size === 1 ? { budget: 3 } : {}),
  // As the issue measured the peer: one request after another (Jackson's membership writes race).
  connections: 1,
  next: (target) => {
    const pick = random(size);
    const group = size === 1 ? target.groupIds.one : target.groupIds.ten;
    return () => ({
      method: 'PATCH',
      path: `${target.prefix}/Groups/${group}`,
      body: {
        schemas: [PATCH_SCHEMA],
        Operations: [
          {
            op: 'add',
            path: 'members',
            value: Array.from({ length: size }, () => ({
              value: target.userIds[between(pick, 0, target.userIds.length - 1)],
            })),
          },
        ],
      },
    });
  },
});

export const PEER_OPERATIONS: PeerOperation[] = [
  {
    op: 'create',
    title: 'POST /Users',
    budget: 2,
    next: (target, { runId }) => {
      let n = 0;
      return () => {
        n++;
        return {
          method: 'POST',
          path: `${target.prefix}/Users`,
          body: userPayload(target.domain, target.userIds.length + n, {
            userName: `Peer-${runId}-${n}@${target.domain}`,
            externalId: `new-${runId}-peer-${n}`,
          }),
        };
      };
    },
    verify: (body) => body.includes('"id":"'),
  },
  {
    op: 'lookup',
    title: 'GET /Users?filter=userName eq "…"',
    budget: 2,
    floor: true,
    next: (target) => {
      const pick = random(1);
      return () => {
        const filter = `userName eq "${userName(target.domain, between(pick, 1, target.userIds.length))}"`;
        return {
          method: 'GET',
          path: `${target.prefix}/Users?filter=${encodeURIComponent(filter)}`,
        };
      };
    },
    verify: (body) => body.includes('"totalResults":1,'),
  },
  {
    op: 'get',
    title: 'GET /Users/{id}',
    budget: 2,
    floor: true,
    next: (target) => {
      const pick = random(2);
      return () => ({
        method: 'GET',
        path: `${target.prefix}/Users/${target.userIds[between(pick, 0, target.userIds.length - 1)]}`,
      });
    },
    verify: (body) => body.includes('"userName":"'),
  },
  addMembers(1),
  addMembers(10),
  {
    op: 'put',
    title: 'PUT /Users/{id}',
    next: (target) => {
      let n = 0;
      return () => {
        // Never the first person: Rollcall's seeder copies that user's row (bench/lib/fixtures.ts).
        const index = 1 + (n % (target.userIds.length - 1));
        n++;
        return {
          method: 'PUT',
          path: `${target.prefix}/Users/${target.userIds[index]}`,
          body: userPayload(target.domain, index + 1, { title: `Engineer ${n}` }),
        };
      };
    },
    verify: (body) => body.includes('"title":"Engineer '),
  },
];

const SIDE_TITLES: Record<Side, string> = {
  rollcall: 'Rollcall',
  jackson: 'peer (jackson)',
  floor: 'floor (node:http + pg, one statement, no auth, no log)',
};

function scenario(operation: PeerOperation, side: Side, peer: PeerName): Scenario {
  return {
    id: `peer-${operation.op}-${side}`,
    title: `${operation.title} — ${SIDE_TITLES[side]}`,
    tenant: 'small',
    peer,
    ...(side === 'rollcall' && operation.budget !== undefined
      ? { capture: true, budget: operation.budget }
      : {}),
    prepare: async (context) => {
      const target = context.targets?.[side];
      if (!target) throw new Error(`no ${side} target (run with --peer ${peer})`);
      const next = operation.next(target, context);
      return {
        kind: 'http',
        baseUrl: target.baseUrl,
        ...(target.pid !== undefined ? { serverPid: target.pid } : {}),
        auth: target.auth,
        next,
        ...(operation.verify ? { verify: operation.verify } : {}),
        ...(operation.connections ? { connections: operation.connections } : {}),
      };
    },
  };
}

/** Each operation for the peer, then for Rollcall (then the floor), side by side in every round. */
export const PEER_SCENARIOS: Scenario[] = PEER_OPERATIONS.flatMap((operation) => [
  scenario(operation, 'jackson', 'jackson'),
  scenario(operation, 'rollcall', 'jackson'),
  ...(operation.floor ? [scenario(operation, 'floor', 'jackson')] : []),
]);

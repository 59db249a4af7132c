import { decidePool, describeRejection, type PoolSnapshot } from './pool-policy';
import { ADMIN_POLICY_CASES, POLICY_CASES, type UserState } from './pool-policy.table';

const DEFAULT: PoolSnapshot = {
  id: 'p-default',
  name: 'Default license pool',
  isDefault: true,
  capacity: 10,
  used: 3,
};
const SALES: PoolSnapshot = {
  id: 'p-sales',
  name: 'Sales',
  isDefault: false,
  capacity: 5,
  used: 1,
};
const FULL: PoolSnapshot = { id: 'p-full', name: 'Full', isDefault: false, capacity: 2, used: 2 };

function userFor(state: UserState): { poolId: string; seated: boolean } | undefined {
  switch (state) {
    case 'new':
      return undefined;
    case 'seated_in_default':
      return { poolId: DEFAULT.id, seated: true };
    case 'unseated_in_default':
      return { poolId: DEFAULT.id, seated: false };
    case 'seated_in_sales':
      return { poolId: SALES.id, seated: true };
    case 'seated_in_full':
      return { poolId: FULL.id, seated: true };
    case 'deactivated_in_full':
      return { poolId: FULL.id, seated: false };
  }
}

describe('the pool-assignment policy (SPEC §3), case by case', () => {
  it.each(POLICY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const pools = c.customPools ? [DEFAULT, SALES, FULL] : [DEFAULT];
    const user = userFor(c.user);
    const decision = decidePool({
      channel: c.channel,
      pools,
      requested: c.requested,
      ...(user ? { user } : {}),
    });
    switch (c.expected.outcome) {
      case 'rejected':
        expect(decision.outcome).toBe('reject');
        if (decision.outcome === 'reject')
          expect(describeRejection(decision)).toMatch(c.expected.message);
        return;
      case 'default':
        expect(decision.outcome).not.toBe('reject');
        if (decision.outcome !== 'reject') expect(decision.pool.id).toBe(DEFAULT.id);
        return;
      case 'unchanged':
        expect(decision.outcome).toBe('keep');
        if (decision.outcome === 'keep') expect(decision.pool.id).toBe(user?.poolId);
        return;
      case 'assigned': {
        expect(decision.outcome).not.toBe('reject');
        if (decision.outcome === 'reject') return;
        expect(decision.pool.name).toBe(c.expected.pool);
        expect(decision.full).toBe(c.expected.pending === true);
        return;
      }
    }
  });

  it('covers every rule on every channel', () => {
    const channels = new Set(POLICY_CASES.map((c) => c.channel));
    expect([...channels].sort()).toEqual(['scim_create', 'scim_update', 'sso_sign_in']);
    expect(POLICY_CASES.length).toBeGreaterThan(40);
  });

  it.each(ADMIN_POLICY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const pools = c.customPools ? [DEFAULT, SALES, FULL] : [DEFAULT];
    const user = userFor(c.user)!;
    const poolId =
      c.target === 'Marketing'
        ? 'p-marketing'
        : [DEFAULT, SALES, FULL].find((p) => p.name === c.target)!.id;
    const seats = c.seats ?? 1;
    const decision = decidePool({
      channel: c.channel,
      pools: c.channel === 'pool_delete' ? pools.filter((p) => p.id !== user.poolId) : pools,
      requested: { present: true, poolId },
      user: c.channel === 'pool_delete' ? { poolId: user.poolId, seated: seats > 0, seats } : user,
    });
    switch (c.expected.outcome) {
      case 'rejected':
        expect(decision).toMatchObject({ outcome: 'reject', reason: c.expected.reason });
        return;
      case 'unchanged':
        expect(decision).toMatchObject({ outcome: 'keep', pool: { id: user.poolId } });
        return;
      case 'assigned':
        expect(decision).toMatchObject({ outcome: 'assign', pool: { name: c.expected.pool } });
        return;
    }
  });

  it('covers every admin channel', () => {
    expect([...new Set(ADMIN_POLICY_CASES.map((c) => c.channel))].sort()).toEqual([
      'admin_move',
      'pool_delete',
    ]);
  });
});

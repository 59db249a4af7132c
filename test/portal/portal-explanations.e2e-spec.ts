import { explainScim } from '../../apps/portal/src/pages/activity/explanations';
import type { ScimLogEntry } from '../../apps/portal/src/pages/activity/types';

const refused: ScimLogEntry = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  occurredAt: '2026-12-07T10:00:00.000Z',
  requestId: null,
  method: 'PATCH',
  path: '/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
  resourceType: 'User',
  resourceId: '2819c223-7f76-453a-919d-413861904646',
  userName: null,
  status: 400,
  outcome: 'failure',
  scimType: 'invalidValue',
  detail: "License pool 'Sales' is full (5 of 5 seats used)",
  reason: 'pool_full',
  durationMs: 4,
};

describe('explainScim', () => {
  it('explains a pool refusal by the entry’s reason, not by its detail text', () => {
    expect(explainScim(refused)?.title).toBe('License pool full');
    expect(explainScim({ ...refused, reason: 'unknown_pool', detail: 'anything' })?.title).toBe(
      'Unknown license pool',
    );
    // Another invalid value (or an entry from before reasons were kept): by its SCIM type.
    expect(explainScim({ ...refused, reason: 'invalid_value' })?.title).toBe('Invalid value');
    expect(explainScim({ ...refused, reason: null })?.title).toBe('Invalid value');
  });

  it('falls back to the status, and says nothing of a success', () => {
    expect(
      explainScim({ ...refused, scimType: null, reason: 'too_many_requests', status: 429 })?.title,
    ).toBe('Too many requests');
    expect(
      explainScim({ ...refused, scimType: null, reason: 'internal', status: 500 })?.title,
    ).toBe('Rollcall could not answer');
    expect(explainScim({ ...refused, outcome: 'success', status: 200, reason: null })).toBeNull();
  });
});

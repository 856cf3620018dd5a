import { type GlobalLive, scope } from './live-usage.service';
import { zeroCounters } from './usage-counters';

const app = (id: string, tenantId: string) => ({ id, name: `App ${id}`, tenantId, tenantSlug: tenantId });

const GLOBAL: GlobalLive = {
  at: new Date('2026-03-04T05:06:07.000Z'),
  directory: {
    applications: new Map([
      ['a1', app('a1', 'ta')],
      ['a2', app('a2', 'ta')],
      ['b1', app('b1', 'tb')],
    ]),
    policies: [
      { id: 'pa', name: 'A policy', tenantId: 'ta', applicationIds: ['a1', 'a2'] },
      // Owned by tenant a, shared with and attached to tenant b's application too.
      { id: 'shared', name: 'Shared', tenantId: 'ta', applicationIds: ['a1', 'b1'] },
      { id: 'pb', name: 'B policy', tenantId: 'tb', applicationIds: [] },
    ],
  },
  running: new Map([
    ['a1', 5],
    ['b1', 2],
    ['gone', 9],
  ]),
  lastMinute: new Map([
    ['a1', { ...zeroCounters(), started: 4, denied: 1 }],
    ['b1', { ...zeroCounters(), started: 1, killed: 1 }],
  ]),
};

describe(scope.name, () => {
  it('shows an admin every application and policy, busiest first', () => {
    const sut = scope(GLOBAL, 'all');
    expect(sut.at).toBe('2026-03-04T05:06:07.000Z');
    expect(sut.running).toBe(7);
    expect(sut.byApplication.map((a) => [a.applicationId, a.running])).toEqual([
      ['a1', 5],
      ['b1', 2],
      ['a2', 0],
    ]);
    expect(sut.byPolicy.map((p) => [p.policyId, p.running])).toEqual([
      ['shared', 7],
      ['pa', 5],
      ['pb', 0],
    ]);
    expect(sut.lastMinute).toEqual({ ...zeroCounters(), started: 5, denied: 1, killed: 1 });
  });

  it("shows a tenant only its applications, and a shared policy's running streams on them only", () => {
    const sut = scope(GLOBAL, ['tb']);
    expect(sut.running).toBe(2);
    expect(sut.byApplication).toEqual([
      {
        applicationId: 'b1',
        applicationName: 'App b1',
        tenantId: 'tb',
        running: 2,
        lastMinute: expect.objectContaining({ started: expect.any(Number) }),
      },
    ]);
    expect(sut.byPolicy).toEqual([
      { policyId: 'shared', policyName: 'Shared', tenantId: 'ta', running: 2 },
      { policyId: 'pb', policyName: 'B policy', tenantId: 'tb', running: 0 },
    ]);
    expect(sut.lastMinute).toEqual({ ...zeroCounters(), started: 1, killed: 1 });
  });

  it('shows nothing to an operator without a tenant', () => {
    expect(scope(GLOBAL, [])).toEqual(expect.objectContaining({ running: 0, byApplication: [], byPolicy: [] }));
  });
});

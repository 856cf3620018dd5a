import { decideHeartbeat, decideInit, type DecisionSession, type InitInput } from './decide';
import type { EnginePolicy } from './types';

const now = new Date('2026-01-02T03:04:05.000Z');
const policy = (limit: number, onConflict: 'reject' | 'evict-oldest' = 'reject'): EnginePolicy => ({
  id: 'p1',
  name: 'Family plan',
  applicationIds: ['web', 'tv'],
  rules: [{ name: `${limit} streams`, limit, onConflict }],
});
const stream = (n: number, applicationId = 'web'): DecisionSession => ({
  id: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  applicationId,
  applicationName: applicationId === 'web' ? 'Web' : 'TV',
  terminationCode: `0000000${n}`,
  metadata: { channel: `c${n}` },
  startedAt: new Date(now.getTime() - (10 - n) * 1000),
});
const input = (overrides: Partial<InitInput>): InitInput => ({
  candidate: {
    id: '0190a000-0000-7000-8000-000000000099',
    terminationCode: 'abcdef01',
    applicationId: 'web',
    applicationName: 'Web',
    metadata: {},
  },
  now,
  running: [],
  policies: [policy(2)],
  terminate: [],
  ...overrides,
});

describe(decideInit.name, () => {
  it('kills the X-Terminate streams first, marks the new one superseded and gives the killed their 410 body', () => {
    const sut = decideInit(input({ running: [stream(1), stream(2)], terminate: ['00000001'] }));
    expect(sut).toMatchObject({ outcome: 'admit', metadata: { superseded: '00000001' } });
    if (sut.outcome !== 'admit') throw new Error('admitted');
    expect(sut.ends.map((e) => [e.session.id, e.reason])).toEqual([[stream(1).id, 'killed']]);
    expect(sut.ends[0].body.associatedAdvice[0]).toMatchObject({ type: 'remote-termination', terminator: { applicationName: 'Web' } });
  });

  it('leaves streams the caller may not see out of X-Terminate and out of the account cap', () => {
    const running = [stream(1, 'tv'), stream(2)];
    const visible = (s: DecisionSession) => s.applicationId === 'web';
    const sut = decideInit(input({ running, terminate: ['00000001'], visible, policies: [policy(3)], maxSessions: 2 }));
    expect(sut).toMatchObject({ outcome: 'admit', ends: [] });
    const capped = decideInit(input({ running, visible, policies: [policy(3)], maxSessions: 1 }));
    expect(capped).toMatchObject({ outcome: 'deny', policyIds: [] });
    if (capped.outcome !== 'deny') throw new Error('denied');
    expect(capped.body.associatedAdvice[0]).toMatchObject({ ruleName: 'CM_MAX_SESSIONS_PER_ACCOUNT', threshold: 1 });
  });

  it('denies over a reject rule naming the policy, and nothing is ended', () => {
    const sut = decideInit(input({ running: [stream(1), stream(2)], terminate: [] }));
    expect(sut).toMatchObject({ outcome: 'deny', policyIds: ['p1'] });
  });

  it('dismisses the oldest under evict-oldest with the new stream among the conflicts', () => {
    const sut = decideInit(input({ running: [stream(1), stream(2)], policies: [policy(2, 'evict-oldest')] }));
    if (sut.outcome !== 'admit') throw new Error('admitted');
    expect(sut.ends.map((e) => [e.session.id, e.reason])).toEqual([[stream(1).id, 'dismissed']]);
    const conflicts = sut.ends[0].body.associatedAdvice[0];
    expect(conflicts).toMatchObject({
      type: 'rule-violation',
      conflicts: { '0190a000-0000-7000-8000-000000000099': [{ terminationCode: 'abcdef01' }] },
    });
  });
});

describe(decideHeartbeat.name, () => {
  it('continues a stream within the limit and dismisses one past a lowered limit', () => {
    const running = [stream(1), stream(2)];
    expect(decideHeartbeat({ session: running[1], running, policies: [policy(2)] })).toEqual({ outcome: 'continue' });
    const sut = decideHeartbeat({ session: running[1], running, policies: [policy(1)] });
    expect(sut).toMatchObject({ outcome: 'dismiss' });
    if (sut.outcome !== 'dismiss') throw new Error('dismissed');
    expect(Object.keys((sut.body.associatedAdvice[0] as { conflicts: object }).conflicts)).toEqual([running[0].id]);
  });
});

import { checkCompliance as sut } from './compliance';
import { evaluate } from './evaluate';
import { policy, rule, session } from './spec-helpers';
import type { ComplianceResult } from './types';

const conflictKeys = (result: ComplianceResult) => (result.compliant ? [] : Object.keys(result.violations[0].conflicts));

describe(sut.name, () => {
  const three = [session(1), session(3), session(2)];

  it('under reject, keeps the earliest-started sessions up to the limit', () => {
    const policies = [policy([rule({ limit: 2 })])];
    expect(sut(session(1), three, policies)).toEqual({ compliant: true });
    expect(sut(session(2), three, policies)).toEqual({ compliant: true });
    const result = sut(session(3), three, policies);
    expect(conflictKeys(result)).toEqual([session(1).sessionId, session(2).sessionId]);
    expect(result).toMatchObject({ compliant: false, violations: [{ ruleIndex: 0, scopeValues: {} }] });
  });

  it('under evict-oldest, keeps the latest-started sessions up to the limit', () => {
    const policies = [policy([rule({ limit: 2, onConflict: 'evict-oldest' })])];
    expect(conflictKeys(sut(session(1), three, policies))).toEqual([session(2).sessionId, session(3).sessionId]);
    expect(sut(session(3), three, policies).compliant).toBe(true);
  });

  it('breaks startedAt ties by session id', () => {
    const tied = [session(2, {}, { startedAt: 5 }), session(1, {}, { startedAt: 5 })];
    expect(sut(tied[1], tied, [policy([rule({ limit: 1 })])]).compliant).toBe(true);
    expect(sut(tied[0], tied, [policy([rule({ limit: 1, onConflict: 'evict-oldest' })])]).compliant).toBe(true);
  });

  describe('countBy', () => {
    // d1 starts first, d2 is the most recently active value.
    const running = [
      session(1, { deviceId: 'd1' }),
      session(2, { deviceId: 'd2' }),
      session(3, { deviceId: 'd1' }),
      session(4, { deviceId: 'd2' }),
    ];

    it('under reject, keeps the values that started first, and every session of them', () => {
      const policies = [policy([rule({ limit: 1, countBy: 'deviceId' })])];
      expect(sut(running[2], running, policies).compliant).toBe(true);
      const result = sut(running[3], running, policies);
      expect(result.compliant === false && result.violations[0].conflicts).toEqual({ d1: [running[0], running[2]] });
    });

    it('under evict-oldest, keeps the values active most recently', () => {
      const policies = [policy([rule({ limit: 1, countBy: 'deviceId', onConflict: 'evict-oldest' })])];
      expect(sut(running[1], running, policies).compliant).toBe(true);
      expect(conflictKeys(sut(running[0], running, policies))).toEqual(['d2']);
    });

    it('agrees with evaluate after a lowered limit: a value outside the first ones is denied at init', () => {
      const policies = [policy([rule({ limit: 1, countBy: 'deviceId' })])];
      expect(evaluate(session(9, { deviceId: 'd2' }), running, policies).outcome).toBe('deny');
      expect(evaluate(session(9, { deviceId: 'd1' }), running, policies).outcome).toBe('admit');
    });
  });

  it('judges each scope group on its own', () => {
    const running = [session(1, { channel: 'a' }), session(2, { channel: 'b' })];
    expect(sut(running[1], running, [policy([rule({ limit: 1, scope: ['channel'] })])]).compliant).toBe(true);
  });

  it('ignores rules that do not concern the session', () => {
    const policies = [policy([rule({ limit: 0, where: [{ attribute: 'type', op: 'eq', value: 'live' }] })])];
    expect(sut(session(1, { type: 'vod' }), [session(1, { type: 'vod' })], policies).compliant).toBe(true);
  });

  it('counts the session even when it is missing from running', () => {
    expect(sut(session(1), [], [policy([rule({ limit: 0 })])]).compliant).toBe(false);
  });

  it('does not count sessions of applications the policy is not attached to', () => {
    const running = [session(1, {}, { applicationId: 'other' }), session(2)];
    expect(sut(session(2), running, [policy([rule({ limit: 1 })])]).compliant).toBe(true);
  });
});

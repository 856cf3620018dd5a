import type { RuleCondition } from '@cm/contracts';
import { evaluate as sut } from './evaluate';
import { policy, rule, session } from './spec-helpers';
import type { InitDecision } from './types';

const ids = (decision: InitDecision) =>
  decision.outcome === 'admit' ? decision.victims.map((v) => v.session.sessionId) : decision.violations.map((v) => v.rule.name);

describe(sut.name, () => {
  describe('stream limit', () => {
    const policies = [policy([rule({ name: 'cap', limit: 2 })])];

    it('admits while the count with the candidate stays within the limit', () => {
      expect(sut(session(9), [session(1)], policies)).toEqual({ outcome: 'admit', victims: [] });
    });

    it('denies the stream that would exceed it, naming the running sessions by id', () => {
      const running = [session(1), session(2)];
      const decision = sut(session(9), running, policies);
      expect(decision).toEqual({
        outcome: 'deny',
        violations: [
          {
            policy: policies[0],
            rule: policies[0].rules[0],
            ruleIndex: 0,
            limit: 2,
            scopeValues: {},
            conflicts: { [running[0].sessionId]: [running[0]], [running[1].sessionId]: [running[1]] },
          },
        ],
      });
    });

    it('ignores a running entry with the candidate id', () => {
      expect(sut(session(9), [session(1), session(9)], policies).outcome).toBe('admit');
    });
  });

  describe('countBy', () => {
    const policies = [policy([rule({ limit: 2, countBy: 'deviceId' })])];
    const running = [session(1, { deviceId: 'd1' }), session(2, { deviceId: 'd1' }), session(3, { deviceId: 'd2' })];

    it('counts two streams on one device once', () => {
      expect(sut(session(9, { deviceId: 'd1' }), running, policies).outcome).toBe('admit');
    });

    it('denies a new value over the limit, conflicts keyed by value', () => {
      const decision = sut(session(9, { deviceId: 'd3' }), running, policies);
      expect(decision.outcome === 'deny' && decision.violations[0].conflicts).toEqual({
        d1: [running[0], running[1]],
        d2: [running[2]],
      });
    });
  });

  describe('scope', () => {
    const policies = [policy([rule({ limit: 1, scope: ['channel'] })])];
    const running = [session(1, { channel: 'a' })];

    it('keeps a separate group per channel', () => {
      expect(sut(session(9, { channel: 'b' }), running, policies).outcome).toBe('admit');
    });

    it('denies in the same channel and reports the scope values', () => {
      const decision = sut(session(9, { channel: 'a' }), running, policies);
      expect(decision.outcome === 'deny' && decision.violations[0].scopeValues).toEqual({ channel: 'a' });
    });
  });

  describe('where', () => {
    // limit 0: any stream the rule concerns is denied, so the outcome tells whether the condition matched.
    const cases: Array<[RuleCondition, Record<string, string>, boolean]> = [
      [{ attribute: 'type', op: 'eq', value: 'live' }, { type: 'live' }, true],
      [{ attribute: 'type', op: 'eq', value: 'live' }, { type: 'vod' }, false],
      [{ attribute: 'type', op: 'eq', value: 'live' }, {}, false],
      [{ attribute: 'type', op: 'neq', value: 'live' }, { type: 'live' }, false],
      [{ attribute: 'type', op: 'neq', value: 'live' }, { type: 'vod' }, true],
      [{ attribute: 'type', op: 'neq', value: 'live' }, {}, true],
      [{ attribute: 'type', op: 'in', value: ['live', 'event'] }, { type: 'event' }, true],
      [{ attribute: 'type', op: 'in', value: ['live', 'event'] }, { type: 'vod' }, false],
      [{ attribute: 'type', op: 'in', value: ['live', 'event'] }, {}, false],
      [{ attribute: 'type', op: 'nin', value: ['live', 'event'] }, { type: 'event' }, false],
      [{ attribute: 'type', op: 'nin', value: ['live', 'event'] }, { type: 'vod' }, true],
      [{ attribute: 'type', op: 'nin', value: ['live', 'event'] }, {}, true],
      [{ attribute: 'type', op: 'exists' }, { type: 'x' }, true],
      [{ attribute: 'type', op: 'exists' }, {}, false],
      [{ attribute: 'type', op: 'exists', value: true }, { type: 'x' }, true],
      [{ attribute: 'type', op: 'exists', value: false }, { type: 'x' }, false],
      [{ attribute: 'type', op: 'exists', value: false }, {}, true],
      [{ attribute: 'constructor', op: 'exists' }, {}, false],
    ];

    it.each(cases)('%j on %j matches: %s', (condition, metadata, matches) => {
      const decision = sut(session(9, metadata), [], [policy([rule({ limit: 0, where: [condition] })])]);
      expect(decision.outcome).toBe(matches ? 'deny' : 'admit');
    });

    it('counts only the running streams that match', () => {
      const policies = [policy([rule({ limit: 1, where: [{ attribute: 'type', op: 'eq', value: 'live' }] })])];
      const running = [session(1, { type: 'vod' })];
      expect(sut(session(9, { type: 'live' }), running, policies).outcome).toBe('admit');
      expect(sut(session(9, { type: 'live' }), [session(1, { type: 'live' })], policies).outcome).toBe('deny');
    });
  });

  describe('evict-oldest', () => {
    const cap = rule({ name: 'cap', limit: 2, onConflict: 'evict-oldest' });

    it('dismisses the oldest session, and the violation names the winners', () => {
      const running = [session(2), session(1)];
      const candidate = session(9);
      const decision = sut(candidate, running, [policy([cap])]);
      expect(ids(decision)).toEqual([session(1).sessionId]);
      expect(decision.outcome === 'admit' && decision.victims[0].violation.conflicts).toEqual({
        [session(2).sessionId]: [session(2)],
        [candidate.sessionId]: [candidate],
      });
    });

    it('evicts down to the limit when a lowered limit is already exceeded, oldest by startedAt then id', () => {
      const running = [session(3, {}, { startedAt: 5 }), session(2, {}, { startedAt: 5 }), session(1, {}, { startedAt: 7 })];
      expect(ids(sut(session(9), running, [policy([cap])]))).toEqual([session(2).sessionId, session(3).sessionId]);
    });

    it('for countBy, dismisses every session of the value whose newest session is oldest', () => {
      const devices = rule({ limit: 2, countBy: 'deviceId', onConflict: 'evict-oldest' });
      const running = [
        session(1, { deviceId: 'd1' }),
        session(2, { deviceId: 'd2' }),
        session(3, { deviceId: 'd1' }),
        session(4, { deviceId: 'd2' }),
        session(5, { deviceId: 'd1' }),
      ];
      expect(ids(sut(session(9, { deviceId: 'd3' }), running, [policy([devices])]))).toEqual([session(2).sessionId, session(4).sessionId]);
      expect(ids(sut(session(9, { deviceId: 'd2' }), running, [policy([devices])]))).toEqual([]);
    });

    it('frees room for a reject rule evaluated afterwards', () => {
      const live = rule({ name: 'live', limit: 1, onConflict: 'evict-oldest', where: [{ attribute: 'type', op: 'eq', value: 'live' }] });
      const total = rule({ name: 'total', limit: 2 });
      const running = [session(1, { type: 'live' }), session(2, { type: 'vod' })];
      expect(ids(sut(session(9, { type: 'live' }), running, [policy([live, total])]))).toEqual([session(1).sessionId]);
    });

    it('evicts nothing when a reject rule denies the stream', () => {
      const rules = [cap, rule({ name: 'none', limit: 0 })];
      expect(sut(session(9), [session(1), session(2)], [policy(rules)])).toMatchObject({
        outcome: 'deny',
        violations: [{ rule: { name: 'none' }, ruleIndex: 1 }],
      });
    });
  });

  describe('limit 0', () => {
    it.each(['reject', 'evict-oldest'] as const)('denies every concerned stream under %s', (onConflict) => {
      expect(sut(session(9), [session(1)], [policy([rule({ limit: 0, onConflict })])]).outcome).toBe('deny');
    });
  });

  describe('limit from a claim', () => {
    const claimed = (n: number, climit?: string, extra: Record<string, string> = {}) =>
      session(n, { ...extra, ...(climit === undefined ? {} : { 'claims.climit': climit }) });

    it('takes the candidate claim as the limit, capped by maxLimit, and reports it as the violated limit', () => {
      const policies = [policy([rule({ name: 'household', limit: 1, limitClaim: 'climit', maxLimit: 3 })])];
      const running = [claimed(1, '2'), claimed(2, '2')];
      expect(sut(claimed(9, '2'), running.slice(0, 1), policies).outcome).toBe('admit');
      const denied = sut(claimed(9, '2'), running, policies);
      expect(denied.outcome === 'deny' && denied.violations[0].limit).toBe(2);
      expect(sut(claimed(9, '10'), running, policies).outcome).toBe('admit');
      const capped = sut(claimed(9, '10'), [...running, claimed(3, '10')], policies);
      expect(capped.outcome === 'deny' && capped.violations[0].limit).toBe(3);
    });

    it.each([[undefined], ['2.5'], ['-1'], ['1e3'], ['lots'], ['']])('falls back to limit when the claim is %p', (value) => {
      const policies = [policy([rule({ limit: 1, limitClaim: 'climit' })])];
      expect(sut(claimed(9, value), [claimed(1, '5')], policies).outcome).toBe('deny');
    });

    it('evicts down to the claimed limit under evict-oldest', () => {
      const policies = [policy([rule({ limit: 1, limitClaim: 'climit', onConflict: 'evict-oldest' })])];
      const running = [claimed(1, '2'), claimed(2, '2')];
      const decision = sut(claimed(9, '2'), running, policies);
      expect(decision.outcome === 'admit' && decision.victims.map((v) => v.session.sessionId)).toEqual([running[0].sessionId]);
    });

    it('counts distinct claim values and scopes by claims like any attribute', () => {
      const policies = [policy([rule({ limit: 1, countBy: 'claims.household', scope: ['claims.tier'] })])];
      const running = [session(1, { 'claims.household': 'h1', 'claims.tier': 'basic' })];
      expect(sut(session(9, { 'claims.household': 'h2', 'claims.tier': 'basic' }), running, policies).outcome).toBe('deny');
      expect(sut(session(9, { 'claims.household': 'h2', 'claims.tier': 'premium' }), running, policies).outcome).toBe('admit');
      expect(sut(session(9, { 'claims.household': 'h1', 'claims.tier': 'basic' }), running, policies).outcome).toBe('admit');
    });
  });

  describe('policies and applications', () => {
    it('reports the exceeded rules of every policy, in order', () => {
      const policies = [policy([rule({ name: 'a', limit: 1 })], { id: 'p1' }), policy([rule({ name: 'b', limit: 1 })], { id: 'p2' })];
      expect(ids(sut(session(9), [session(1)], policies))).toEqual(['a', 'b']);
    });

    it('does not count sessions of applications the policy is not attached to', () => {
      const policies = [policy([rule({ limit: 1 })], { applicationIds: ['app'] })];
      expect(sut(session(9), [session(1, {}, { applicationId: 'other' })], policies).outcome).toBe('admit');
    });

    it('counts sessions of every application a shared policy is attached to', () => {
      const policies = [policy([rule({ limit: 1 })], { applicationIds: ['app', 'tv'] })];
      expect(sut(session(9), [session(1, {}, { applicationId: 'tv' })], policies).outcome).toBe('deny');
    });

    it('admits anything without policies', () => {
      expect(sut(session(9), [session(1)], [])).toEqual({ outcome: 'admit', victims: [] });
    });
  });
});

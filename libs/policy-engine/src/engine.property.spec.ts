import type { PolicyRule, RuleCondition } from '@cm/contracts';
import fc from 'fast-check';
import { checkCompliance } from './compliance';
import { evaluate } from './evaluate';
import type { EnginePolicy, EngineSession } from './types';

const APPS = ['a', 'b'];

const conditionArb: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({ attribute: fc.constant('type'), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.constantFrom('live', 'vod') }),
  fc.record({ attribute: fc.constant('type'), op: fc.constantFrom('in' as const, 'nin' as const), value: fc.constant<string[]>(['live']) }),
  fc.record(
    { attribute: fc.constant('type'), op: fc.constant('exists' as const), value: fc.boolean() },
    { requiredKeys: ['attribute', 'op'] },
  ),
);

const ruleArb = (onConflict: fc.Arbitrary<PolicyRule['onConflict']>) =>
  fc.record(
    {
      limit: fc.integer({ min: 0, max: 3 }),
      countBy: fc.constant('deviceId'),
      scope: fc.constant<string[]>(['channel']),
      where: fc.array(conditionArb, { minLength: 1, maxLength: 2 }),
      onConflict,
    },
    { requiredKeys: ['limit', 'onConflict'] },
  );

const policiesArb = (onConflict = fc.constantFrom<PolicyRule['onConflict']>('reject', 'evict-oldest')) =>
  fc
    .array(
      fc.record({
        rules: fc.array(ruleArb(onConflict), { minLength: 1, maxLength: 3 }),
        applicationIds: fc.subarray(APPS, { minLength: 1 }),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map((specs): EnginePolicy[] =>
      specs.map((spec, p) => ({
        id: `p${p}`,
        name: `policy ${p}`,
        applicationIds: spec.applicationIds,
        rules: spec.rules.map((r, i) => ({ name: `r${i}`, ...r })),
      })),
    );

const metadataArb = fc.record(
  { channel: fc.constantFrom('c1', 'c2'), deviceId: fc.constantFrom('d1', 'd2', 'd3'), type: fc.constantFrom('live', 'vod') },
  { requiredKeys: ['channel', 'deviceId'] },
);

type Step = { kind: 'init'; app: string; metadata: Record<string, string>; dt: number } | { kind: 'stop'; pick: number };
const stepsArb: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('init' as const), app: fc.constantFrom(...APPS), metadata: metadataArb, dt: fc.nat(2) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }) },
  ),
  { maxLength: 40 },
);

const sessionId = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const attachedTo = (policies: EnginePolicy[], app: string) => policies.filter((p) => p.applicationIds.includes(app));

/** A naive oracle, independent of the engine's code: does the condition hold? */
function holds(c: RuleCondition, metadata: Record<string, string>): boolean {
  const v = metadata[c.attribute];
  if (c.op === 'eq') return v === c.value;
  if (c.op === 'neq') return v !== c.value;
  if (c.op === 'in') return (c.value as string[]).includes(v);
  if (c.op === 'nin') return !(c.value as string[]).includes(v);
  return (v !== undefined) === (c.value !== false);
}

/** A naive oracle of a rule's limit for streams that all carry the same `claims.climit` (or none). */
function limitOf(rule: PolicyRule, claim: string | undefined): number {
  if (rule.limitClaim === undefined || claim === undefined || !/^\d+$/.test(claim)) return rule.limit;
  return Math.min(Number(claim), rule.maxLimit ?? Number.MAX_SAFE_INTEGER);
}

/** Every rule group of every policy is within its limit (with the account's claimed limit, when it has one). */
function expectWithinLimits(running: EngineSession[], policies: EnginePolicy[], claim?: string): void {
  for (const policy of policies) {
    for (const rule of policy.rules as PolicyRule[]) {
      const groups = new Map<string, Set<string>>();
      for (const s of running) {
        if (!policy.applicationIds.includes(s.applicationId) || !(rule.where ?? []).every((c) => holds(c, s.metadata))) continue;
        const key = JSON.stringify((rule.scope ?? []).map((a) => s.metadata[a]));
        const counted = groups.get(key) ?? new Set<string>();
        counted.add(rule.countBy ? s.metadata[rule.countBy] : s.sessionId);
        groups.set(key, counted);
      }
      for (const counted of groups.values()) expect(counted.size).toBeLessThanOrEqual(limitOf(rule, claim));
    }
  }
}

/** Plays the steps like the session service would: admitted streams join, victims and stopped streams leave. */
function simulate(policies: EnginePolicy[], steps: Step[], afterStep: (running: EngineSession[], evicted: number) => void): void {
  let running: EngineSession[] = [];
  let now = 1_000;
  steps.forEach((step, n) => {
    let evicted = 0;
    if (step.kind === 'stop') {
      if (running.length > 0) running.splice(step.pick % running.length, 1);
    } else {
      now += step.dt;
      const candidate = { sessionId: sessionId(n), applicationId: step.app, startedAt: now, metadata: step.metadata };
      const decision = evaluate(candidate, running, attachedTo(policies, step.app));
      if (decision.outcome === 'admit') {
        const victims = new Set(decision.victims.map((v) => v.session.sessionId));
        evicted = victims.size;
        running = [...running.filter((s) => !victims.has(s.sessionId)), candidate];
      }
    }
    afterStep(running, evicted);
  });
}

const runs = { numRuns: 300 };

const expectAllCompliant = (running: EngineSession[], policies: EnginePolicy[]) => {
  for (const s of running) expect(checkCompliance(s, running, attachedTo(policies, s.applicationId))).toEqual({ compliant: true });
};

describe('policy engine properties', () => {
  it('never lets a rule group exceed its limit, whatever inits and stops happen', () => {
    fc.assert(
      fc.property(policiesArb(), stepsArb, (policies, steps) => {
        simulate(policies, steps, (running) => expectWithinLimits(running, policies));
      }),
      runs,
    );
  });

  it('decides the same whatever the order of the running sessions', () => {
    const arb = fc
      .tuple(policiesArb(), fc.array(fc.tuple(fc.constantFrom(...APPS), metadataArb, fc.nat(3)), { maxLength: 12 }), metadataArb)
      .chain(([policies, specs, metadata]) => {
        const running = specs.map(([app, md, t], i): EngineSession => ({
          sessionId: sessionId(i),
          applicationId: app,
          startedAt: t,
          metadata: md,
        }));
        const shuffled = fc.shuffledSubarray(running, { minLength: running.length, maxLength: running.length });
        return fc.tuple(fc.constant(policies), fc.constant(running), shuffled, fc.constant(metadata));
      });
    fc.assert(
      fc.property(arb, ([policies, running, shuffled, metadata]) => {
        const candidate = { sessionId: sessionId(99), applicationId: 'a', startedAt: 4, metadata };
        const attached = attachedTo(policies, 'a');
        expect(JSON.stringify(evaluate(candidate, shuffled, attached))).toBe(JSON.stringify(evaluate(candidate, running, attached)));
        for (const s of running) {
          const own = attachedTo(policies, s.applicationId);
          expect(JSON.stringify(checkCompliance(s, shuffled, own))).toBe(JSON.stringify(checkCompliance(s, running, own)));
        }
      }),
      runs,
    );
  });

  it('keeps every admitted, non-evicted session compliant under unchanged policies', () => {
    fc.assert(
      fc.property(policiesArb(), stepsArb, (policies, steps) => {
        simulate(policies, steps, (running) => expectAllCompliant(running, policies));
      }),
      runs,
    );
  });

  it('under reject rules, never evicts and keeps earlier sessions compliant as later ones are admitted', () => {
    fc.assert(
      fc.property(policiesArb(fc.constant('reject')), stepsArb, (policies, steps) => {
        simulate(policies, steps, (running, evicted) => {
          expect(evicted).toBe(0);
          expectAllCompliant(running, policies);
        });
      }),
      runs,
    );
  });

  describe('with limits taken from an entitlement claim', () => {
    const claimedPoliciesArb = policiesArb().chain((policies) =>
      fc
        .array(fc.record({ limitClaim: fc.boolean(), extra: fc.nat(2) }), {
          minLength: policies.flatMap((p) => p.rules).length,
          maxLength: 9,
        })
        .map((choices) => {
          let i = 0;
          return policies.map((p) => ({
            ...p,
            rules: p.rules.map((r) => {
              const { limitClaim, extra } = choices[i++];
              return limitClaim ? { ...r, limitClaim: 'climit', ...(extra > 0 ? { maxLimit: r.limit + extra } : {}) } : r;
            }),
          }));
        }),
    );
    const claimArb = fc.option(fc.constantFrom('0', '1', '2', '4', '9', 'many'), { nil: undefined });
    const withClaim = (steps: Step[], claim: string | undefined): Step[] =>
      steps.map((step) =>
        step.kind === 'init' && claim !== undefined ? { ...step, metadata: { ...step.metadata, 'claims.climit': claim } } : step,
      );

    it('never lets a group exceed the claimed limit (capped by maxLimit), and keeps admitted sessions compliant', () => {
      fc.assert(
        fc.property(claimedPoliciesArb, stepsArb, claimArb, (policies, steps, claim) => {
          simulate(policies, withClaim(steps, claim), (running) => {
            expectWithinLimits(running, policies, claim);
            expectAllCompliant(running, policies);
          });
        }),
        runs,
      );
    });
  });
});

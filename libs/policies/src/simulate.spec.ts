import type { PolicyRule } from '@cm/contracts';
import { simulate, type SimulatedSession, type SimulationInput } from './simulate';

const now = new Date('2026-01-02T03:04:05.000Z');

function session(n: number, metadata: Record<string, string> = {}, overrides: Partial<SimulatedSession> = {}): SimulatedSession {
  return {
    sessionId: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    applicationId: 'web',
    applicationName: 'Web player',
    terminationCode: `0000000${n}`,
    startedAt: new Date(now.getTime() - (10 - n) * 1000),
    metadata,
    ...overrides,
  };
}

function input(
  rules: PolicyRule[],
  running: SimulatedSession[],
  metadata: Record<string, string>,
  terminate: string[] = [],
): SimulationInput {
  return {
    policies: [{ id: 'p', name: 'sim policy', rules }],
    running,
    candidate: { applicationId: 'web', applicationName: 'Web player', metadata, heartbeatIntervalSeconds: 60 },
    terminate,
    now,
  };
}

describe(simulate.name, () => {
  it('admits with the init body the player would get', () => {
    const sut = simulate(input([{ name: 'cap', limit: 2, onConflict: 'reject' }], [session(1)], {}));
    expect(sut.decision).toBe('admit');
    expect(sut.status).toBe(202);
    expect(sut.body).toEqual({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      terminationCode: expect.stringMatching(/^[0-9a-f]{8}$/),
      expires: now.getTime() + 60_000,
    });
    expect(sut.dismissed).toEqual([]);
  });

  it('denies with the rule-violation body naming the conflicting sessions', () => {
    const sut = simulate(
      input([{ name: 'one', limit: 1, onConflict: 'reject', message: 'Only one' }], [session(1, { channel: 'news' })], {}),
    );
    expect(sut).toMatchObject({ decision: 'deny', status: 409, dismissed: [] });
    expect(sut.body).toEqual({
      associatedAdvice: [
        {
          type: 'rule-violation',
          message: 'Only one',
          policyName: 'sim policy',
          ruleName: 'one',
          attribute: 'streamId',
          threshold: 1,
          scope: [],
          conflicts: {
            [session(1).sessionId]: [
              {
                terminationCode: '00000001',
                metadata: { channel: 'news' },
                channel: 'news',
                startedAt: session(1).startedAt.toISOString(),
                deviceName: 'Unknown',
                applicationName: 'Web player',
              },
            ],
          },
        },
      ],
      obligations: [],
    });
  });

  it('evicts the oldest under latest-wins and gives each victim the body of its next heartbeat', () => {
    const rules: PolicyRule[] = [{ name: '2 devices', limit: 2, countBy: 'deviceId', onConflict: 'evict-oldest' }];
    const sut = simulate(input(rules, [session(1, { deviceId: 'a' }), session(2, { deviceId: 'b' })], { deviceId: 'c' }));
    expect(sut.decision).toBe('admit');
    expect(sut.dismissed).toHaveLength(1);
    const [victim] = sut.dismissed;
    expect(victim).toMatchObject({ sessionId: session(1).sessionId, terminationCode: '00000001', reason: 'dismissed', status: 409 });
    const advice = (victim.body.associatedAdvice[0] as { conflicts: Record<string, unknown[]> }).conflicts;
    expect(Object.keys(advice).sort()).toEqual(['b', 'c']);
  });

  it('answers missing-metadata with the refresh obligation', () => {
    const sut = simulate(input([{ name: 'per channel', limit: 1, scope: ['channel'], onConflict: 'reject' }], [], {}));
    expect(sut).toMatchObject({ decision: 'missing-metadata', status: 400, missing: ['channel'] });
    expect(sut.body).toEqual({
      associatedAdvice: [],
      obligations: [{ namespace: 'adobe.primetime.cm', action: 'refresh', arguments: ['metadata'] }],
    });
  });

  it('makes room with terminate codes: the killed session gets a remote-termination body', () => {
    const sut = simulate(input([{ name: 'one', limit: 1, onConflict: 'reject' }], [session(1)], { channel: 'sports' }, ['00000001']));
    expect(sut.decision).toBe('admit');
    expect(sut.dismissed).toEqual([
      {
        sessionId: session(1).sessionId,
        terminationCode: '00000001',
        reason: 'killed',
        status: 410,
        body: {
          associatedAdvice: [
            {
              type: 'remote-termination',
              message: 'This session was terminated by a remote user',
              terminator: { channel: 'sports', startedAt: now.toISOString(), deviceName: 'Unknown', applicationName: 'Web player' },
            },
          ],
          obligations: [],
        },
      },
    ]);
  });

  describe('with entitlement claims', () => {
    const rules: PolicyRule[] = [
      {
        name: 'premium household',
        limit: 1,
        limitClaim: 'climit',
        maxLimit: 3,
        where: [{ attribute: 'claims.tier', op: 'eq', value: 'premium' }],
        onConflict: 'reject',
      },
    ];

    it('decides with the limit the claim gives, reporting it as the threshold', () => {
      const running = [
        session(1, { 'claims.tier': 'premium', 'claims.climit': '2' }),
        session(2, { 'claims.tier': 'premium', 'claims.climit': '2' }),
      ];
      expect(simulate(input(rules, running.slice(0, 1), { 'claims.tier': 'premium', 'claims.climit': '2' })).decision).toBe('admit');
      const denied = simulate(input(rules, running, { 'claims.tier': 'premium', 'claims.climit': '2', 'claims.email': 'a@b.c' }));
      expect(denied.decision).toBe('deny');
      expect(denied.body).toMatchObject({ associatedAdvice: [{ threshold: 2, ruleName: 'premium household' }] });
    });

    it('keeps only the claims the policies read', () => {
      const sut = simulate(input(rules, [], { 'claims.tier': 'premium', 'claims.email': 'a@b.c' }));
      expect(sut.decision).toBe('admit');
      const denied = simulate(
        input(rules, [session(1, { 'claims.tier': 'premium', 'claims.email': 'x@y.z' })], { 'claims.tier': 'premium' }),
      );
      expect(JSON.stringify(denied.body)).not.toContain('x@y.z');
    });

    it('answers 401 like the CM API when a claim the rules name is missing', () => {
      const sut = simulate(input(rules, [], { channel: 'news' }));
      expect(sut).toMatchObject({
        decision: 'missing-claims',
        status: 401,
        missing: ['claims.tier'],
        body: { code: 'ENTITLEMENT_REJECTED', reason: 'claims' },
      });
    });
  });
});

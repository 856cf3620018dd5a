import fc from 'fast-check';
import type { AnyRule, PolicyRule, RuleCondition } from '@cm/contracts';
import { givenApplication, player, startTestApp, STORES, type TestApp } from '../support/app';
import { adminApi, type ManagementSession } from '../support/management';

/**
 * The policy simulator and the CM API share one decision (`decideInit`, and `decideDeviceRegistration` for device
 * registers): for random policies (with or without a device cap), running streams, registered devices, candidates and
 * X-Terminate codes, `POST /policies/simulate` predicts exactly what the real init answers (status and body), which
 * streams it ends, and what their next heartbeat gets.
 */

const conditionArb: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({ attribute: fc.constant('type'), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.constantFrom('live', 'vod') }),
  fc.record({ attribute: fc.constant('type'), op: fc.constant('exists' as const), value: fc.constant(true) }),
);

const rulesArb: fc.Arbitrary<PolicyRule[]> = fc
  .array(
    fc.record(
      {
        limit: fc.integer({ min: 0, max: 3 }),
        countBy: fc.constant('deviceId'),
        scope: fc.constant<string[]>(['channel']),
        where: fc.array(conditionArb, { minLength: 1, maxLength: 1 }),
        onConflict: fc.constantFrom('reject' as const, 'evict-oldest' as const),
      },
      { requiredKeys: ['limit', 'onConflict'] },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((rules) => rules.map((r, i) => ({ name: `rule ${i}`, ...r })));

const metadataArb = fc.record(
  { channel: fc.constantFrom('c1', 'c2'), deviceId: fc.constantFrom('d1', 'd2', 'd3'), type: fc.constantFrom('live', 'vod') },
  { requiredKeys: ['channel', 'deviceId'] },
);

/** A device cap (0–3 devices) before the concurrency rules, or none. */
const withDevicesArb: fc.Arbitrary<AnyRule[]> = fc
  .tuple(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), rulesArb)
  .map(([cap, rules]) =>
    cap === undefined ? rules : [{ type: 'device-registration', name: `${cap} devices`, limit: cap, by: 'deviceId' }, ...rules],
  );

const scenarioArb = fc.record({
  rules: withDevicesArb,
  earlier: fc.array(metadataArb, { maxLength: 5 }),
  candidate: metadataArb,
  /** Indexes into the running streams' codes for X-Terminate, plus maybe a code nobody has. */
  terminate: fc.array(fc.nat(5), { maxLength: 2 }),
  bogusCode: fc.boolean(),
});

/** A new stream's id, code and start differ between the simulation and the real init: name them alike. */
function normalise(value: unknown, ids: Map<string, string>, knownStarts: Set<string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => normalise(v, ids, knownStarts));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        ids.get(k) ?? k,
        k === 'startedAt' && typeof v === 'string' && !knownStarts.has(v) ? '<new stream>' : normalise(v, ids, knownStarts),
      ]),
    );
  }
  return value;
}

describe.each(STORES)('policy simulator vs the CM API (%s store)', (store) => {
  let t: TestApp;
  let admin: ManagementSession;
  beforeAll(async () => {
    t = await startTestApp({ adapter: 'fastify', store });
    admin = await adminApi(t);
  });
  afterAll(() => t.close());

  it('answers what the real init answers, for random policies and streams', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        run += 1;
        const { application, policy } = await givenApplication(t, s.rules);
        const p = player(t.url, application.id);
        const subject = `sim-${run}`;
        for (const metadata of s.earlier) await p.init('idp', subject, metadata);
        const listed = (await p.running('idp', subject)).body.runningStreams as Array<{
          sessionId: string;
          startTime: number;
          terminationCode: string;
          metadata: Record<string, string>;
        }>;
        const codes = listed.map((r) => r.terminationCode);
        const devices = (await p.raw('GET', `/v2/devices/idp/${subject}`)).body.devices as unknown[];
        const terminate = [...new Set(s.terminate.flatMap((i) => (i < codes.length ? [codes[i]] : [])))];
        if (s.bogusCode) terminate.push('0badc0de');

        const simulated = await admin.api('POST', '/policies/simulate', {
          policyIds: [policy.id],
          sessions: listed.map((r) => ({
            sessionId: r.sessionId,
            applicationId: application.id,
            terminationCode: r.terminationCode,
            startedAt: new Date(r.startTime).toISOString(),
            metadata: r.metadata,
          })),
          candidate: { applicationId: application.id, metadata: s.candidate },
          terminate,
          devices,
        });
        expect(simulated.status).toBe(200);
        const real = await p.init('idp', subject, s.candidate, terminate.length > 0 ? { 'x-terminate': terminate.join(',') } : {});

        const ids = new Map<string, string>();
        if (simulated.body.decision === 'admit' && real.status === 202) {
          ids.set(simulated.body.body.sessionId, '<new id>').set(real.body.sessionId, '<new id>');
          ids.set(simulated.body.body.terminationCode, '<new code>').set(real.body.terminationCode, '<new code>');
        }
        const knownStarts = new Set(listed.map((r) => new Date(r.startTime).toISOString()));
        const same = (v: unknown) => normalise(v, ids, knownStarts);
        expect({ status: real.status, body: same(real.body) }).toEqual({
          status: simulated.body.status,
          body: same(simulated.body.status === 202 ? { ...simulated.body.body, expires: real.body?.expires } : simulated.body.body),
        });

        // The streams it ends get the predicted answer at their next heartbeat; the others play on.
        const ended = new Map<string, { status: number; body: unknown }>(
          (simulated.body.dismissed as Array<{ sessionId: string; status: number; body: unknown }>).map((d) => [d.sessionId, d]),
        );
        for (const r of listed) {
          const beat = await p.heartbeat('idp', subject, r.sessionId);
          const expected = ended.get(r.sessionId);
          expect({ session: r.sessionId, status: beat.status, body: same(beat.body) }).toEqual({
            session: r.sessionId,
            status: expected?.status ?? 202,
            body: expected ? same(expected.body) : undefined,
          });
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a device cap: the simulator, given the registered devices, answers what the real init answers', async () => {
    const { application, policy } = await givenApplication(t, [
      { type: 'device-registration', name: '2 screens', limit: 2, by: 'deviceId', message: 'Two devices per account' },
      { name: 'cap 5', limit: 5 },
    ]);
    const p = player(t.url, application.id);
    expect((await p.init('idp', 'devices', { deviceId: 'tv', deviceName: 'Living room TV', platform: 'tvOS' })).status).toBe(202);
    expect((await p.init('idp', 'devices', { deviceId: 'phone', deviceName: 'Phone' })).status).toBe(202);
    const devices = (await p.raw('GET', '/v2/devices/idp/devices')).body.devices as Array<{ deviceId: string }>;
    expect(devices.map((d) => d.deviceId)).toEqual(['tv', 'phone']);

    const simulate = (metadata: Record<string, string>) =>
      admin.api('POST', '/policies/simulate', { policyIds: [policy.id], candidate: { applicationId: application.id, metadata }, devices });

    // A third device: denied with the device-limit advice listing the registered devices, byte for byte.
    const denied = await simulate({ deviceId: 'laptop' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      decision: 'deny',
      status: 409,
      devices: [{ policyName: policy.name, ruleName: '2 screens', deviceId: 'laptop', outcome: 'full', registered: 2, limit: 2 }],
    });
    expect(denied.body.body.associatedAdvice[0]).toMatchObject({ type: 'device-limit', message: 'Two devices per account' });
    const real = await p.init('idp', 'devices', { deviceId: 'laptop' });
    expect({ status: real.status, body: real.body }).toEqual({ status: denied.body.status, body: denied.body.body });

    // A registered device plays.
    const known = await simulate({ deviceId: 'phone' });
    expect(known.body).toMatchObject({ decision: 'admit', status: 202, devices: [expect.objectContaining({ outcome: 'known' })] });
    expect((await p.init('idp', 'devices', { deviceId: 'phone' })).status).toBe(202);

    // Under the cap a new device registers.
    const fewer = await admin.api('POST', '/policies/simulate', {
      policyIds: [policy.id],
      candidate: { applicationId: application.id, metadata: { deviceId: 'laptop' } },
      devices: [{ deviceId: 'tv' }],
    });
    expect(fewer.body).toMatchObject({ decision: 'admit', devices: [expect.objectContaining({ outcome: 'registered', registered: 1 })] });

    // A device given twice is a clear 400 naming it.
    const twice = await admin.api('POST', '/policies/simulate', {
      policyIds: [policy.id],
      candidate: { metadata: { deviceId: 'x' } },
      devices: [{ deviceId: 'tv' }, { deviceId: 'tv' }],
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toContain('devices[1].deviceId');
  });
});

import { ConcurrencyClient, type PlaybackSession, type PlaybackSessionEvents, type StartResult } from '@cm/client';
import { givenApplication, startTestApp, type TestApp } from '../support/app';

/** Resolves with the next `event` of `session`. */
const next = <K extends keyof PlaybackSessionEvents>(session: PlaybackSession, event: K) =>
  new Promise<PlaybackSessionEvents[K]>((resolve) => session.once(event, resolve));

function admitted(result: StartResult): PlaybackSession {
  if (!result.admitted) throw new Error(`expected admission, got ${JSON.stringify(result.body)}`);
  return result.session;
}

describe('player SDK against the server', () => {
  let t: TestApp;
  let demo: ConcurrencyClient;
  const sessions: PlaybackSession[] = [];

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'express' });
    demo = new ConcurrencyClient({ baseUrl: t.url, applicationId: 'demo-app' });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });
  afterAll(() => t.close());

  const start = async (client: ConcurrencyClient, request: Parameters<ConcurrencyClient['start']>[0]) => {
    const result = await client.start(request);
    if (result.admitted) sessions.push(result.session);
    return result;
  };

  it('starts, heartbeats and stops a stream', async () => {
    expect(await demo.metadata()).toEqual([]);
    const session = admitted(
      await start(demo, { idp: 'idp 1', subject: 'alice', metadata: { channel: 'news', deviceName: 'Kitchen TV' } }),
    );
    expect(session.terminationCode).toMatch(/^[0-9a-f]{8}$/);
    expect(session.expiresInMs).toBeGreaterThan(55_000);

    const beat = next(session, 'heartbeat');
    expect(await session.heartbeatNow()).toBe('playing');
    const { expiresInMs } = await beat;
    expect(expiresInMs).toBeGreaterThanOrEqual(59_000);
    expect(expiresInMs).toBeLessThanOrEqual(61_000);

    const running = await session.runningStreams();
    expect(running.runningStreams).toEqual([
      expect.objectContaining({ sessionId: session.sessionId, metadata: { channel: 'news', deviceName: 'Kitchen TV' } }),
    ]);

    expect(await session.stop()).toBe('stopped');
    expect(session.state).toBe('stopped');
    expect((await demo.runningStreams('idp 1', 'alice')).runningStreams).toEqual([]);
    expect(await session.stop()).toBe('already-ended');
  });

  it('heartbeats by itself on the schedule the server gives (10 s interval, time scaled)', async () => {
    const { application } = await givenApplication(t, [{ name: 'cap', limit: 5, onConflict: 'reject' }], { heartbeatIntervalSeconds: 10 });
    const fast = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id, timeScale: 20 });
    const session = admitted(await start(fast, { idp: 'idp', subject: 'scheduled' }));
    const beats: number[] = [];
    session.on('heartbeat', (e) => beats.push(e.expiresInMs));

    await new Promise<void>((resolve) => session.on('heartbeat', () => beats.length === 2 && resolve()));

    expect(beats.every((ms) => ms >= 9_000 && ms <= 11_000)).toBe(true);
    expect(session.state).toBe('playing');
  });

  it('denies a stream over the limit with the conflicting streams, then starts it by terminating one', async () => {
    const three: PlaybackSession[] = [];
    for (const channel of ['a', 'b', 'c']) three.push(admitted(await start(demo, { idp: 'idp', subject: 'full', metadata: { channel } })));

    const denied = await start(demo, { idp: 'idp', subject: 'full', metadata: { channel: 'd' } });
    expect(denied.admitted).toBe(false);
    if (denied.admitted) return;
    expect(denied.advice).toEqual([expect.objectContaining({ type: 'rule-violation', policyName: 'demo-policy', threshold: 3 })]);
    expect(denied.conflicts.map((c) => c.terminationCode).sort()).toEqual(three.map((s) => s.terminationCode).sort());
    expect(denied.conflicts.find((c) => c.terminationCode === three[0].terminationCode)).toMatchObject({
      channel: 'a',
      applicationName: 'Demo application',
      key: three[0].sessionId,
    });

    const victim = three[0];
    const replacement = admitted(
      await start(demo, { idp: 'idp', subject: 'full', metadata: { channel: 'd' }, terminate: [denied.conflicts[0].terminationCode] }),
    );
    expect(replacement.state).toBe('playing');

    const terminated = next(victim, 'terminated');
    expect(await victim.heartbeatNow()).toBe('terminated');
    expect((await terminated).advice).toMatchObject({
      type: 'remote-termination',
      terminator: { channel: 'd', applicationName: 'Demo application' },
    });
    expect(await victim.stop()).toBe('already-ended');
  });

  it('emits dismissed on the heartbeat after a newer stream evicted this one (latest wins)', async () => {
    const { application } = await givenApplication(t, [{ name: 'one at a time', limit: 1, onConflict: 'evict-oldest' }], {
      heartbeatIntervalSeconds: 10,
    });
    const fast = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id, timeScale: 20 });
    const first = admitted(await start(fast, { idp: 'idp', subject: 'latest-wins', metadata: { deviceName: 'Phone' } }));
    const dismissed = next(first, 'dismissed');

    const second = admitted(await start(fast, { idp: 'idp', subject: 'latest-wins', metadata: { deviceName: 'TV' } }));

    const event = await dismissed; // on first's own schedule: (10 s − 2 s margin) / 20
    expect(first.state).toBe('dismissed');
    expect(event.advice).toEqual([expect.objectContaining({ ruleName: 'one at a time', threshold: 1 })]);
    expect(event.conflicts).toEqual([expect.objectContaining({ terminationCode: second.terminationCode, deviceName: 'TV' })]);
    expect(second.state).toBe('playing');
  });

  it('emits expired once the sweeper ended a silent session', async () => {
    const session = admitted(await start(demo, { idp: 'idp', subject: 'silent' }));
    await t.sql(`UPDATE sessions SET expires_at = now() - interval '1 hour' WHERE id = $1`, [session.sessionId]);
    await t.sweeper.sweep();

    const expired = next(session, 'expired');
    expect(await session.heartbeatNow()).toBe('expired');
    expect(await expired).toEqual({ reason: 'server' });
  });

  it('says which metadata the policies need, and refuses a start without it', async () => {
    const { application } = await givenApplication(t, [{ name: 'per channel', limit: 2, scope: ['channel'], onConflict: 'reject' }]);
    const client = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id });
    expect(await client.metadata()).toEqual(['channel']);
    await expect(client.start({ idp: 'idp', subject: 'bob' })).rejects.toMatchObject({ kind: 'missing-metadata', status: 400 });
    admitted(await start(client, { idp: 'idp', subject: 'bob', metadata: { channel: 'news' } }));
  });

  it('authenticates with the application secret', async () => {
    const { application, secret } = await givenApplication(t, [{ name: 'cap', limit: 3, onConflict: 'reject' }], { requireSecret: true });
    const wrong = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id, secret: 'nope' });
    await expect(wrong.start({ idp: 'idp', subject: 'carol' })).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
    const right = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id, secret: secret! });
    admitted(await start(right, { idp: 'idp', subject: 'carol' }));
  });

  it('a heartbeat that tries to change an identifying key is refused; the session plays on', async () => {
    const session = admitted(await start(demo, { idp: 'idp', subject: 'dave', metadata: { channel: 'news' } }));
    await expect(session.heartbeatNow({ channel: 'sports' })).rejects.toMatchObject({ kind: 'bad-request', status: 400 });
    expect(session.state).toBe('playing');
    expect(await session.heartbeatNow({ quality: 'hd' })).toBe('playing');
  });

  it('a device-limit denial lists the registered devices; the viewer removes one within the swap quota and plays', async () => {
    const { application } = await givenApplication(t, [
      { type: 'device-registration', name: '2 devices', limit: 2, swap: { max: 1, windowDays: 30 } },
      { name: 'cap 10', limit: 10 },
    ]);
    const client = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id });
    expect(await client.devices('idp', 'erin')).toEqual({
      devices: [],
      limit: 2,
      swap: { max: 1, windowDays: 30, used: 0, nextRemovalAt: null },
    });
    const tv = admitted(await start(client, { idp: 'idp', subject: 'erin', metadata: { deviceId: 'tv', deviceName: 'Living room TV' } }));
    admitted(await start(client, { idp: 'idp', subject: 'erin', metadata: { deviceId: 'phone', deviceName: 'Phone' } }));

    const denied = await start(client, { idp: 'idp', subject: 'erin', metadata: { deviceId: 'laptop', deviceName: 'Laptop' } });
    if (denied.admitted) throw new Error('expected a device-limit denial');
    expect(denied.reason).toBe('device-limit');
    expect(denied.advice).toEqual([]);
    expect(denied.conflicts).toEqual([]);
    expect(denied.deviceLimit).toEqual([expect.objectContaining({ type: 'device-limit', ruleName: '2 devices', threshold: 2 })]);
    expect(denied.devices.map((d) => [d.deviceId, d.name])).toEqual([
      ['tv', 'Living room TV'],
      ['phone', 'Phone'],
    ]);

    // The viewer picks the TV: removed, its stream learns it at the next heartbeat.
    const removed = new Promise<PlaybackSessionEvents['deviceRemoved']>((resolve) => tv.once('deviceRemoved', resolve));
    expect(await client.removeDevice('idp', 'erin', 'tv')).toEqual({ removed: true });
    expect(await tv.heartbeatNow()).toBe('terminated');
    expect((await removed).advice).toMatchObject({ type: 'device-removed', deviceId: 'tv', removedBy: 'viewer' });
    admitted(await start(client, { idp: 'idp', subject: 'erin', metadata: { deviceId: 'laptop', deviceName: 'Laptop' } }));

    // The quota (1 in 30 days) is used up: refused with when the next removal is allowed; nothing removed.
    const refused = await client.removeDevice('idp', 'erin', 'phone');
    if (refused.removed || refused.reason !== 'swap-limit')
      throw new Error(`expected a swap-limit refusal, got ${JSON.stringify(refused)}`);
    expect(refused.advice).toMatchObject({ type: 'swap-limit', max: 1, windowDays: 30 });
    expect(refused.nextRemovalAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(refused.nextRemovalAt.getTime()).toBeLessThan(Date.now() + 31 * 86_400_000);
    const listed = await client.devices('idp', 'erin');
    expect(listed.devices.map((d) => d.deviceId)).toEqual(['phone', 'laptop']);
    expect(listed.swap).toEqual({ max: 1, windowDays: 30, used: 1, nextRemovalAt: refused.advice.nextRemovalAt });
    expect(await client.removeDevice('idp', 'erin', 'never-seen')).toEqual({ removed: false, reason: 'unknown' });
  });

  it('a streams denial says so, with no devices', async () => {
    const { application } = await givenApplication(t, [{ name: 'one', limit: 1, onConflict: 'reject' }]);
    const client = new ConcurrencyClient({ baseUrl: t.url, applicationId: application.id });
    admitted(await start(client, { idp: 'idp', subject: 'frank' }));
    const denied = await start(client, { idp: 'idp', subject: 'frank' });
    if (denied.admitted) throw new Error('expected a denial');
    expect(denied.reason).toBe('streams');
    expect(denied.conflicts).toHaveLength(1);
    expect(denied.devices).toEqual([]);
    expect(await client.devices('idp', 'frank')).toEqual({ devices: [], limit: 0, swap: null });
  });
});

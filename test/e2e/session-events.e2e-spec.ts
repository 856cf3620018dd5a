import { EventEmitter2 } from '@nestjs/event-emitter';
import { SessionEvents } from '@cm/sessions';
import { player, startTestApp, type TestApp } from '../support/app';

describe('session domain events', () => {
  let t: TestApp;
  const seen: Array<{ name: string; reason?: string; sessionId?: string }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    const events = t.app.get(EventEmitter2);
    for (const name of Object.values(SessionEvents)) {
      events.on(name, (e: { reason?: string; sessionId?: string }) => seen.push({ name, reason: e.reason, sessionId: e.sessionId }));
    }
  });
  afterAll(() => t.close());

  it('emits started, denied and ended with the reason', async () => {
    const p = player(t.url, 'demo-app');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await p.init('idp', 'events', {})).body.sessionId);
    await p.init('idp', 'events', {});
    await p.stop('idp', 'events', ids[0]);
    const killer = await p.init(
      'idp',
      'events',
      {},
      { 'X-Terminate': (await p.running('idp', 'events')).body.runningStreams[0].terminationCode },
    );
    expect(killer.status).toBe(202);
    await t.sql(`UPDATE sessions SET expires_at = now() - interval '1 hour' WHERE id = $1`, [ids[2]]);
    await t.sweeper.sweep();

    expect(seen.filter((e) => e.name === 'session.started')).toHaveLength(4);
    expect(seen.filter((e) => e.name === 'session.denied')).toHaveLength(1);
    expect(seen.filter((e) => e.name === 'session.ended').map((e) => [e.sessionId, e.reason])).toEqual([
      [ids[0], 'stopped'],
      [ids[1], 'killed'],
      [ids[2], 'expired'],
    ]);
  });
});

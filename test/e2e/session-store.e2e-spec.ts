import { EventEmitter2 } from '@nestjs/event-emitter';
import { SESSION_RECORDS, SessionEvents, type SessionRecords } from '@cm/sessions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { givenApplication, player, startTestApp, STORES, type TestApp } from '../support/app';
import { redisTarget, type StoreTarget } from '../support/stores';
import { type Api, apiAs, eventually } from './management-helpers';

/**
 * What every session store does beyond the player calls, on both stores: the sweeper (exactly once across
 * processes), running counts, the operator's look-up and kill, deleting an application, the retention purge.
 */
describe.each(STORES)('session store duties, sessions in %s', (kind) => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let admin: Api;
  const ended: Array<{ sessionId: string; reason: string }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('store');
    const store: StoreTarget = kind === 'redis' ? redisTarget() : { kind };
    one = await startTestApp({ database, store });
    two = await startTestApp({ database, store, adapter: 'fastify' });
    admin = await apiAs(one, 'admin');
    for (const t of [one, two]) {
      t.app.get(EventEmitter2).on(SessionEvents.ended, (e: { sessionId: string; reason: string }) => ended.push(e));
    }
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database.drop();
  });

  const live = async () =>
    (await admin('GET', '/api/v1/usage/live')).body as { byApplication: Array<{ applicationId: string; running: number }> };
  const runningOf = async (applicationId: string) => (await live()).byApplication.find((a) => a.applicationId === applicationId)?.running;

  it('counts running sessions per application, without the silent ones, and the sweepers end each silent one once', async () => {
    const { application } = await givenApplication(one, [{ name: 'cap 5', limit: 5 }]);
    const p = player(one.url, application.id);
    const ids: string[] = [];
    for (const subject of ['s1', 's2', 's3']) ids.push((await p.init('idp', subject, {})).body.sessionId);
    expect(await runningOf(application.id)).toBe(3);

    await one.backdate(ids[0], 3600);
    // Silent (expiry + grace passed) but not swept yet: no longer running.
    expect(await runningOf(application.id)).toBe(2);
    expect((await p.heartbeat('idp', 's1', ids[0])).status).toBe(410);

    await one.backdate(ids[1], 3600);
    await Promise.all([one.sweeper.sweep(), two.sweeper.sweep(), one.sweeper.sweep()]);
    expect((await one.stored(ids[1]))?.endReason).toBe('expired');
    expect(ended.filter((e) => e.sessionId === ids[1])).toEqual([expect.objectContaining({ reason: 'expired' })]);
    expect(await runningOf(application.id)).toBe(1);
    expect((await p.heartbeat('idp', 's3', ids[2])).status).toBe(202);
  });

  it('finds a session by id for the operator, who kills it from either process', async () => {
    const demo = player(one.url, 'demo-app');
    const a = await demo.init('op', 'kill-me', { deviceName: 'Phone' });
    const b = await demo.init('op', 'kill-me', {});
    await demo.stop('op', 'kill-me', b.body.sessionId);
    const look = await admin('GET', '/api/v1/subjects/op/kill-me/sessions');
    expect(look.body.running.map((s: { id: string }) => s.id)).toEqual([a.body.sessionId]);
    expect(look.body.ended.map((s: { id: string; endReason: string }) => [s.id, s.endReason])).toEqual([[b.body.sessionId, 'stopped']]);

    const adminTwo = await apiAs(two, 'admin');
    expect((await adminTwo('DELETE', `/api/v1/sessions/${a.body.sessionId}`)).status).toBe(204);
    expect((await admin('DELETE', `/api/v1/sessions/${a.body.sessionId}`)).status).toBe(409);
    expect((await admin('DELETE', '/api/v1/sessions/0190a000-0000-7000-8000-000000000000')).status).toBe(404);
    const hb = await player(two.url, 'demo-app').heartbeat('op', 'kill-me', a.body.sessionId);
    expect(hb.status).toBe(410);
    expect(hb.body.associatedAdvice[0].terminator.applicationName).toBe('Operator console');
  });

  it('ends the sessions of a deleted application as killed, and frees their places', async () => {
    const { application } = await givenApplication(one, [{ name: 'cap 1', limit: 1 }]);
    const p = player(one.url, application.id);
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await p.init('idp', `doomed-${i}`, {})).body.sessionId);
    expect(await runningOf(application.id)).toBe(12);
    expect((await admin('DELETE', `/api/v1/applications/${application.id}`)).status).toBe(204);
    for (const id of ids) {
      const stored = await one.stored(id);
      expect(stored?.endReason).toBe('killed');
      expect((stored?.endDetail as any).associatedAdvice[0].terminator.applicationName).toBe('Operator console');
    }
    // A deleted application drops out of the live view; until then it counts none.
    const left = await eventually(
      () => runningOf(application.id),
      (n) => n === undefined || n === 0,
    );
    expect(left ?? 0).toBe(0);
  });

  it('purges ended sessions past their retention, and only those', async () => {
    const demo = player(one.url, 'demo-app');
    const gone = await demo.init('idp', 'purge', {});
    const kept = await demo.init('idp', 'purge', {});
    await demo.stop('idp', 'purge', gone.body.sessionId);
    const store = one.app.get<SessionRecords>(SESSION_RECORDS);
    let purged = 0;
    for (let n = -1; n !== 0; purged += n) n = await store.purgeEnded(new Date(Date.now() + 60_000), 1000);
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await one.stored(gone.body.sessionId)).toBeNull();
    expect((await one.stored(kept.body.sessionId))?.endedAt).toBeNull();
    expect((await admin('GET', '/api/v1/subjects/idp/purge/sessions')).body.running.map((s: { id: string }) => s.id)).toEqual([
      kept.body.sessionId,
    ]);
  });
});

import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { eventually } from './management-helpers';

const rules = (limit: number) => [{ name: `at most ${limit}`, limit, message: 'Too many screens' }];

describe.each(ADAPTERS)('per-application policy epoch on %s', (adapter) => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let other: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
    // A second process on the same database: it learns configuration changes by polling.
    other = await startTestApp({ adapter, database: t.database });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const epochOf = async (applicationId: string) =>
    (await t.sql<{ policy_epoch: string }>('SELECT policy_epoch FROM applications WHERE id = $1', [applicationId]))[0].policy_epoch;
  const sessionEpoch = async (sessionId: string) =>
    (await t.sql<{ policy_epoch: string }>('SELECT policy_epoch FROM sessions WHERE id = $1', [sessionId]))[0].policy_epoch;

  it('a policy edit re-checks the streams of its application at once, and leaves other applications alone', async () => {
    const a = await givenApplication(t, rules(3));
    const b = await givenApplication(t, rules(3));
    const pa = player(t.url, a.application.id);
    const pb = player(t.url, b.application.id);
    const first = await pa.init('idp', 'epoch-a');
    const second = await pa.init('idp', 'epoch-a');
    const bs = await pb.init('idp', 'epoch-b');
    expect([first.status, second.status, bs.status]).toEqual([202, 202, 202]);
    const bEpoch = await epochOf(b.application.id);

    await t.policies.update(a.policy.id, { name: a.policy.name, rules: rules(1) });

    // Same process: no wait. The later stream no longer complies; the first does and is stamped with the new epoch.
    expect((await pa.heartbeat('idp', 'epoch-a', second.body.sessionId)).status).toBe(409);
    expect((await pa.heartbeat('idp', 'epoch-a', first.body.sessionId)).status).toBe(202);
    expect(await sessionEpoch(first.body.sessionId)).toBe(await epochOf(a.application.id));
    // B's epoch did not move: its stream stays on the one-statement heartbeat.
    expect(await epochOf(b.application.id)).toBe(bEpoch);
    expect((await pb.heartbeat('idp', 'epoch-b', bs.body.sessionId)).status).toBe(202);
    expect(await sessionEpoch(bs.body.sessionId)).toBe(bEpoch);
  });

  it('another process sees the change after its next poll', async () => {
    const a = await givenApplication(t, rules(2));
    const remote = player(other.url, a.application.id);
    const first = await remote.init('idp', 'epoch-remote');
    const second = await remote.init('idp', 'epoch-remote');
    expect([first.status, second.status]).toEqual([202, 202]);

    await t.policies.update(a.policy.id, { name: a.policy.name, rules: rules(1) });

    const seen = await eventually(
      () => remote.heartbeat('idp', 'epoch-remote', second.body.sessionId),
      (r) => r.status !== 202,
    );
    expect(seen.status).toBe(409);
    expect((await remote.init('idp', 'epoch-remote')).status).toBe(409);
  });

  it('attaching a shared policy moves the epoch of every application using it; sharing moves theirs too', async () => {
    const a = await givenApplication(t, rules(2));
    const b = await givenApplication(t, rules(2));
    const before = { a: await epochOf(a.application.id), b: await epochOf(b.application.id) };
    await t.policies.share(a.policy.id, [b.tenant.id]);
    const shared = { a: await epochOf(a.application.id), b: await epochOf(b.application.id) };
    expect(shared.a).not.toBe(before.a);
    expect(shared.b).toBe(before.b);

    await t.policies.attachToApplication(b.application.id, [b.policy.id, a.policy.id]);
    expect(await epochOf(a.application.id)).not.toBe(shared.a);
    expect(await epochOf(b.application.id)).not.toBe(shared.b);

    // The shared policy now counts B's streams for A's players too.
    const pa = player(t.url, a.application.id);
    const pb = player(t.url, b.application.id);
    expect((await pa.init('idp', 'shared-epoch')).status).toBe(202);
    expect((await pb.init('idp', 'shared-epoch')).status).toBe(202);
    expect((await pa.init('idp', 'shared-epoch')).status).toBe(409);
  });

  it('an application edit moves only its own epoch', async () => {
    const a = await givenApplication(t, rules(2));
    const sibling = await t.applications.create(a.tenant.id, { name: 'Sibling' });
    const before = { a: await epochOf(a.application.id), s: await epochOf(sibling.application.id) };
    await t.applications.update(a.application.id, { heartbeatIntervalSeconds: 30 });
    expect(await epochOf(a.application.id)).not.toBe(before.a);
    expect(await epochOf(sibling.application.id)).toBe(before.s);
    const init = await player(t.url, a.application.id).init('idp', 'interval');
    expect(init.status).toBe(202);
    expect(init.body.expires - Date.now()).toBeLessThanOrEqual(31_000);
  });
});

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { LiveUsageService, UsageRecorder } from '@cm/usage';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { adminApi, loginAs, type ManagementSession } from '../support/management';

const ZERO = { started: 0, denied: 0, dismissed: 0, killed: 0, stopped: 0, expired: 0 };

/** Waits until `check` holds (the server side of a disconnect is noticed asynchronously). */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** Opens the SSE stream with a real HTTP client; collects raw frames until `frames` were received. */
function readStream(
  url: string,
  token: string,
  frames: number,
): Promise<{ response: IncomingMessage; frames: string[]; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/v1/usage/stream`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        let buffer = '';
        const got: string[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end).replace(/^\n+/, '');
            buffer = buffer.slice(end + 2);
            if (frame) got.push(frame);
            if (got.length === frames) resolve({ response: res, frames: got, close: () => req.destroy() });
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}

describe.each(ADAPTERS)('live usage and history on %s (two api processes, one database)', (adapter) => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let admin: ManagementSession;
  let demoTenantId: string;
  const flushBoth = () => Promise.all([one.app.get(UsageRecorder).flush(), two.app.get(UsageRecorder).flush()]);

  beforeAll(async () => {
    database = await createTestDatabase(`usage-${adapter}`);
    one = await startTestApp({ database, adapter });
    two = await startTestApp({ database, adapter: adapter === 'express' ? 'fastify' : 'express' });
    admin = await adminApi(one);
    demoTenantId = (await one.tenants.findBySlug('demo'))!.id;
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('counts running sessions and the last minute across both processes, scoped to the tenant', async () => {
    const before = await admin.api('GET', '/usage/live');
    expect(before.status).toBe(200);
    expect(before.body.running).toBe(0);
    expect(before.body.lastMinute).toEqual(ZERO);

    const p1 = player(one.url, 'demo-app');
    const p2 = player(two.url, 'demo-app');
    expect((await p1.init('idp', 'live-1')).status).toBe(202);
    expect((await p2.init('idp', 'live-1')).status).toBe(202);
    expect((await p2.init('idp', 'live-1')).status).toBe(202);
    expect((await p1.init('idp', 'live-1')).status).toBe(409);
    const other = await givenApplication(one, [{ name: 'cap 5', limit: 5 }], { appName: 'Other app' });
    expect((await player(two.url, other.application.id).init('idp', 'live-2')).status).toBe(202);
    await two.app.get(UsageRecorder).flush(); // the other process' counts reach the database

    const live = await admin.api('GET', '/usage/live');
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(Date.parse(live.body.at)).not.toBeNaN();
    expect(live.body.running).toBe(4);
    expect(live.body.byApplication).toEqual(
      expect.arrayContaining([
        {
          applicationId: 'demo-app',
          applicationName: 'Demo application',
          tenantId: demoTenantId,
          running: 3,
          lastMinute: { ...ZERO, started: 3, denied: 1 },
        },
        {
          applicationId: other.application.id,
          applicationName: 'Other app',
          tenantId: other.tenant.id,
          running: 1,
          lastMinute: { ...ZERO, started: 1 },
        },
      ]),
    );
    expect(live.body.byPolicy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ policyName: 'demo-policy', tenantId: demoTenantId, running: 3 }),
        { policyId: other.policy.id, policyName: other.policy.name, tenantId: other.tenant.id, running: 1 },
      ]),
    );
    expect(live.body.lastMinute).toEqual({ ...ZERO, started: 4, denied: 1 });

    // The same answer from the other process.
    const fromTwo = await (await adminApi(two)).api('GET', '/usage/live');
    expect(fromTwo.body.running).toBe(4);

    const viewer = await loginAs(one, 'viewer', other.tenant.id);
    const scoped = await viewer.api('GET', '/usage/live');
    expect(scoped.status).toBe(200);
    expect(scoped.body.running).toBe(1);
    expect(scoped.body.byApplication).toEqual([
      {
        applicationId: other.application.id,
        applicationName: 'Other app',
        tenantId: other.tenant.id,
        running: 1,
        lastMinute: { ...ZERO, started: 1 },
      },
    ]);
    expect(scoped.body.byPolicy.map((p: { policyId: string }) => p.policyId)).toEqual([other.policy.id]);
    expect(scoped.body.lastMinute).toEqual({ ...ZERO, started: 1 });
  });

  it('answers 401 problem+json without credentials', async () => {
    const res = await fetch(`${one.url}/api/v1/usage/live`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('records history in minute, hour and day buckets, with end reasons and the peak, as JSON and CSV', async () => {
    const { application } = await givenApplication(one, [{ name: 'cap 2', limit: 2 }], { appName: 'History, "quoted" app' });
    const p = player(one.url, application.id);
    const a = (await p.init('idp', 'hist')).body.sessionId as string;
    const b = (await player(two.url, application.id).init('idp', 'hist')).body.sessionId as string;
    expect((await p.init('idp', 'hist')).status).toBe(409);
    await flushBoth(); // samples the peak while both run
    expect((await p.stop('idp', 'hist', a)).status).toBe(202);
    await one.sql(`UPDATE sessions SET expires_at = now() - interval '1 hour' WHERE id = $1`, [b]);
    await one.sweeper.sweep();
    await flushBoth();

    const expected = { started: 2, denied: 1, dismissed: 0, killed: 0, stopped: 1, expired: 1, peakRunning: 2 };
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (const granularity of ['minute', 'hour', 'day']) {
      const res = await admin.api('GET', `/usage/history?granularity=${granularity}&from=${from}&applicationId=${application.id}`);
      expect(res.status).toBe(200);
      expect(res.body.granularity).toBe(granularity);
      const buckets = res.body.buckets as Array<Record<string, unknown>>;
      expect(buckets.every((x) => x.applicationId === application.id && x.applicationName === 'History, "quoted" app')).toBe(true);
      const sum = (k: string) => buckets.reduce((s, x) => s + (x[k] as number), 0);
      expect({
        started: sum('started'),
        denied: sum('denied'),
        dismissed: sum('dismissed'),
        killed: sum('killed'),
        stopped: sum('stopped'),
        expired: sum('expired'),
        peakRunning: Math.max(...buckets.map((x) => x.peakRunning as number)),
      }).toEqual(expected);
    }

    const csv = await admin.api('GET', `/usage/history?granularity=day&from=${from}&applicationId=${application.id}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="usage-day-.*\.csv"$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('start,applicationId,applicationName,tenantId,started,denied,dismissed,killed,stopped,expired,peakRunning');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[1]).toContain(`,${application.id},"History, ""quoted"" app",`);

    // A tenant-admin of another tenant does not see this application's history, and cannot ask for it.
    const stranger = await loginAs(one, 'tenant-admin');
    const hidden = await stranger.api('GET', `/usage/history?granularity=day&from=${from}`);
    expect(hidden.status).toBe(200);
    expect(hidden.body.buckets).toEqual([]);
    const notFound = await stranger.api('GET', `/usage/history?applicationId=${application.id}`);
    expect(notFound.status).toBe(404);
  });

  it.each([
    ['granularity=week', 'granularity', /granularity must be one of minute, hour, day/],
    ['from=yesterday', 'from', /from must be an ISO 8601/],
    ['to=2026-13-45T00:00:00Z', 'to', /to must be an ISO 8601/],
    ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to', /to must be after from/],
    ['granularity=minute&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from', /at most 10000/],
    ['format=xml', 'format', /format must be json or csv/],
    ['bucket=minute', 'bucket', /Unknown query parameter "bucket"/],
    ['granularity=hour&granularity=day', 'granularity', /given once/],
  ])('refuses %s with a 400 naming %s', async (query, field, message) => {
    const res = await admin.api('GET', `/usage/history?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(message);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('streams the snapshot as Server-Sent Events and stops when the client leaves', async () => {
    const live = one.app.get(LiveUsageService);
    const { response, frames, close } = await readStream(one.url, admin.token, 3);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(frames[0]).toBe(': ping');
    const events = frames.slice(1).map((f) => {
      const data = f.split('\n').find((line) => line.startsWith('data: '));
      expect(data).toBeDefined();
      return JSON.parse(data!.slice('data: '.length));
    });
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e).toEqual(
        expect.objectContaining({ running: expect.any(Number), byApplication: expect.any(Array), lastMinute: expect.any(Object) }),
      );
    }
    expect(live.openStreams).toBe(1);
    close();
    await eventually(() => live.openStreams === 0, 'the server notices the client left');
  });
});

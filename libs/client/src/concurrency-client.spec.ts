import type { AdviceBody, RuleViolationAdvice } from '@cm/contracts';
import { ConcurrencyClient, type ConcurrencyClientOptions } from './concurrency-client';
import { ConcurrencyError } from './errors';
import type { PlaybackSession, PlaybackSessionEvents } from './playback-session';

/** The server's clock: deliberately far from the device's, which the SDK must never compare it with. */
const SERVER_NOW = Date.parse('2031-05-06T07:08:09Z');
const httpDate = (ms: number) => new Date(ms).toUTCString();

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  keepalive?: boolean;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error' | 'hang';

/** A scripted fetch: answers each call with the next reply queued for its method, records the calls. */
function fakeFetch() {
  const calls: Call[] = [];
  const replies: Record<string, Reply[]> = { GET: [], POST: [], DELETE: [] };
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    const method = init.method ?? 'GET';
    calls.push({
      method,
      url,
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
      keepalive: init.keepalive,
    });
    const reply = replies[method].shift() ?? { status: 202, headers: window(60) };
    if (reply === 'network-error') return Promise.reject(new TypeError('fetch failed'));
    if (reply === 'hang') {
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    const body = reply.body === undefined ? null : JSON.stringify(reply.body);
    return Promise.resolve(new Response(body, { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } }));
  };
  const reply = (method: 'GET' | 'POST' | 'DELETE', ...r: Reply[]) => replies[method].push(...r);
  return { fetch, calls, reply, heartbeats: () => calls.filter((c) => c.method === 'POST' && c.url.split('/').length === 8) };
}

/** Date and Expires headers for a window of `seconds`, by the server's clock. */
function window(seconds: number, at = SERVER_NOW): Record<string, string> {
  return { date: httpDate(at), expires: httpDate(at + seconds * 1000) };
}

const initReply = (seconds = 60): Reply => ({
  status: 202,
  body: { sessionId: '0190b2a0-0000-7000-8000-000000000001', terminationCode: 'abcdef01', expires: SERVER_NOW + seconds * 1000 },
  headers: { ...window(seconds), location: '0190b2a0-0000-7000-8000-000000000001' },
});

const violation = (codes: string[]): AdviceBody => ({
  associatedAdvice: [
    {
      type: 'rule-violation',
      message: 'Number of active streams exceeded',
      policyName: 'demo-policy',
      ruleName: '3 streams cap',
      attribute: 'streamId',
      threshold: 1,
      scope: [],
      conflicts: Object.fromEntries(
        codes.map((code, i) => [
          `session-${i}`,
          [
            {
              terminationCode: code,
              metadata: {},
              channel: 'Unknown',
              startedAt: '2031-05-06T07:00:00.000Z',
              deviceName: 'TV',
              applicationName: 'App',
            },
          ],
        ]),
      ),
    },
  ],
  obligations: [],
});

const termination: AdviceBody = {
  associatedAdvice: [
    {
      type: 'remote-termination',
      message: 'This session was terminated by a remote user',
      terminator: { channel: 'news', startedAt: '2031-05-06T07:08:00.000Z', deviceName: 'Phone', applicationName: 'App' },
    },
  ],
  obligations: [],
};

function record(session: PlaybackSession) {
  const events: { type: keyof PlaybackSessionEvents; payload: unknown }[] = [];
  for (const type of ['heartbeat', 'dismissed', 'terminated', 'expired', 'error'] as const) {
    session.on(type, (payload) => events.push({ type, payload }));
  }
  return { events, types: () => events.map((e) => e.type) };
}

describe(ConcurrencyClient.name, () => {
  let server: ReturnType<typeof fakeFetch>;
  let sut: ConcurrencyClient;

  const client = (options: Partial<ConcurrencyClientOptions> = {}) =>
    new ConcurrencyClient({ baseUrl: 'https://cm.example/', applicationId: 'app', fetch: server.fetch, ...options });

  async function started(seconds = 60): Promise<PlaybackSession> {
    server.reply('POST', initReply(seconds));
    const result = await sut.start({ idp: 'idp', subject: 'alice' });
    if (!result.admitted) throw new Error('expected admission');
    return result.session;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    server = fakeFetch();
    sut = client({ backoff: { initialMs: 1000, maxMs: 8000 } });
    jest.spyOn(Math, 'random').mockReturnValue(1); // no jitter: backoff exactly 1 s, 2 s, 4 s...
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('start', () => {
    it('posts the metadata as a form with Basic auth and X-Terminate, and returns the playing session', async () => {
      server.reply('POST', initReply());
      const result = await sut.start({
        idp: 'my idp+/x',
        subject: 'alice',
        metadata: { channel: 'news', deviceId: 'd 1' },
        terminate: ['aa', 'bb'],
      });

      expect(result.admitted).toBe(true);
      if (!result.admitted) return;
      expect(result.session).toMatchObject({
        sessionId: '0190b2a0-0000-7000-8000-000000000001',
        terminationCode: 'abcdef01',
        state: 'playing',
      });
      const [call] = server.calls;
      expect(call.method).toBe('POST');
      expect(call.url).toBe('https://cm.example/v2/sessions/my%20idp%2B%2Fx/alice');
      expect(call.headers.authorization).toBe(`Basic ${Buffer.from('app:').toString('base64')}`);
      expect(call.headers['x-terminate']).toBe('aa,bb');
      expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(call.body).toBe('channel=news&deviceId=d+1');
    });

    it('encodes the secret as UTF-8 in the Basic credentials', async () => {
      sut = client({ secret: 'sécret✓' });
      server.reply('GET', { status: 200, body: ['channel'] });
      await sut.metadata();
      expect(server.calls[0].headers.authorization).toBe(`Basic ${Buffer.from('app:sécret✓', 'utf8').toString('base64')}`);
    });

    it('returns a denial with every conflicting stream once, to offer "stop one of these"', async () => {
      const body = violation(['c0', 'c1']);
      const second = violation(['c1', 'c2']).associatedAdvice[0] as RuleViolationAdvice;
      body.associatedAdvice.push({ ...second, ruleName: 'devices' });
      server.reply('POST', { status: 409, body });

      const result = await sut.start({ idp: 'idp', subject: 'alice' });

      expect(result.admitted).toBe(false);
      if (result.admitted) return;
      expect(result.advice).toHaveLength(2);
      expect(result.conflicts.map((c) => [c.terminationCode, c.ruleName, c.key])).toEqual([
        ['c0', '3 streams cap', 'session-0'],
        ['c1', '3 streams cap', 'session-1'],
        ['c2', 'devices', 'session-1'],
      ]);
      expect(result.conflicts[0]).toMatchObject({
        deviceName: 'TV',
        policyName: 'demo-policy',
        message: 'Number of active streams exceeded',
      });
    });

    it.each([
      [
        400,
        { associatedAdvice: [], obligations: [{ namespace: 'adobe.primetime.cm', action: 'refresh', arguments: ['metadata'] }] },
        'missing-metadata',
      ],
      [400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'metadata key "a b" is invalid' }, 'bad-request'],
      [401, undefined, 'unauthorized'],
      [429, undefined, 'throttled'],
      [503, undefined, 'server'],
    ])('rejects a %i start with a %s ConcurrencyError', async (status, body, kind) => {
      server.reply('POST', { status, body, headers: status === 429 ? { 'retry-after': '7' } : {} });
      const error = await sut.start({ idp: 'idp', subject: 'alice' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ kind, status });
      if (status === 429) expect(error).toMatchObject({ retryAfterMs: 7000 });
      if (kind === 'bad-request') expect((error as Error).message).toContain('metadata key "a b" is invalid');
      expect(server.calls).toHaveLength(1);
    });

    it('rejects with a network error when no answer comes within the request timeout', async () => {
      sut = client({ requestTimeoutMs: 5000 });
      server.reply('POST', 'hang');
      const outcome = sut.start({ idp: 'idp', subject: 'alice' }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(5000);
      expect(await outcome).toMatchObject({ kind: 'network', status: 0 });
    });
  });

  describe('heartbeats', () => {
    it('are scheduled from the answer’s Expires − Date minus the margin, whatever the device clock says', async () => {
      const session = await started(60);
      const { events } = record(session);

      await jest.advanceTimersByTimeAsync(53_999);
      expect(server.heartbeats()).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.heartbeats()).toHaveLength(1);
      expect(server.heartbeats()[0].url).toBe('https://cm.example/v2/sessions/idp/alice/0190b2a0-0000-7000-8000-000000000001');
      expect(events).toEqual([{ type: 'heartbeat', payload: { expiresInMs: 60_000, nextHeartbeatInMs: 54_000 } }]);
    });

    it('follow the window of the latest answer (the application’s interval changed to 10 s)', async () => {
      const session = await started(60);
      server.reply('POST', { status: 202, headers: window(10) });
      await jest.advanceTimersByTimeAsync(54_000);
      expect(session.expiresInMs).toBe(10_000);

      await jest.advanceTimersByTimeAsync(7_999);
      expect(server.heartbeats()).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.heartbeats()).toHaveLength(2);
    });

    it('run faster with a time scale', async () => {
      sut = client({ timeScale: 100 });
      await started(60);
      await jest.advanceTimersByTimeAsync(540);
      expect(server.heartbeats()).toHaveLength(1);
    });

    it('on 409 emit dismissed with the conflicts and stop', async () => {
      const session = await started(60);
      const { events, types } = record(session);
      server.reply('POST', { status: 409, body: violation(['newc0de1']) });

      await jest.advanceTimersByTimeAsync(54_000);

      expect(types()).toEqual(['dismissed']);
      expect(events[0].payload).toMatchObject({ conflicts: [{ terminationCode: 'newc0de1' }] });
      expect(session.state).toBe('dismissed');
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.heartbeats()).toHaveLength(1);
    });

    it('on 410 with a remote-termination advice emit terminated', async () => {
      const session = await started(60);
      const { events, types } = record(session);
      server.reply('POST', { status: 410, body: termination });

      expect(await session.heartbeatNow()).toBe('terminated');
      expect(types()).toEqual(['terminated']);
      expect(events[0].payload).toMatchObject({ advice: { terminator: { deviceName: 'Phone' } } });
    });

    it.each([410, 404])('on %s without body emit expired', async (status) => {
      const session = await started(60);
      const { events } = record(session);
      server.reply('POST', { status });

      expect(await session.heartbeatNow()).toBe('expired');
      expect(events).toEqual([{ type: 'expired', payload: { reason: 'server' } }]);
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.heartbeats()).toHaveLength(1);
    });

    it('retry network failures and 5xx with doubling backoff, then carry on normally', async () => {
      const session = await started(60);
      const { events, types } = record(session);
      server.reply('POST', 'network-error', { status: 503 }, { status: 202, headers: window(60) });

      await jest.advanceTimersByTimeAsync(54_000); // fails
      await jest.advanceTimersByTimeAsync(1_000); // 503
      expect(server.heartbeats()).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1_999);
      expect(server.heartbeats()).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1); // 202
      expect(server.heartbeats()).toHaveLength(3);
      expect(types()).toEqual(['error', 'error', 'heartbeat']);
      expect(events[0].payload).toMatchObject({ willRetry: true, error: { kind: 'network' } });
      expect(events[1].payload).toMatchObject({ willRetry: true, error: { kind: 'server', status: 503 } });
      expect(session.state).toBe('playing');

      await jest.advanceTimersByTimeAsync(54_000); // back on the normal schedule
      expect(server.heartbeats()).toHaveLength(4);
    });

    it('honour Retry-After on 429', async () => {
      await started(60);
      server.reply('POST', { status: 429, headers: { 'retry-after': '5', ...window(60) } });

      await jest.advanceTimersByTimeAsync(54_000);
      await jest.advanceTimersByTimeAsync(4_999);
      expect(server.heartbeats()).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.heartbeats()).toHaveLength(2);
    });

    it('stop retrying when the expiry window closes, and emit expired', async () => {
      const session = await started(60);
      const { events, types } = record(session);
      for (let i = 0; i < 20; i++) server.reply('POST', { status: 502 });

      await jest.advanceTimersByTimeAsync(54_000); // then retries after 1, 2, 4 s (and the last one at the deadline)
      await jest.advanceTimersByTimeAsync(6_000);

      // 54 s, 55 s, 57 s, 60 s (the deadline): no call after the server stopped counting on us.
      expect(server.heartbeats()).toHaveLength(4);
      expect(session.state).toBe('expired');
      expect(types()).toEqual(['error', 'error', 'error', 'error', 'expired']);
      expect(events.at(-2)?.payload).toMatchObject({ willRetry: false });
      expect(events.at(-1)?.payload).toEqual({ reason: 'unreachable' });
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.heartbeats()).toHaveLength(4);
    });

    it('end with a fatal error on an answer retrying cannot fix (401)', async () => {
      const session = await started(60);
      const { events } = record(session);
      server.reply('POST', { status: 401 });

      expect(await session.heartbeatNow()).toBe('failed');
      expect(events).toEqual([{ type: 'error', payload: { willRetry: false, error: expect.objectContaining({ kind: 'unauthorized' }) } }]);
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.heartbeats()).toHaveLength(1);
    });

    it('heartbeatNow sends added metadata; a refused update rejects but the session keeps playing', async () => {
      const session = await started(60);
      server.reply('POST', { status: 400, body: { detail: 'metadata "channel" cannot change' } }, { status: 202, headers: window(60) });

      await expect(session.heartbeatNow({ channel: 'sports' })).rejects.toMatchObject({ kind: 'bad-request' });
      expect(server.heartbeats()[0].body).toBe('channel=sports');
      expect(session.state).toBe('playing');

      await jest.advanceTimersByTimeAsync(54_000);
      expect(server.heartbeats()).toHaveLength(2);
      expect(server.heartbeats()[1].body).toBeUndefined();
    });

    it('share one call when heartbeatNow is called while a heartbeat is in flight', async () => {
      const session = await started(60);
      const [a, b] = await Promise.all([session.heartbeatNow(), session.heartbeatNow()]);
      expect([a, b]).toEqual(['playing', 'playing']);
      expect(server.heartbeats()).toHaveLength(2); // queued: one after the other, never two at once
    });

    it('survive a listener that throws', async () => {
      const session = await started(60);
      session.on('heartbeat', () => {
        throw new Error('listener bug');
      });
      const seen: number[] = [];
      session.on('heartbeat', (e) => seen.push(e.expiresInMs));

      expect(await session.heartbeatNow()).toBe('playing');
      expect(seen).toEqual([60_000]);
      expect(() => jest.runOnlyPendingTimers()).toThrow('listener bug');
    });
  });

  describe('stop', () => {
    it('sends DELETE (keepalive for page unload) and ends the heartbeats', async () => {
      const session = await started(60);
      server.reply('DELETE', { status: 202 });

      expect(await session.stop({ keepalive: true })).toBe('stopped');

      const del = server.calls.find((c) => c.method === 'DELETE')!;
      expect(del.url).toBe('https://cm.example/v2/sessions/idp/alice/0190b2a0-0000-7000-8000-000000000001');
      expect(del.keepalive).toBe(true);
      expect(session.state).toBe('stopped');
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.heartbeats()).toHaveLength(0);
    });

    it.each([410, 404])(
      'answers already-ended for a session the server ended (%s), and for a second stop without calling',
      async (status) => {
        const session = await started(60);
        server.reply('DELETE', { status });
        expect(await session.stop()).toBe('already-ended');
        expect(await session.stop()).toBe('already-ended');
        expect(server.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
      },
    );

    it('never rejects: unreachable when the server does not answer', async () => {
      const session = await started(60);
      const { types } = record(session);
      server.reply('DELETE', 'network-error');
      expect(await session.stop()).toBe('unreachable');
      expect(types()).toEqual(['error']);
    });
  });

  describe('other calls', () => {
    it('metadata() returns the names the policies need', async () => {
      server.reply('GET', { status: 200, body: ['channel', 'deviceId'] });
      expect(await sut.metadata()).toEqual(['channel', 'deviceId']);
      expect(server.calls[0].url).toBe('https://cm.example/v2/metadata');
    });

    it('runningStreams() reads the account’s streams', async () => {
      const body = { runningStreams: [], otherStreams: 2 };
      server.reply('GET', { status: 200, body });
      expect(await sut.runningStreams('idp', 'bob smith')).toEqual(body);
      expect(server.calls[0].url).toBe('https://cm.example/v2/runningStreams/idp/bob%20smith');
    });

    it('refuses to be built without a base URL or application id', () => {
      expect(() => new ConcurrencyClient({ baseUrl: '', applicationId: 'a' })).toThrow('baseUrl is required');
      expect(() => new ConcurrencyClient({ baseUrl: 'http://x', applicationId: '' })).toThrow('applicationId is required');
    });
  });
});

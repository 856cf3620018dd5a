import type { AdviceBody } from '@cm/contracts';
import { ConcurrencyClient } from '../concurrency-client';
import { bindMedia, type MediaBinding, type MediaBindingOptions } from './media-binding';
import type { MediaEventName, MediaTarget } from './media-target';

/** The server's clock, far from the device's. */
const SERVER_NOW = Date.parse('2031-05-06T07:08:09Z');
const window = (seconds: number) => ({
  date: new Date(SERVER_NOW).toUTCString(),
  expires: new Date(SERVER_NOW + seconds * 1000).toUTCString(),
});

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

/** A scripted CM server: answers each call with the next reply queued for its method (default 202). */
function fakeServer() {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; keepalive?: boolean }> = [];
  const replies: Record<string, Reply[]> = { POST: [], DELETE: [], GET: [] };
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, headers: init.headers as Record<string, string>, keepalive: init.keepalive });
    const reply: Reply = replies[method].shift() ?? { status: 202, headers: window(10) };
    if (reply === 'network-error') return Promise.reject(new TypeError('fetch failed'));
    const body = reply.body === undefined ? null : JSON.stringify(reply.body);
    return Promise.resolve(new Response(body, { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } }));
  };
  let n = 0;
  const admit = (): Reply => {
    n += 1;
    const sessionId = `0190b2a0-0000-7000-8000-00000000000${n}`;
    return { status: 202, body: { sessionId, terminationCode: `code000${n}`, expires: SERVER_NOW + 10_000 }, headers: window(10) };
  };
  return {
    fetch,
    calls,
    reply: (method: 'POST' | 'DELETE', ...r: Reply[]) => replies[method].push(...r),
    admit,
    starts: () => calls.filter((c) => c.method === 'POST' && c.url.split('/').length === 7),
    stops: () => calls.filter((c) => c.method === 'DELETE'),
  };
}

const denial: AdviceBody = {
  associatedAdvice: [
    {
      type: 'rule-violation',
      message: 'Number of active streams exceeded',
      policyName: 'p',
      ruleName: '1 stream',
      attribute: 'streamId',
      threshold: 1,
      scope: [],
      conflicts: {
        s1: [
          {
            terminationCode: 'aaaa0001',
            metadata: {},
            channel: 'News',
            startedAt: '2031-05-06T07:00:00.000Z',
            deviceName: 'TV',
            applicationName: 'App',
          },
        ],
      },
    },
  ],
  obligations: [],
};

/** A player the test drives like a viewer: play, pause, end, change source. */
class FakeMedia implements MediaTarget {
  paused = true;
  private readonly listeners = new Map<MediaEventName, Set<() => void>>();
  on(event: MediaEventName, listener: () => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
    return () => this.listeners.get(event)!.delete(listener);
  }
  play() {
    if (!this.paused) return;
    this.paused = false;
    this.fire('play');
  }
  pause() {
    if (this.paused) return;
    this.paused = true;
    this.fire('pause');
  }
  fire(event: MediaEventName) {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener();
  }
}

describe('MediaBinding', () => {
  let server: ReturnType<typeof fakeServer>;
  let media: FakeMedia;
  let sut: MediaBinding;
  const bind = (options: Partial<MediaBindingOptions> = {}) => {
    const client = new ConcurrencyClient({
      baseUrl: 'https://cm.example',
      applicationId: 'app',
      fetch: server.fetch,
      backoff: { initialMs: 1000, maxMs: 1000 },
    });
    sut = bindMedia(media, { client, idp: 'idp', subject: 'alice', metadata: { channel: 'News' }, hiddenGraceSeconds: false, ...options });
    return sut;
  };
  const settle = () => jest.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(1);
    server = fakeServer();
    media = new FakeMedia();
  });
  afterEach(async () => {
    await sut?.destroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('starts on the first play with the metadata, heartbeats, and stops when the media ends', async () => {
    bind();
    expect(server.starts()).toHaveLength(0);
    server.reply('POST', server.admit());
    media.play();
    await settle();
    expect(sut.state).toBe('active');
    expect(server.starts()[0].url).toBe('https://cm.example/v2/sessions/idp/alice');
    await jest.advanceTimersByTimeAsync(8000); // the 10 s window less its 2 s margin
    expect(server.calls.filter((c) => c.method === 'POST')).toHaveLength(2);
    const stopped = jest.fn();
    sut.on('stopped', stopped);
    media.fire('ended');
    await settle();
    expect(server.stops()).toHaveLength(1);
    expect(stopped).toHaveBeenCalledWith({ reason: 'ended' });
    expect(sut.state).toBe('idle');
  });

  it('stops on a source change (emptied), and when the page goes away with a keepalive request', async () => {
    // Node has no window: a page's global event target for this test.
    const page = new EventTarget();
    const globals = globalThis as unknown as { addEventListener?: unknown; removeEventListener?: unknown };
    globals.addEventListener = page.addEventListener.bind(page);
    globals.removeEventListener = page.removeEventListener.bind(page);
    bind();
    server.reply('POST', server.admit(), server.admit());
    media.play();
    await settle();
    media.fire('emptied');
    await settle();
    expect(server.stops()).toHaveLength(1);
    media.pause();
    media.play();
    await settle();
    expect(sut.state).toBe('active');
    page.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(server.stops()).toHaveLength(2);
    expect(server.stops()[1].keepalive).toBe(true);
    await sut.destroy();
    delete globals.addEventListener;
    delete globals.removeEventListener;
  });

  it('keeps a paused stream for pauseGraceSeconds, then stops it; the next play starts a new one', async () => {
    bind({ pauseGraceSeconds: 30 });
    server.reply('POST', server.admit());
    media.play();
    await settle();
    media.pause();
    await jest.advanceTimersByTimeAsync(29_000);
    expect(server.stops()).toHaveLength(0);
    media.play(); // resumed within the grace: same stream
    media.pause();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(server.stops()).toHaveLength(1);
    expect(sut.state).toBe('idle');
    server.reply('POST', server.admit());
    media.play();
    await settle();
    expect(server.starts()).toHaveLength(2);
    expect(sut.state).toBe('active');
  });

  it('stops and pauses when the page stays hidden for hiddenGraceSeconds (a phone switching apps)', async () => {
    // Node has no document: a page that the test hides and shows.
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    (globalThis as unknown as { document?: unknown }).document = page;
    const setVisibility = (state: DocumentVisibilityState) => {
      page.visibilityState = state;
      page.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      bind({ hiddenGraceSeconds: 30 });
      server.reply('POST', server.admit());
      media.play();
      await settle();
      setVisibility('hidden');
      await jest.advanceTimersByTimeAsync(20_000);
      setVisibility('visible'); // back within the grace: nothing happens
      await jest.advanceTimersByTimeAsync(20_000);
      expect(server.stops()).toHaveLength(0);
      setVisibility('hidden');
      await jest.advanceTimersByTimeAsync(30_000);
      expect(server.stops()).toHaveLength(1);
      expect(media.paused).toBe(true);
      expect(sut.state).toBe('idle');
    } finally {
      await sut.destroy();
      delete (globalThis as unknown as { document?: unknown }).document;
    }
  });

  it('pauses on a denial, asks onConflict, and starts again with X-Terminate and resumes when the viewer chose', async () => {
    const onConflict = jest.fn((d: { conflicts: Array<{ terminationCode: string }> }) => d.conflicts[0]);
    bind({ onConflict: onConflict as unknown as MediaBindingOptions['onConflict'] });
    const denied = jest.fn();
    sut.on('denied', denied);
    server.reply('POST', { status: 409, body: denial }, server.admit());
    media.play();
    await settle();
    expect(denied).toHaveBeenCalledTimes(1);
    expect(onConflict).toHaveBeenCalledTimes(1);
    expect(server.starts()[1].headers['x-terminate']).toBe('aaaa0001');
    expect(sut.state).toBe('active');
    expect(media.paused).toBe(false);
  });

  it('keeps the media paused while the viewer is being asked', async () => {
    let answer: (choice: undefined) => void = () => undefined;
    bind({ onConflict: () => new Promise<undefined>((resolve) => (answer = resolve)) });
    server.reply('POST', { status: 409, body: denial });
    media.play();
    await settle();
    media.play(); // a media key, while the dialog is open
    await settle();
    expect(media.paused).toBe(true);
    expect(server.starts()).toHaveLength(1);
    answer(undefined);
    await settle();
    expect(sut.state).toBe('denied');
  });

  it('stays paused and denied when the viewer cancels', async () => {
    bind({ onConflict: () => undefined });
    server.reply('POST', { status: 409, body: denial });
    media.play();
    await settle();
    expect(media.paused).toBe(true);
    expect(sut.state).toBe('denied');
    expect(server.starts()).toHaveLength(1);
  });

  it('pauses and raises terminated on a remote termination at heartbeat', async () => {
    bind();
    const terminated = jest.fn();
    sut.on('terminated', terminated);
    const remote: AdviceBody = {
      associatedAdvice: [
        { type: 'remote-termination', message: 'This session was terminated by a remote session', terminator: {} as never },
      ],
      obligations: [],
    };
    server.reply('POST', server.admit(), { status: 410, body: remote });
    media.play();
    await jest.advanceTimersByTimeAsync(8000);
    expect(terminated).toHaveBeenCalledTimes(1);
    expect(media.paused).toBe(true);
    expect(sut.state).toBe('idle');
  });

  describe('network failures', () => {
    it('by default, pauses when no heartbeat gets through within the window', async () => {
      bind();
      const expired = jest.fn();
      sut.on('expired', expired);
      server.reply('POST', server.admit(), ...Array<Reply>(10).fill('network-error'));
      media.play();
      await jest.advanceTimersByTimeAsync(8000); // first heartbeat fails, retried every second until the expiry
      expect(media.paused).toBe(false);
      await jest.advanceTimersByTimeAsync(2000);
      expect(expired).toHaveBeenCalledWith({ reason: 'unreachable', keptPlaying: false });
      expect(media.paused).toBe(true);
    });

    it('with failOpen, keeps playing past the window and tries a new start later', async () => {
      bind({ failOpen: true, failOpenRetrySeconds: 20 });
      const expired = jest.fn();
      sut.on('expired', expired);
      server.reply('POST', server.admit(), ...Array<Reply>(3).fill('network-error'));
      media.play();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(expired).toHaveBeenCalledWith({ reason: 'unreachable', keptPlaying: true });
      expect(media.paused).toBe(false);
      server.reply('POST', server.admit());
      await jest.advanceTimersByTimeAsync(20_000);
      expect(server.starts()).toHaveLength(2);
      expect(sut.state).toBe('active');
    });

    it('a start without an answer pauses by default, and keeps playing with failOpen', async () => {
      bind();
      server.reply('POST', 'network-error');
      media.play();
      await settle();
      expect(media.paused).toBe(true);
      expect(sut.state).toBe('idle');
      await sut.destroy();

      media = new FakeMedia();
      bind({ failOpen: true });
      const errors = jest.fn();
      sut.on('error', errors);
      server.reply('POST', 'network-error');
      media.play();
      await settle();
      expect(media.paused).toBe(false);
      expect(errors.mock.calls[0][0]).toMatchObject({ willRetry: true });
    });
  });
});

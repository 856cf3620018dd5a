import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';

describe.each(ADAPTERS)('GET /metrics on %s', (adapter) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t?.close());

  const scrape = async () => {
    const res = await fetch(`${t.url}/metrics`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const sample = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('exposes running sessions, decisions, request durations by route, the database pool and Node metrics', async () => {
    const p = player(t.url, 'demo-app');
    for (let i = 0; i < 3; i++) expect((await p.init('idp', 'metrics-alice', { channel: 'news' })).status).toBe(202);
    expect((await p.init('idp', 'metrics-alice')).status).toBe(409);
    const sessionId = (await p.running('idp', 'metrics-alice')).body.runningStreams[0].sessionId as string;
    expect((await p.stop('idp', 'metrics-alice', sessionId)).status).toBe(202);

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'cm_sessions_running{tenant="demo",application="demo-app"}')).toBe(2);
    expect(sample(text, 'cm_decisions_total{outcome="admitted"}')).toBe(3);
    expect(sample(text, 'cm_decisions_total{outcome="denied"}')).toBe(1);
    expect(sample(text, 'cm_decisions_total{outcome="stopped"}')).toBe(1);
    expect(sample(text, 'cm_decisions_total{outcome="killed"}')).toBe(0);
    // The route pattern, not the raw URL (no subject ids in label values).
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/v2\/sessions\/:idp\/:subject",status_code="202"\} 3/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/v2\/sessions\/:idp\/:subject",status_code="409"\} 1/);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="DELETE",route="\/v2\/sessions\/:idp\/:subject\/:sessionId",status_code="202"\} 1/,
    );
    expect(text).not.toContain('metrics-alice');
    for (const name of [
      'cm_db_pool_connections',
      'cm_db_pool_idle',
      'cm_db_pool_waiting',
      'cm_usage_streams_open',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'cm_db_pool_connections')).toBeGreaterThanOrEqual(1);
  });

  it('labels refused management calls and unknown paths without leaking raw URLs', async () => {
    expect((await fetch(`${t.url}/api/v1/usage/live`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/no/such/path-123`)).status).toBe(404);
    const { text } = await scrape();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/usage\/live",status_code="401"\} 1/);
    expect(text).not.toContain('path-123');
  });
});

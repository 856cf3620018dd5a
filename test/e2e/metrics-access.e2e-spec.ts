import { MetricsListener } from '../../apps/api/src/http/metrics-access';
import { ADAPTERS, startTestApp, type TestApp } from '../support/app';

const TOKEN = 'scrape-me-with-this-token';

describe.each(ADAPTERS)('/metrics behind CM_METRICS_TOKEN on the public port, on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter, env: { CM_METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t?.close());

  it('answers 401 with WWW-Authenticate without the token or with a wrong one', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-of-the-same-size',
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      TOKEN,
    ]) {
      const res = await fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await res.text();
      expect(body).toContain('CM_METRICS_TOKEN');
      expect(body).not.toContain('cm_decisions_total');
      expect(body).not.toContain(TOKEN);
    }
  });

  it('answers the metrics with the token', async () => {
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE cm_sessions_running gauge');
  });

  it('starts no metrics listener', () => {
    expect(t.app.get(MetricsListener).address).toBeUndefined();
  });
});

describe.each(ADAPTERS)('a metrics listener with a token (CM_METRICS_PORT + CM_METRICS_TOKEN), on %s', (adapter) => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let metricsUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ adapter, env: { CM_METRICS_PORT: '0', CM_METRICS_TOKEN: TOKEN } });
    metricsUrl = `http://127.0.0.1:${t.app.get(MetricsListener).address!.port}/metrics`;
  });
  afterAll(() => t?.close());

  it('the public port has no /metrics at all', async () => {
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('the listener wants the token too', async () => {
    const refused = await fetch(metricsUrl);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('closes with the application', async () => {
    const other = await startTestApp({ adapter, env: { CM_METRICS_PORT: '0' }, database: t.database });
    const port = other.app.get(MetricsListener).address!.port;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await other.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

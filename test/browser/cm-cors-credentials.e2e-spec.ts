import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium } from './chromium';

interface Step {
  step: string;
  status?: number;
  location?: string | null;
  expires?: string | null;
  sessionId?: string;
  error?: string;
}

/** A player page, as another site would serve it: it plays one session against `api` with credentials: 'include'. */
const playerPage = (api: string, subject: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Player on another origin</title></head>
<body><pre id="out">playing</pre>
<script>
(async () => {
  const api = ${JSON.stringify(api)};
  const path = '/v2/sessions/browser-idp/' + ${JSON.stringify(subject)};
  const call = (method, url) =>
    fetch(api + url, { method, credentials: 'include', headers: { Authorization: 'Basic ' + btoa('demo-app:') } });
  const steps = [];
  try {
    const init = await call('POST', path);
    const body = await init.json();
    steps.push({ step: 'init', status: init.status, location: init.headers.get('Location'), expires: init.headers.get('Expires'), sessionId: body.sessionId });
    const heartbeat = await call('POST', path + '/' + body.sessionId);
    steps.push({ step: 'heartbeat', status: heartbeat.status, expires: heartbeat.headers.get('Expires') });
    const stop = await call('DELETE', path + '/' + body.sessionId);
    steps.push({ step: 'stop', status: stop.status });
  } catch (error) {
    steps.push({ step: 'failed', error: String(error) });
  }
  window.steps = steps;
  document.getElementById('out').textContent = JSON.stringify(steps, null, 2);
})();
</script></body></html>`;

/**
 * A browser player that sends credentials (`fetch(..., { credentials: 'include' })`) from a page on another origin:
 * the browser only hands it the answers when CORS echoes its Origin with `Access-Control-Allow-Credentials: true`.
 */
describeWithChromium('CM v2 from another origin with credentials, in Chromium', (executablePath) => {
  describe.each(ADAPTERS)('%s', (adapter) => {
    let t: TestApp;
    let browser: Browser;
    let site: Server;
    let siteUrl: string;
    const subject = `cors-${Math.random().toString(36).slice(2, 8)}`;

    beforeAll(async () => {
      t = await startTestApp({ adapter });
      site = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(playerPage(t.url, subject)));
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/player.html`;
      browser = await launchChromium(executablePath);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => site?.close(resolve));
      await t?.close();
    });

    it('starts, heartbeats and stops a session', async () => {
      expect(new URL(siteUrl).origin).not.toBe(new URL(t.url).origin);
      const page = await browser.newPage();
      await page.goto(siteUrl);
      await page.waitForFunction(() => 'steps' in window, undefined, { timeout: 10_000 });
      const steps = await page.evaluate(() => (window as unknown as { steps: Step[] }).steps);
      expect(steps).toEqual([
        { step: 'init', status: 202, location: expect.any(String), expires: expect.any(String), sessionId: expect.any(String) },
        { step: 'heartbeat', status: 202, expires: expect.any(String) },
        { step: 'stop', status: 202 },
      ]);
      expect(steps[0].location).toBe(steps[0].sessionId);

      // The server saw the whole session: it is stopped now.
      const demo = player(t.url, 'demo-app');
      expect((await demo.running('browser-idp', subject)).body.runningStreams).toEqual([]);
      expect((await demo.heartbeat('browser-idp', subject, steps[0].sessionId!)).status).toBe(410);
    });
  });
});

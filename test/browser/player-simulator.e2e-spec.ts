import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { ADAPTERS, player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'player-sim-admin@example.test';
const PASSWORD = 'player-sim-password-123';
const IDP = 'Simulator_SSO';

/**
 * The console's player simulator in a real headless Chromium: the page drives the real player SDK (@cm/client)
 * against the real server's CM v2 API on a real PostgreSQL. The demo application allows 3 streams per account
 * (first wins): a 4th device is denied, kills one of the three through X-Terminate, and the killed device learns
 * it at its next heartbeat.
 */
describeWithChromium('Player simulator in Chromium', (executablePath) => {
  describe.each(ADAPTERS)('%s', (adapter) => {
    let t: TestApp;
    let browser: Browser;
    let page: Page;
    const subject = `sim-${Math.random().toString(36).slice(2, 8)}`;
    const device = (n: number): Locator => page.getByRole('region', { name: `Device ${n}`, exact: true });
    const stateOf = (n: number) => device(n).getByTestId('device-state');
    /** Full-page shot from the top (the fixed header would otherwise be drawn where the page was scrolled to). */
    const shot = async (name: string) => {
      if (adapter !== 'express') return;
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    };
    const waitForState = (n: number, state: string) =>
      stateOf(n)
        .filter({ hasText: new RegExp(`^${state}$`) })
        .waitFor();

    beforeAll(async () => {
      t = await startTestApp({ adapter, env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD } });
      browser = await launchChromium(executablePath);
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      page = await context.newPage();
      page.setDefaultTimeout(10_000);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('signs in and opens the simulator for demo-app with four devices', async () => {
      await page.goto(t.url);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel(/^Password/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Live' }).waitFor();

      await page.getByRole('link', { name: 'Player simulator' }).click();
      await page.getByRole('heading', { name: 'Player simulator' }).waitFor();
      await page.getByText('Pick an application').first().waitFor();
      await page.getByRole('combobox', { name: 'Application' }).click();
      await page.getByRole('option', { name: 'Demo application (demo-app)' }).click();
      // demo-app's policy counts streams: GET /v2/metadata (through the SDK) says no metadata is needed.
      await page.getByText(/policies need no metadata/).waitFor();
      await page.getByLabel('Subject (account)').fill(subject);
      for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Add device' }).click();
      for (let n = 1; n <= 4; n++) await waitForState(n, 'idle');
      expect(await device(4).getByLabel('Metadata').inputValue()).toBe('deviceName=Device 4');
    });

    it('plays three devices; the fourth is denied with the three conflicting streams listed', async () => {
      for (let n = 1; n <= 3; n++) {
        await device(n).getByRole('button', { name: 'Play' }).click();
        await waitForState(n, 'playing');
        await device(n)
          .getByText(/Start 202 — playing/)
          .waitFor();
      }
      await device(4).getByRole('button', { name: 'Play' }).click();
      await waitForState(4, 'denied');
      await device(4).getByText('Denied: Number of active streams exceeded').waitFor();
      await device(4)
        .getByText(/Start 409 — Number of active streams exceeded: 3 conflicting stream/)
        .waitFor();
      const conflicts = device(4).getByTestId('conflict');
      expect(await conflicts.count()).toBe(3);
      const listed = (await conflicts.allTextContents()).join('\n');
      for (let n = 1; n <= 3; n++) {
        const code = (await device(n).getByTestId('termination-code').textContent())!;
        expect(code).toMatch(/^[0-9a-f]{8}$/);
        expect(listed).toContain(`Device ${n}`);
        expect(listed).toContain(code);
      }
      const running = await player(t.url, 'demo-app').running(IDP, subject);
      expect(running.body.runningStreams).toHaveLength(3);
      await shot('14-player-simulator-denied');
    });

    it('"Stop this one and play" ends the first conflict and plays the fourth; the killed device shows it at once', async () => {
      const first = device(4).getByTestId('conflict').first();
      const victimName = /Device (\d)/.exec((await first.textContent())!)!;
      const victim = Number(victimName[1]);
      const victimCode = (await device(victim).getByTestId('termination-code').textContent())!;
      await first.getByRole('button', { name: 'Stop this one and play' }).click();
      await waitForState(4, 'playing');
      await device(4).getByText(`ended the stream ${victimCode} (Device ${victim})`, { exact: false }).waitFor();
      expect(await device(4).getByTestId('conflict').count()).toBe(0);

      // The killed device never shows "playing" beside the new one (four under a 3-stream cap): it is ended at
      // once, and its heartbeat hears the server's 410.
      await waitForState(victim, 'terminated');
      const states = await page.getByTestId('device-state').allTextContents();
      expect(states.filter((s) => s === 'playing')).toHaveLength(3);
      await device(victim)
        .getByText(/Heartbeat 410 — terminated: .*\(by Device 4 on Demo application\)/)
        .waitFor();
      expect(await device(victim).getByRole('button', { name: 'Heartbeat now' }).isDisabled()).toBe(true);

      // The two others are untouched: their heartbeat is accepted.
      const other = [1, 2, 3].find((n) => n !== victim)!;
      await device(other).getByRole('button', { name: 'Heartbeat now' }).click();
      await device(other)
        .getByText(/Heartbeat 202 — expires in 60 s/)
        .waitFor();
      await waitForState(other, 'playing');

      const running = await player(t.url, 'demo-app').running(IDP, subject);
      const codes = running.body.runningStreams.map((s: { terminationCode: string }) => s.terminationCode);
      expect(codes).toHaveLength(3);
      expect(codes).not.toContain(victimCode);
      await shot('14-player-simulator');
    });

    it('is usable at tablet width', async () => {
      await page.setViewportSize({ width: 800, height: 1024 });
      await device(4).getByRole('button', { name: 'Heartbeat now' }).click();
      await device(4)
        .getByText(/Heartbeat 202/)
        .waitFor();
      expect(await device(4).getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
      await shot('14-player-simulator-tablet');
      await page.setViewportSize({ width: 1280, height: 860 });
    });

    it('stops every stream when the user leaves the page', async () => {
      await page.getByRole('link', { name: 'Live' }).click();
      await page.getByRole('heading', { name: 'Live' }).waitFor();
      await page.waitForFunction(
        async ([url, idp, sub]) => {
          const res = await fetch(`${url}/v2/runningStreams/${idp}/${sub}`, { headers: { authorization: `Basic ${btoa('demo-app:')}` } });
          return ((await res.json()) as { runningStreams: unknown[] }).runningStreams.length === 0;
        },
        [t.url, IDP, subject] as const,
        { polling: 200 },
      );
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { givenApplication, startTestApp, type TestApp } from '../support/app';
import { adminApi, type ManagementSession } from '../support/management';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const APP = 'players-test';
const IDP = 'Players_SSO';

interface AccountSessions {
  running: Array<{ id: string; metadata: Record<string, string>; lastHeartbeatAt: string | null }>;
  ended: Array<{ id: string; metadata: Record<string, string>; endReason: string; killedBy?: string }>;
}

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 860 } },
  // A phone: small, touch, mobile (pointer: coarse).
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

/**
 * The player integrations of @cm/client in a real headless Chromium: the example pages (examples/players) play the
 * committed HLS test stream through hls.js, Shaka and video.js (real Media Source playback), each bound with the
 * SDK's script-tag build, against the real server. The test application allows 3 streams per account (first wins)
 * with a 10 s heartbeat window; the pages run the SDK 10 times faster (`timeScale=10`: a heartbeat every 0.8 s) and
 * free a paused stream after 1 s (`pauseGrace=1`). What the viewer sees is read from the page (the video's
 * playback, the dialog); what the operator sees from the management API (the account's sessions and end reasons).
 */
describeWithChromium('Player integrations in Chromium', (executablePath) => {
  // Each test opens pages that load a player and play real media: a loaded CI machine needs more than the default.
  jest.setTimeout(60_000);
  let t: TestApp;
  let browser: Browser;
  let admin: ManagementSession;

  beforeAll(async () => {
    t = await startTestApp({});
    await givenApplication(t, [{ name: '3 streams', limit: 3, onConflict: 'reject', message: 'Number of active streams exceeded' }], {
      appId: APP,
      appName: 'Players test',
      heartbeatIntervalSeconds: 10,
    });
    admin = await adminApi(t);
    browser = await launchChromium(executablePath, ['--autoplay-policy=no-user-gesture-required']);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const sessionsOf = async (subject: string): Promise<AccountSessions> => {
    const answer = await admin.api('GET', `/subjects/${IDP}/${subject}/sessions`);
    expect(answer.status).toBe(200);
    return answer.body as AccountSessions;
  };
  /** Polls the management API until `check` holds (the operator's view of the account). */
  const eventually = async (subject: string, check: (s: AccountSessions) => boolean, what: string): Promise<AccountSessions> => {
    let last: AccountSessions | undefined;
    for (let i = 0; i < 100; i++) {
      last = await sessionsOf(subject);
      if (check(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what}: the server shows ${JSON.stringify(last)}`);
  };
  const devices = (list: Array<{ metadata: Record<string, string> }>) => list.map((s) => s.metadata.deviceName).sort();

  /** Real playback: the video element plays and its clock moves past `seconds`. */
  const playsPast = (page: Page, seconds: number) =>
    page.waitForFunction((s) => {
      const video = document.querySelector('video');
      return !!video && !video.paused && video.currentTime > s;
    }, seconds);
  const paused = (page: Page) => page.waitForFunction(() => document.querySelector('video')?.paused === true);
  const stateIs = (page: Page, state: string) =>
    page
      .getByRole('status')
      .filter({ hasText: new RegExp(`^${state}$`) })
      .waitFor();
  const logged = (page: Page, text: RegExp) => page.locator('#events li').filter({ hasText: text }).first().waitFor();

  async function seriousViolations(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run(document)).violations as Array<{
        id: string;
        impact: string;
        help: string;
        nodes: Array<{ target: string[] }>;
      }>;
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('binds a plain <video> playing HLS natively (media.html), and stops its stream when the tab closes', async () => {
    const subject = `media-${Math.random().toString(36).slice(2, 7)}`;
    const context = await browser.newContext(VIEWPORTS.desktop);
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(
        `${t.url}/examples/players/media.html?${new URLSearchParams({ app: APP, idp: IDP, subject, device: 'TV', timeScale: '10' })}`,
      );
      await page.locator('video').evaluate((video: HTMLVideoElement) => video.play());
      await playsPast(page, 0.5);
      await stateIs(page, 'active');
      expect(devices((await eventually(subject, (s) => s.running.length === 1, 'one stream')).running)).toEqual(['TV']);
      await page.close();
      const after = await eventually(subject, (s) => s.ended.length === 1, 'TV ended');
      expect(after.ended[0].endReason).toBe('stopped');
    } finally {
      await context.close();
    }
  });

  describe.each(['hlsjs', 'shaka', 'videojs'] as const)('%s', (player) => {
    describe.each(Object.keys(VIEWPORTS) as Array<keyof typeof VIEWPORTS>)('on %s', (viewport) => {
      const subject = `${player}-${viewport}-${Math.random().toString(36).slice(2, 7)}`;
      let context: BrowserContext;
      const pages: Record<string, Page> = {};

      /** Opens the player's example page as device `name` of the account and presses play, as the viewer would. */
      async function openAndPlay(name: string): Promise<Page> {
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        const query = new URLSearchParams({ app: APP, idp: IDP, subject, device: name, timeScale: '10', pauseGrace: '1' });
        await page.goto(`${t.url}/examples/players/${player}.html?${query}`);
        await play(page);
        pages[name] = page;
        return page;
      }
      async function play(page: Page): Promise<void> {
        if (player === 'videojs') {
          // video.js's own play control (the big button before the first play, the control bar's after).
          const started = await page.evaluate(() => document.querySelector('.video-js')?.classList.contains('vjs-has-started'));
          const button = started ? page.locator('.vjs-play-control') : page.getByRole('button', { name: 'Play Video' });
          await (viewport === 'phone' ? button.tap() : button.click());
        } else {
          // The promise rejects when the binding pauses at once (a denial): the player's own business.
          await page.locator('video').evaluate((video: HTMLVideoElement) => video.play().catch(() => undefined));
        }
      }

      beforeAll(async () => {
        context = await browser.newContext(VIEWPORTS[viewport]);
      });
      afterAll(() => context?.close());

      it('starts the stream when the video plays, and heartbeats while it plays', async () => {
        const p1 = await openAndPlay('P1');
        await playsPast(p1, 0.5);
        await stateIs(p1, 'active');
        const started = await eventually(subject, (s) => s.running.length === 1, 'one stream running');
        expect(started.running[0].metadata).toMatchObject({ deviceName: 'P1', channel: 'Test pattern' });
        await eventually(subject, (s) => s.running[0]?.lastHeartbeatAt !== null, 'a heartbeat arrived');
        await logged(p1, /heartbeat, expires in 10 s/);
        // Still really playing through the heartbeats (the 6 s stream loops).
        await playsPast(p1, 2);
      });

      it('shows a fourth player the conflict dialog; stopping one from it starts playback, and the stopped one pauses', async () => {
        await Promise.all(['P2', 'P3'].map(async (name) => playsPast(await openAndPlay(name), 0.2)));
        expect(devices((await eventually(subject, (s) => s.running.length === 3, 'three streams')).running)).toEqual(['P1', 'P2', 'P3']);

        const p4 = await openAndPlay('P4');
        const dialog = p4.getByRole('dialog', { name: 'Too many streams' });
        await dialog.waitFor();
        await paused(p4);
        await stateIs(p4, 'denied');
        expect(await dialog.getByRole('listitem').count()).toBe(3);
        await dialog
          .getByText('Number of active streams exceeded. Your account is watching on 3 other screens.', { exact: false })
          .waitFor();
        // The first stop button has the focus; Tab cycles within the dialog.
        const focused = () => p4.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label') ?? null);
        expect(await focused()).toMatch(/^Stop this one and watch here: P\d, Test pattern, started .+$/);
        if (viewport === 'desktop') {
          for (let i = 0; i < 4; i++) await p4.keyboard.press('Tab');
          expect(await focused()).toMatch(/^Stop this one and watch here: P\d/);
          await p4.keyboard.press('Shift+Tab');
          expect(await focused()).toBeNull(); // back past the first: the Cancel button (no aria-label of its own)
          await p4.keyboard.press('Tab');
        }
        expect(await seriousViolations(p4)).toEqual([]);
        if (viewport === 'desktop') {
          // Escape cancels: the player stays paused; the viewer's next play asks again.
          await p4.keyboard.press('Escape');
          await dialog.waitFor({ state: 'detached' });
          await stateIs(p4, 'denied');
          expect(await p4.locator('video').evaluate((video: HTMLVideoElement) => video.paused)).toBe(true);
          await play(p4);
          await dialog.waitFor();
        }
        if (player === 'hlsjs') await p4.screenshot({ path: join(SCREENSHOTS, `29-players-conflict-${viewport}.png`) });

        const stop = dialog.getByRole('button', { name: /: P1, / });
        await (viewport === 'phone' ? stop.tap() : stop.click());
        await dialog.waitFor({ state: 'detached' });
        await playsPast(p4, 0.5);
        await stateIs(p4, 'active');
        await logged(p4, /started [0-9a-f]{8}, stopped [0-9a-f]{8}/);

        // P1 hears the remote termination at its next heartbeat: paused, with the event.
        await paused(pages.P1);
        await logged(pages.P1, /terminated: stopped from another device/);
        await stateIs(pages.P1, 'idle');
        const after = await eventually(subject, (s) => s.running.length === 3 && s.ended.length === 1, 'P1 ended');
        expect(devices(after.running)).toEqual(['P2', 'P3', 'P4']);
        expect(after.ended[0]).toMatchObject({ metadata: { deviceName: 'P1' }, endReason: 'killed', killedBy: 'another-device' });
      });

      it('stops the stream when the viewer closes the tab', async () => {
        await pages.P2.close();
        const after = await eventually(subject, (s) => s.ended.some((e) => e.metadata.deviceName === 'P2'), 'P2 ended');
        expect(after.ended.find((e) => e.metadata.deviceName === 'P2')?.endReason).toBe('stopped');
        expect(devices(after.running)).toEqual(['P3', 'P4']);
      });

      it('frees the stream of a player paused past its grace, and starts a new one when it plays again', async () => {
        const p3 = pages.P3;
        await p3.locator('video').evaluate((video: HTMLVideoElement) => video.pause());
        await logged(p3, /stopped \(paused\)/);
        await stateIs(p3, 'idle');
        const freed = await eventually(subject, (s) => s.running.length === 1, 'P3 freed');
        expect(devices(freed.running)).toEqual(['P4']);
        expect(freed.ended.find((e) => e.metadata.deviceName === 'P3')?.endReason).toBe('stopped');

        await play(p3);
        await playsPast(p3, 0.2);
        await stateIs(p3, 'active');
        expect(devices((await eventually(subject, (s) => s.running.length === 2, 'P3 again')).running)).toEqual(['P3', 'P4']);
      });
    });
  });
});

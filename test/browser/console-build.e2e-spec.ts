import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { findConsoleDir } from '../../apps/api/src/http/console.module';
import { startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium } from './chromium';

/** Vite's warning threshold (kB of 1000 bytes), which the build must not raise or pass. */
const CHUNK_LIMIT_BYTES = 500_000;
const ADMIN = 'console-build-admin@example.test';
const ADMIN_PASSWORD = 'console-build-password-1';

/**
 * The console as built by `npm run build:admin` (npm test builds it first): split into chunks a browser loads as
 * pages are opened, none over Vite's 500 kB warning, and its source maps kept off a production server.
 */
describe('console build', () => {
  const dir = findConsoleDir();
  if (!dir) throw new Error('The console is not built: run `npm run build:admin` (npm test does it first)');
  const assets = readdirSync(join(dir, 'assets'));

  it('has no JavaScript chunk over 500 kB, and the warning limit is not raised to hide one', () => {
    const scripts = assets.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(10);
    const big = scripts
      .map((name) => [name, statSync(join(dir, 'assets', name)).size] as const)
      .filter(([, size]) => size > CHUNK_LIMIT_BYTES);
    expect(big).toEqual([]);
    expect(readFileSync(join(__dirname, '../../apps/admin/vite.config.mts'), 'utf8')).not.toMatch(/chunkSizeWarningLimit/);
  });

  describe.each([
    ['production', { CM_ENV: 'production', CM_METRICS_PORT: '0', CM_ADMIN_EMAIL: ADMIN, CM_ADMIN_PASSWORD: ADMIN_PASSWORD }, 404],
    ['development', {}, 200],
  ] as const)('served in %s mode', (_, env, mapStatus) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env });
    });
    afterAll(() => t?.close());

    it(`answers ${mapStatus} for the source maps, and serves the scripts`, async () => {
      const maps = assets.filter((name) => name.endsWith('.js.map'));
      expect(maps.length).toBeGreaterThan(0); // built, for development; the server decides whether to serve them
      for (const name of maps.slice(0, 3)) expect((await fetch(`${t.url}/assets/${name}`)).status).toBe(mapStatus);
      const html = await (await fetch(t.url)).text();
      const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
      expect((await fetch(`${t.url}${entry}`)).status).toBe(200);
    });
  });
});

describeWithChromium('console chunks in Chromium', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp({ env: { CM_ADMIN_EMAIL: ADMIN, CM_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await launchChromium(executablePath);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads a page’s code when the page is first opened, not with the sign-in form', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(t.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(scripts.some((path) => /PolicyEditorPage|LivePage|charts/.test(path))).toBe(false);

    await page.getByLabel('Email').fill(ADMIN);
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    expect(scripts.some((path) => /LivePage/.test(path))).toBe(true);
    expect(scripts.some((path) => /PolicyEditorPage/.test(path))).toBe(false);

    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    await page.goto(`${t.url}/policies/new`);
    await page.getByRole('heading', { name: 'New policy', level: 1 }).waitFor();
    expect(scripts.some((path) => /PolicyEditorPage/.test(path))).toBe(true);
    await context.close();
  });
});

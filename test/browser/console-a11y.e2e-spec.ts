import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { adminApi, type ManagementSession } from '../support/management';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'a11y-admin@example.test';
const PASSWORD = 'a11y-admin-password-123';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Addresses the IP databases place far apart (test/e2e/sharing.e2e-spec.ts): a home line in Paris, one in Sydney. */
const PARIS = '80.8.12.34';
const SYDNEY = '58.160.12.34';

const VIEWPORTS = { desktop: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } } as const;
const SCHEMES = ['light', 'dark'] as const;

/** The page has loaded what it shows: no spinner left. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('.mantine-Loader-root')].every((el) => (el as HTMLElement).offsetParent === null),
    undefined,
    { timeout: 10_000 },
  );
}

/** axe-core in the page: the serious and critical violations, each named with the elements it concerns. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[]; failureSummary?: string }> }>;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${(n.failureSummary ?? '').split('\n')[1]?.trim()})`).join('; ')}`);
}

const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
};

/**
 * The console's accessibility with data on every page: an account with a denial, registered devices and networks,
 * a sharing score, a rotated signing key, API tokens and an open dialog. axe-core runs on every page reachable from
 * the navigation at a desktop size and on a phone, in light and dark mode, in one server and one browser; no
 * serious or critical finding is allowed. Then the findings of the console walk (issue 28), one test each.
 */
describeWithChromium('Console accessibility with data, desktop and phone, light and dark (Chromium)', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let admin: ManagementSession;
  let demoPolicyId = '';
  let travelAppId = '';
  const traveller = `traveller-${Math.random().toString(16).slice(2, 8)}`;

  beforeAll(async () => {
    t = await startTestApp({
      adapter: 'express',
      env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD, CM_TRUST_PROXY: 'loopback' },
    });
    browser = await launchChromium(executablePath);
    admin = await adminApi(t);
    const demo = (await t.tenants.findBySlug('demo'))!;
    demoPolicyId = (await t.policies.listByTenant(demo.id))[0].id;

    // family-42 watches on three devices; the kitchen tablet is denied (demo-policy: 3 streams cap).
    const cm = player(t.url, 'demo-app');
    for (const deviceName of ['Living room TV', 'Phone', 'Laptop']) {
      expect((await cm.init('Cable_SSO', 'family-42', { deviceName, channel: 'news' })).status).toBe(202);
    }
    expect((await cm.init('Cable_SSO', 'family-42', { deviceName: 'Kitchen tablet', channel: 'sports' })).status).toBe(409);

    // A traveller plays in Paris then Sydney on registered devices: devices, networks and a sharing score.
    const travel = await givenApplication(
      t,
      [
        { type: 'device-registration', name: '3 devices', limit: 3 },
        { name: 'cap 10', limit: 10 },
      ],
      // A long heartbeat: the streams still run when the last page is visited.
      { tenantSlug: 'demo', appName: 'Travel app', heartbeatIntervalSeconds: 3600 },
    );
    travelAppId = travel.application.id;
    const tp = player(t.url, travelAppId);
    expect((await tp.init('idp', traveller, { deviceId: 'tv', deviceName: 'Living room TV' }, { 'x-forwarded-for': PARIS })).status).toBe(
      202,
    );
    expect((await tp.init('idp', traveller, { deviceId: 'phone', deviceName: 'Phone' }, { 'x-forwarded-for': SYDNEY })).status).toBe(202);

    // A rotated signing key and a second API token, for the admin pages.
    expect((await admin.api('POST', '/signing-keys/rotate', {})).status).toBe(200);
    expect((await admin.api('POST', '/tokens', { name: 'deploy' })).status).toBe(201);

    // Sharing scores are computed off the player path, in batches.
    for (let i = 0; i < 40; i++) {
      const found = await admin.api('GET', `/sharing/accounts/idp/${traveller}`);
      if (found.status === 200 && found.body.score > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Every page the navigation reaches, with data; `open` opens a dialog on the page before axe runs. */
  const pages = (): Array<{ name: string; path: string; heading: string | RegExp; open?: (page: Page) => Promise<void> }> => [
    { name: 'live', path: '/', heading: 'Live' },
    { name: 'applications', path: '/applications', heading: 'Applications' },
    { name: 'application', path: '/applications/demo-app', heading: 'Demo application' },
    { name: 'policies', path: '/policies', heading: 'Policies' },
    { name: 'policy', path: `/policies/${demoPolicyId}`, heading: 'demo-policy' },
    { name: 'new-policy', path: '/policies/new', heading: 'New policy' },
    { name: 'accounts', path: '/accounts', heading: 'Accounts' },
    { name: 'account-denied', path: '/accounts?idp=Cable_SSO&subject=family-42', heading: 'Account family-42' },
    { name: 'account-devices', path: `/accounts?idp=idp&subject=${traveller}`, heading: `Account ${traveller}` },
    {
      name: 'kill-dialog',
      path: `/accounts?idp=idp&subject=${traveller}`,
      heading: `Account ${traveller}`,
      open: async (page) => {
        await page.getByRole('button', { name: /^Kill/ }).first().click();
        await page.getByRole('dialog').waitFor();
      },
    },
    { name: 'sharing', path: '/sharing?reviewed=all', heading: 'Sharing' },
    { name: 'sharing-account', path: `/sharing/account?idp=idp&subject=${traveller}`, heading: `idp / ${traveller}` },
    { name: 'history', path: '/history', heading: 'History' },
    { name: 'player', path: '/player', heading: 'Player simulator' },
    { name: 'tenants', path: '/admin/tenants', heading: 'Tenants' },
    { name: 'operators', path: '/admin/operators', heading: 'Operators' },
    { name: 'tokens', path: '/admin/tokens', heading: 'API tokens' },
    { name: 'audit', path: '/admin/audit', heading: 'Audit log' },
    { name: 'signing-keys', path: '/admin/signing-keys', heading: 'Signing keys' },
    { name: 'my-account', path: '/me', heading: 'My account' },
  ];

  async function signedIn(viewport: keyof typeof VIEWPORTS, colorScheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORTS[viewport], colorScheme, locale: 'en-US', bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    await page.goto(t.url);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    return { context, page };
  }

  describe.each(Object.keys(VIEWPORTS) as Array<keyof typeof VIEWPORTS>)('%s', (viewport) => {
    it.each(SCHEMES)('%s mode: no serious or critical axe finding on any page, with data', async (scheme) => {
      const { context, page } = await signedIn(viewport, scheme);
      const findings: string[] = [];
      for (const p of pages()) {
        try {
          await page.goto(`${t.url}${p.path}`);
          await page.getByRole('heading', { name: p.heading, level: 1 }).waitFor();
          await settled(page);
          if (p.open) await p.open(page);
        } catch (error) {
          findings.push(`${p.name}: did not open (${String(error).split('\n')[0]})`);
          continue;
        }
        const found = await seriousViolations(page);
        findings.push(...found.map((f) => `${p.name}: ${f}`));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) findings.push(`${p.name}: scrolls sideways by ${overflow} px`);
        await shot(page, `a11y-${viewport}-${scheme}-${p.name}`);
      }
      await context.close();
      expect(findings).toEqual([]);
    }, 180_000);
  });
});

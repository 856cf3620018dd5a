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
/** What the dark scheme changes is colour: in dark mode axe checks the colour rules only (the layout was checked in light). */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/** The page has loaded what it shows: no spinner left. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('.mantine-Loader-root')].every((el) => (el as HTMLElement).offsetParent === null),
    undefined,
    { timeout: 10_000 },
  );
}

/** axe-core in the page: the serious and critical violations, each named with the elements it concerns. */
async function seriousViolations(page: Page, rules?: string[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (only) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'], ...(only ? { runOnly: { type: 'rule', values: only } } : {}) });
    return result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[]; failureSummary?: string }> }>;
  }, rules);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${(n.failureSummary ?? '').split('\n')[1]?.trim()})`).join('; ')}`,
    );
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
  let demoTenantId = '';
  let travelAppId = '';
  let lockedApp = { id: '', secret: '' };
  const traveller = `traveller-${Math.random().toString(16).slice(2, 8)}`;

  beforeAll(async () => {
    t = await startTestApp({
      adapter: 'express',
      env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD, CM_TRUST_PROXY: 'loopback' },
    });
    browser = await launchChromium(executablePath);
    admin = await adminApi(t);
    const demo = (await t.tenants.findBySlug('demo'))!;
    demoTenantId = demo.id;
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

    // An application that needs a secret (the player simulator), and a tenant with nothing yet (the tenant picker).
    const locked = await givenApplication(t, [{ name: 'cap 3', limit: 3 }], {
      tenantSlug: 'demo',
      appName: 'Locked app',
      requireSecret: true,
    });
    lockedApp = { id: locked.application.id, secret: locked.secret! };
    await t.tenants.create({ slug: 'acme-europe', name: 'Acme Europe' });

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
    { name: 'configuration', path: '/admin/configuration', heading: 'Configuration' },
    { name: 'my-account', path: '/me', heading: 'My account' },
  ];

  async function signedIn(
    viewport: keyof typeof VIEWPORTS,
    colorScheme: 'light' | 'dark',
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: VIEWPORTS[viewport],
      colorScheme,
      locale: 'en-US',
      timezoneId: 'America/Los_Angeles',
      bypassCSP: true,
    });
    // The console works in the Demo tenant (the header's picker would start on the first by name, Acme Europe).
    await context.addInitScript((id) => localStorage.setItem('cm.tenant', id), demoTenantId);
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
    it.each(SCHEMES)(
      '%s mode: no serious or critical axe finding on any page, with data',
      async (scheme) => {
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
          const found = await seriousViolations(page, scheme === 'dark' ? COLOUR_RULES : undefined);
          findings.push(...found.map((f) => `${p.name}: ${f}`));
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 0) findings.push(`${p.name}: scrolls sideways by ${overflow} px`);
          await shot(page, `a11y-${viewport}-${scheme}-${p.name}`);
        }
        await context.close();
        expect(findings).toEqual([]);
      },
      400_000,
    );
  });

  describe("the walk's findings, at a desktop size", () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => ({ context, page } = await signedIn('desktop', 'light')));
    afterAll(() => context?.close());

    it('the player simulator says at once that a secret is wrong (a 401, no browser login pop-up), and plays with the right one', async () => {
      await page.goto(`${t.url}/player`);
      await page.getByRole('combobox', { name: 'Application' }).click();
      await page.getByRole('option', { name: `Locked app (${lockedApp.id})` }).click();
      const secret = page.getByLabel('Application secret');
      await secret.fill('not-the-secret');
      // Before the fix the page said "Loading the metadata…" until the SDK gave up ("no answer within 10000 ms").
      await page.getByText('This secret is wrong: the server refused it (401)').waitFor();
      await page.getByRole('alert').filter({ hasText: 'This secret is wrong' }).waitFor();
      expect(await page.getByText(/no answer/).count()).toBe(0);
      await shot(page, 'a11y-player-wrong-secret');
      await secret.fill(lockedApp.secret);
      await page.getByText(/policies need no metadata/).waitFor();
      expect(await page.getByText('This secret is wrong', { exact: false }).count()).toBe(0);
    });

    it('the Kill dialog names its close button and starts on Cancel, not on the close button', async () => {
      await page.goto(`${t.url}/accounts?idp=idp&subject=${traveller}`);
      await page.getByRole('button', { name: 'Kill the stream on Phone' }).click();
      const dialog = page.getByRole('dialog', { name: 'Kill this stream?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Close this dialog' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await shot(page, 'a11y-kill-dialog');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it("the audit log finds one day's entries with From and To on that day (To is included)", async () => {
      await page.goto(`${t.url}/admin/audit`);
      const today = new Date().toISOString().slice(0, 10);
      await page.getByLabel('From (UTC day)').fill(today);
      await page.getByLabel('To (UTC day, included)').fill(today);
      const log = page.getByRole('table', { name: 'Audit log' });
      await log.getByText('deploy').first().waitFor();
      expect(await page.getByLabel('To (UTC day, included)').inputValue()).toBe(today);
      await shot(page, 'a11y-audit-one-day');
    });

    it('Sharing lists the tenant picked in the header, and says so', async () => {
      await page.goto(`${t.url}/sharing?reviewed=all`);
      const table = page.getByRole('table', { name: 'Accounts with sharing signals' });
      await table.getByText(`idp / ${traveller}`).waitFor();
      await page.getByRole('combobox', { name: 'Tenant', exact: true }).first().click();
      await page.getByRole('option', { name: 'Acme Europe', exact: true }).click();
      await page.getByText('No sharing signal').waitFor();
      expect(await page.getByText(`idp / ${traveller}`).count()).toBe(0);
      await page.getByText('Of Acme Europe').waitFor();
      await shot(page, 'a11y-sharing-other-tenant');
      // Every tenant, chosen on the page itself, lists the demo account again.
      await page.getByRole('combobox', { name: 'Tenant', exact: true }).last().click();
      await page.getByRole('option', { name: 'All tenants' }).click();
      await table.getByText(`idp / ${traveller}`).waitFor();
    });

    it('API tokens: Expires is typed in UTC and says so; a second token of the same name is refused beside the name, once', async () => {
      await page.goto(`${t.url}/admin/tokens`);
      const expires = page.getByLabel('Expires (UTC)');
      await expires.fill('2031-01-02T03:04');
      await page.getByLabel('Token name').fill('nightly');
      await page.getByRole('button', { name: 'Create token' }).click();
      const dialog = page.getByRole('dialog', { name: 'New API token' });
      await dialog.getByRole('button', { name: 'I have copied it' }).click();
      const tokens = page.getByRole('table', { name: 'API tokens' });
      // Typed 03:04 in UTC, shown 03:04 UTC (the browser here is in Los Angeles: read as local, it would be 11:04).
      await tokens.getByRole('row').filter({ hasText: 'nightly' }).getByText('2 Jan 2031, 03:04:00 UTC').waitFor();

      await page.getByLabel('Token name').fill('nightly');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByText('You already have a token named "nightly": choose another name, or revoke that one first').waitFor();
      expect(await page.getByText(/already have a token named/).count()).toBe(1);
      expect(await page.locator('.mantine-Notification-root').count()).toBe(0);
      await shot(page, 'a11y-tokens-duplicate');
    });

    it('a number out of range is refused with a message, never silently changed', async () => {
      await page.goto(`${t.url}/applications/${travelAppId}`);
      const heartbeat = page.getByLabel('Heartbeat interval (seconds)');
      await heartbeat.fill('5');
      await page.getByLabel('Platform').click();
      expect(await heartbeat.inputValue()).toBe('5');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Between 10 and 3600 seconds').waitFor();
      expect(await page.getByText('Application saved').count()).toBe(0);
      await heartbeat.fill('99999');
      await page.getByLabel('Platform').click();
      expect(await heartbeat.inputValue()).toBe('99999');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Between 10 and 3600 seconds').waitFor();
      await shot(page, 'a11y-heartbeat-refused');
      expect((await admin.api('GET', `/applications/${travelAppId}`)).body.heartbeatIntervalSeconds).toBe(3600);
      // Back to the saved value: nothing left unsaved.
      await heartbeat.fill('3600');
    });

    it('a rule with an emptied limit reads no NaN; a limit of 0 warns that it refuses every stream', async () => {
      await page.goto(`${t.url}/policies/new`);
      const limit = page.getByLabel('Rule 1 limit');
      await limit.fill('');
      const summary = page.getByTestId('rule-summary-0');
      expect(await summary.textContent()).toBe('Type a limit to read this rule in plain words');
      await limit.fill('0');
      await page.getByTestId('rule-blocks-all-0').getByText('A limit of 0 refuses every stream this rule concerns').waitFor();
      expect(await summary.textContent()).toMatch(/^At most 0 streams per account/);
      await shot(page, 'a11y-rule-limit-0');
    });

    it('plain words: a stream that took the place of another says so (no superseded=… tag), and the kill dialog names no status code', async () => {
      const cm = player(t.url, 'demo-app');
      const old = await cm.init('Cable_SSO', 'family-44', { deviceName: 'Old TV' });
      const replacing = await cm.init('Cable_SSO', 'family-44', { deviceName: 'New phone' }, { 'X-Terminate': old.body.terminationCode });
      expect(replacing.status).toBe(202);
      await page.goto(`${t.url}/accounts?idp=Cable_SSO&subject=family-44`);
      await page.getByText('Took the place of another stream of this account').first().waitFor();
      expect(await page.getByText(/superseded/).count()).toBe(0);
      await page.getByRole('button', { name: 'Kill the stream on New phone' }).click();
      const dialog = page.getByRole('dialog', { name: 'Kill this stream?' });
      await dialog.getByText('at its next heartbeat the player learns that an operator ended it', { exact: false }).waitFor();
      expect(await dialog.textContent()).not.toMatch(/410/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    it('configuration: downloads the YAML the CLI exports (no secrets), and an uploaded file shows its plan before it is applied', async () => {
      await page.goto(`${t.url}/admin/configuration`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download YAML' }).click()]);
      expect(download.suggestedFilename()).toBe('cm-configuration.yaml');
      const text = readFileSync(await download.path(), 'utf8');
      expect(text).toContain('slug: demo');
      expect(text).toContain('name: Travel app');
      expect(text).not.toContain(lockedApp.secret);

      const edited = text.replace('name: Travel app', 'name: Travel app from a file');
      await page
        .locator('input[type=file]')
        .setInputFiles({ name: 'edited.yaml', mimeType: 'application/yaml', buffer: Buffer.from(edited) });
      const plan = page.getByTestId('configuration-plan');
      await plan.getByText('The plan: applying this file would make these changes.').waitFor();
      const changes = (await plan.getByRole('list', { name: 'Changes to tenant demo' }).textContent())!;
      expect(changes).toContain(`application ${travelAppId}`);
      expect(changes).toContain('Travel app → Travel app from a file');
      // Nothing changed yet.
      expect((await admin.api('GET', `/applications/${travelAppId}`)).body.name).toBe('Travel app');
      await shot(page, 'a11y-configuration-plan');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Apply this plan' }).click();
      // Every tenant of the file (Acme Europe and Demo) now matches it.
      await page.getByText(/^The server now matches the file: .*demo/).waitFor();
      await shot(page, 'a11y-configuration-applied');
      expect((await admin.api('GET', `/applications/${travelAppId}`)).body.name).toBe('Travel app from a file');

      await page
        .locator('input[type=file]')
        .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just: some notes') });
      await page.getByText('This is not a configuration file: it has no list of tenants', { exact: false }).waitFor();
    });
  });
});
